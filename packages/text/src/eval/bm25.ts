import bm25 from 'wink-bm25-text-search';
import nlp from 'wink-nlp-utils';

/** Options of {@link Bm25Index}. */
export interface Bm25Options {
  /** Term-frequency saturation. Default 1.2 (Robertson & Zaragoza). */
  k1?: number;
  /** Length normalisation. Default 0.75. */
  b?: number;
}

/**
 * A BM25 baseline (Robertson & Zaragoza, 2009) through `wink-bm25-text-search`, with its usual English
 * preparation from `wink-nlp-utils`: lowercase, tokenise, drop stop words, Porter-stem. Search returns only
 * documents that share a term with the query, best first.
 */
export class Bm25Index {
  private readonly engine: ReturnType<typeof bm25>;

  constructor(documents: readonly string[], options: Bm25Options = {}) {
    if (documents.length < 3) throw new RangeError(`BM25 needs at least 3 documents, got ${documents.length}`);
    this.engine = bm25();
    this.engine.defineConfig({ fldWeights: { body: 1 }, bm25Params: { k1: options.k1 ?? 1.2, b: options.b ?? 0.75 } });
    this.engine.definePrepTasks([
      nlp.string.lowerCase as (x: unknown) => unknown,
      nlp.string.tokenize0 as (x: unknown) => unknown,
      nlp.tokens.removeWords as (x: unknown) => unknown,
      nlp.tokens.stem as (x: unknown) => unknown,
    ]);
    documents.forEach((d, i) => this.engine.addDoc({ body: d }, i));
    this.engine.consolidate();
  }

  /** `[documentIndex, score]` of the best `limit` matches. */
  search(query: string, limit = 10): [number, number][] {
    return this.engine.search(query, limit).map(([id, s]) => [Number(id), s]);
  }

  /** 1-based rank of each query's gold document within the top `limit` (`Infinity` when not found). */
  ranks(queries: readonly string[], gold: Int32Array, limit = 10): Float64Array {
    const out = new Float64Array(queries.length);
    queries.forEach((q, i) => {
      const hits = this.search(q, limit);
      const pos = hits.findIndex(([id]) => id === gold[i]);
      out[i] = pos < 0 ? Number.POSITIVE_INFINITY : pos + 1;
    });
    return out;
  }
}
