import { describe, expect, it } from 'vitest';
import { Bm25Index } from '../eval/bm25.js';
import { FlatIndex } from '../vector-index/flat-index.js';
import { evaluateRetrievalHybrid, hybridRanks, hybridRetrievalMetrics } from './hybrid-eval.js';
import { HybridRetriever, vectorIndexSearcher } from './hybrid-retriever.js';

/**
 * Eight documents and eight queries. Queries 0–3 share a rare word with their document (BM25 finds them) but their
 * embeddings point at the wrong document first and the right one second; queries 4–7 share no word with any
 * document (BM25 finds nothing) but their embeddings point straight at the right one.
 */
const DOCS = [
  'alpha kettle boils water for tea',
  'bravo lantern lights the dark path',
  'charlie ladder reaches the high shelf',
  'delta anchor holds the boat in place',
  'echo compass points toward the north',
  'foxtrot blanket keeps sleepers warm',
  'golf shovel digs holes in the garden',
  'hotel mirror reflects the morning light',
];
const QUERIES = ['kettle', 'lantern', 'ladder', 'anchor', 'magnetic needle direction', 'cosy quilt', 'spade excavation', 'looking glass'];
const PAIRS = QUERIES.map((query, i) => ({ query, document: DOCS[i]! }));

const unit = (i: number): Float32Array => {
  const v = new Float32Array(8);
  v[i] = 1;
  return v;
};
const DOC_EMB = DOCS.map((_, i) => unit(i));
const QUERY_EMB = QUERIES.map((_, i) => {
  if (i >= 4) return unit(i);
  const v = new Float32Array(8);
  v[i + 4] = 0.8; // the wrong document first
  v[i] = 0.6; // the right one second
  return v;
});

describe('hybrid retrieval', () => {
  it('beats both sides when each gets half the queries right (RRF and weighted)', () => {
    for (const fusion of ['rrf', 'weighted'] as const) {
      const m = hybridRetrievalMetrics(PAIRS, QUERY_EMB, DOC_EMB, { fusion });
      expect(m.bm25.recallAt1).toBe(0.5);
      expect(m.dense.recallAt1).toBe(0.5);
      expect(m.hybrid.recallAt1).toBe(1);
      expect(m.hybrid.mrrAt10).toBe(1);
      expect(m.hybrid.queries).toBe(8);
      expect(m.hybrid.documents).toBe(8);
    }
    const r = hybridRanks({ queries: QUERIES, documents: DOCS, gold: Int32Array.from({ length: 8 }, (_, i) => i) }, QUERY_EMB, DOC_EMB);
    expect([...r.bm25]).toEqual([1, 1, 1, 1, Infinity, Infinity, Infinity, Infinity]);
    expect([...r.dense]).toEqual([2, 2, 2, 2, 1, 1, 1, 1]);
    expect([...r.hybrid]).toEqual([1, 1, 1, 1, 1, 1, 1, 1]);
  });

  it('a heavy weight on one side gives that side’s ranking back', () => {
    const m = hybridRetrievalMetrics(PAIRS, QUERY_EMB, DOC_EMB, { weights: [0, 1] });
    expect(m.hybrid.recallAt1).toBe(m.dense.recallAt1);
  });

  it('HybridRetriever fuses a BM25 index and a vector index; a side that finds nothing gives no NaN', async () => {
    const index = new FlatIndex(8);
    const flat = new Float32Array(64);
    DOC_EMB.forEach((v, i) => flat.set(v, i * 8));
    await index.add(
      DOCS.map((_, i) => i),
      flat,
    );
    const embed = (q: string): Float32Array => QUERY_EMB[QUERIES.indexOf(q)]!;
    const retriever = new HybridRetriever({ sparse: new Bm25Index(DOCS), dense: vectorIndexSearcher(index, embed), depth: 5 });
    for (let i = 0; i < QUERIES.length; i++) {
      const top = await retriever.search(QUERIES[i]!, 3);
      expect(top).toHaveLength(3);
      expect(top[0]!.key).toBe(i);
      expect(top.every((h) => Number.isFinite(h.score))).toBe(true);
    }
    // the dense side finds nothing: the lexical side alone decides
    const lexical = new HybridRetriever({ sparse: new Bm25Index(DOCS), dense: () => [], fusion: 'weighted' });
    expect(await lexical.search('anchor boat', 2)).toEqual([{ key: 3, score: 1 }]);
    // neither finds anything
    const none = new HybridRetriever({ sparse: new Bm25Index(DOCS), dense: async () => [] });
    expect(await none.search('zeppelin')).toEqual([]);
    expect(() => new HybridRetriever({ sparse: new Bm25Index(DOCS), dense: () => [], depth: 0 })).toThrow(/depth/);
    expect(() => new HybridRetriever({ sparse: new Bm25Index(DOCS), dense: () => [], fusion: 'max' as never })).toThrow(/fusion/);
    await expect(retriever.search('kettle', 0)).rejects.toThrow(/k must be/);
  });

  it('evaluates an encoder on pairs and refuses mismatched embeddings', async () => {
    const table = new Map<string, Float32Array>([
      ...DOCS.map((d, i) => [d, DOC_EMB[i]!] as const),
      ...QUERIES.map((q, i) => [q, QUERY_EMB[i]!] as const),
    ]);
    const encoder = { encode: async (texts: readonly string[]) => texts.map((t) => table.get(t)!) };
    const m = await evaluateRetrievalHybrid(encoder, PAIRS);
    expect(m.hybrid.recallAt1).toBe(1);
    const nan = { encode: async (texts: readonly string[]) => texts.map(() => new Float32Array(8).fill(Number.NaN)) };
    await expect(evaluateRetrievalHybrid(nan, PAIRS)).rejects.toThrow(/non-finite|NaN/i);
    expect(() => hybridRetrievalMetrics(PAIRS, QUERY_EMB.slice(1), DOC_EMB)).toThrow(/7 query embeddings for 8 queries/);
    expect(() =>
      hybridRetrievalMetrics(
        PAIRS,
        QUERY_EMB,
        DOC_EMB.map((v, i) => (i === 3 ? new Float32Array(5) : v)),
      ),
    ).toThrow(/document embedding 3 has 5 values, expected 8/);
  });
});
