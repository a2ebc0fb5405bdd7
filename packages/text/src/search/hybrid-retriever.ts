/**
 * Hybrid search: a lexical (BM25) and a dense ranking of the same documents, fused. Browser-safe.
 */
import type { SearchHit, VectorIndex } from '../vector-index/vector-index.js';
import { reciprocalRankFusion, weightedScoreFusion } from './fusion.js';

/** The lexical side: `Bm25Index` fits (`search(query, limit)` → `[documentIndex, score][]`, best first). */
export interface SparseSearcher {
  search(query: string, limit: number): [number, number][];
}

/**
 * The dense side: the best `depth` documents for a query text, `{key: documentIndex, score}` best first — e.g.
 * {@link vectorIndexSearcher} over a {@link VectorIndex}. Keys must be the same document indices as the
 * lexical side's.
 */
export type DenseSearcher = (query: string, depth: number) => SearchHit[] | Promise<SearchHit[]>;

/** How two rankings are fused (shared by {@link HybridRetriever} and the hybrid evaluation). */
export interface HybridFusionOptions {
  /** `'rrf'` ({@link reciprocalRankFusion}, default: needs no score calibration) or `'weighted'` ({@link weightedScoreFusion}). */
  fusion?: 'rrf' | 'weighted';
  /** Candidates taken from each side before fusing. Default 100. */
  depth?: number;
  /** RRF's `k`. Default 60. */
  k?: number;
  /** `[lexical, dense]` weights. Default `[1, 1]`. */
  weights?: readonly [number, number];
  /** Score normalisation of `'weighted'` fusion. Default `'min-max'`. */
  normalize?: 'min-max' | 'z-score';
}

/** Checks {@link HybridFusionOptions} and fills the defaults. */
export function resolveHybridOptions(options: HybridFusionOptions = {}): Required<HybridFusionOptions> {
  const { fusion = 'rrf', depth = 100, k = 60, weights = [1, 1], normalize = 'min-max' } = options;
  if (fusion !== 'rrf' && fusion !== 'weighted')
    throw new RangeError(`hybrid search: fusion must be 'rrf' or 'weighted', got ${String(fusion)}`);
  if (!Number.isInteger(depth) || depth < 1) throw new RangeError(`hybrid search: depth must be a positive integer, got ${depth}`);
  if (weights.length !== 2) throw new RangeError(`hybrid search: weights must be [lexical, dense], got ${weights.length} values`);
  return { fusion, depth, k, weights, normalize };
}

/** Fuses a lexical and a dense candidate list with resolved options; the best `limit` (default: all) fused hits. */
export function fuseHybrid(
  sparse: readonly SearchHit[],
  dense: readonly SearchHit[],
  options: Required<HybridFusionOptions>,
  limit?: number,
): SearchHit[] {
  const lim = limit === undefined ? {} : { limit };
  return options.fusion === 'rrf'
    ? reciprocalRankFusion([sparse, dense], { k: options.k, weights: options.weights, ...lim })
    : weightedScoreFusion([sparse, dense], { weights: options.weights, normalize: options.normalize, ...lim });
}

/** A lexical side's `[index, score]` pairs as {@link SearchHit}s. */
export function sparseHits(searcher: SparseSearcher, query: string, depth: number): SearchHit[] {
  return searcher.search(query, depth).map(([key, score]) => ({ key, score }));
}

/**
 * A {@link DenseSearcher} over a vector index: embeds the query (L2-normalised, as the index's vectors) and
 * searches the index.
 */
export function vectorIndexSearcher(index: VectorIndex, embed: (query: string) => Float32Array | Promise<Float32Array>): DenseSearcher {
  return async (query, depth) => (await index.search(await embed(query), depth))[0] ?? [];
}

/** Options of {@link HybridRetriever}. */
export interface HybridRetrieverOptions extends HybridFusionOptions {
  /** The lexical side, e.g. `new Bm25Index(documents)`. */
  sparse: SparseSearcher;
  /** The dense side, e.g. `vectorIndexSearcher(index, embed)`. */
  dense: DenseSearcher;
}

/**
 * Hybrid retrieval: the top `depth` candidates of a lexical (BM25) and of a dense searcher, fused by reciprocal
 * rank (default) or by weighted normalised scores. Lexical matching finds rare exact terms (a flag, a function
 * name) that a small encoder blurs; the encoder finds paraphrases with no shared word — fusing the two beats either
 * on most retrieval benchmarks (e.g. BEIR). A side that finds nothing simply does not vote.
 *
 * @example
 * const retriever = new HybridRetriever({ sparse: new Bm25Index(docs), dense: vectorIndexSearcher(index, embed) });
 * const top = await retriever.search('list directory contents', 10); // [{key: docIndex, score}, …]
 */
export class HybridRetriever {
  private readonly sparse: SparseSearcher;
  private readonly dense: DenseSearcher;
  private readonly options: Required<HybridFusionOptions>;

  constructor(options: HybridRetrieverOptions) {
    this.sparse = options.sparse;
    this.dense = options.dense;
    this.options = resolveHybridOptions(options);
  }

  /** The best `k` documents (default 10) for `query`, `{key, score}` with the fused score, best first. */
  async search(query: string, k = 10): Promise<SearchHit[]> {
    if (!Number.isInteger(k) || k < 1) throw new RangeError(`HybridRetriever.search: k must be a positive integer, got ${k}`);
    const { depth } = this.options;
    const [sparse, dense] = [sparseHits(this.sparse, query, depth), await this.dense(query, depth)];
    return fuseHybrid(sparse, dense.slice(0, depth), this.options, k);
  }
}
