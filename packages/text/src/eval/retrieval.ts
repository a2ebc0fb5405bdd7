import * as tf from '@tensorflow/tfjs';
import type { RetrievalPair } from '../data/parse-corpus.js';

/** Retrieval quality: recall@1, recall@10 and MRR@10 (MS MARCO's metric) over all queries. */
export interface RetrievalMetrics {
  recallAt1: number;
  recallAt10: number;
  mrrAt10: number;
  /** Number of queries and of distinct documents searched. */
  queries: number;
  documents: number;
}

/** The searched corpus: distinct documents of the pairs, and each query's gold document index. */
export function retrievalTask(pairs: readonly RetrievalPair[]): { queries: string[]; documents: string[]; gold: Int32Array } {
  const index = new Map<string, number>();
  const documents: string[] = [];
  const gold = new Int32Array(pairs.length);
  pairs.forEach((p, i) => {
    let d = index.get(p.document);
    if (d === undefined) {
      d = documents.length;
      index.set(p.document, d);
      documents.push(p.document);
    }
    gold[i] = d;
  });
  return { queries: pairs.map((p) => p.query), documents, gold };
}

/** Metrics from each query's 1-based rank of its gold document (`Infinity` = not retrieved). */
export function metricsFromRanks(ranks: ArrayLike<number>, documents: number): RetrievalMetrics {
  const n = ranks.length;
  if (n === 0) throw new RangeError('need at least one query');
  let r1 = 0;
  let r10 = 0;
  let mrr = 0;
  for (let i = 0; i < n; i++) {
    const r = ranks[i]!;
    if (r <= 1) r1++;
    if (r <= 10) {
      r10++;
      mrr += 1 / r;
    }
  }
  return { recallAt1: r1 / n, recallAt10: r10 / n, mrrAt10: mrr / n, queries: n, documents };
}

/**
 * Ranks of the gold documents under cosine similarity of L2-normalised embeddings. Ties count against
 * the query (rank = 1 + #documents scoring ≥ the gold one, excluding it), so a constant encoder scores 0.
 * A NaN score ranks worst: a query whose gold score is NaN gets rank `documents` (the last), and a document
 * scoring NaN never ranks above the gold one — so a NaN model scores 0, never 1 (`evaluateRetrieval` refuses
 * non-finite embeddings before ranking anyway).
 * Scores are computed in query chunks of `chunk` rows to bound memory.
 */
export async function denseRanks(
  queryEmb: readonly Float32Array[],
  docEmb: readonly Float32Array[],
  gold: Int32Array,
  chunk = 256,
): Promise<Int32Array> {
  if (queryEmb.length !== gold.length) throw new RangeError(`queries (${queryEmb.length}) and gold (${gold.length}) differ in length`);
  const d = docEmb[0]?.length ?? 0;
  const flat = (rows: readonly Float32Array[]): Float32Array => {
    const out = new Float32Array(rows.length * d);
    rows.forEach((r, i) => out.set(r, i * d));
    return out;
  };
  const docs = tf.tensor2d(flat(docEmb), [docEmb.length, d]);
  const ranks = new Int32Array(queryEmb.length);
  try {
    for (let s = 0; s < queryEmb.length; s += chunk) {
      const rows = queryEmb.slice(s, s + chunk);
      const scores = tf.tidy(() => tf.matMul(tf.tensor2d(flat(rows), [rows.length, d]), docs, false, true));
      const sc = (await scores.data()) as Float32Array;
      scores.dispose();
      const m = docEmb.length;
      for (let q = 0; q < rows.length; q++) {
        const g = gold[s + q]!;
        const gs = sc[q * m + g]!;
        // A NaN score is the worst: a NaN gold ranks behind every document, a NaN document never outranks the gold.
        let rank = 1;
        if (Number.isNaN(gs)) rank = m;
        else for (let j = 0; j < m; j++) if (j !== g && sc[q * m + j]! >= gs) rank++;
        ranks[s + q] = rank;
      }
    }
  } finally {
    docs.dispose();
  }
  return ranks;
}
