import { alignmentUniformityReport } from '@contrastive/core';
import type { RetrievalPair, StsPair } from '../data/parse-corpus.js';
import { assertFiniteEmbeddings } from '../errors.js';
import type { TextEmbedder } from '../encoders/sentence-encoder.js';
import type { Pooling } from '../encoders/pooling.js';
import { Bm25Index } from './bm25.js';
import { denseRanks, metricsFromRanks, retrievalTask } from './retrieval.js';
import type { RetrievalMetrics } from './retrieval.js';
import { spearman } from './spearman.js';

/** Shared evaluation options. */
export interface EvalOptions {
  batchSize?: number;
  /** Default: the encoder's pooling. */
  pooling?: Pooling;
  onProgress?: (done: number, total: number) => void;
}

/**
 * Retrieval with a dense encoder: every document of `pairs` is in the searched corpus. An embedding holding
 * NaN or ±Infinity (a diverged or corrupt model) is a {@link NonFiniteEmbeddingError} naming the document or
 * query: a broken model is refused, never scored.
 */
export async function evaluateRetrieval(
  encoder: TextEmbedder,
  pairs: readonly RetrievalPair[],
  options: EvalOptions = {},
): Promise<RetrievalMetrics> {
  const { queries, documents, gold } = retrievalTask(pairs);
  const total = queries.length + documents.length;
  const enc = (texts: string[], offset: number) =>
    encoder.encode(texts, {
      batchSize: options.batchSize,
      pooling: options.pooling,
      normalize: true,
      onProgress: (d) => options.onProgress?.(offset + d, total),
    });
  const docEmb = await enc(documents, 0);
  assertFiniteEmbeddings(docEmb, 'document');
  const qEmb = await enc(queries, documents.length);
  assertFiniteEmbeddings(qEmb, 'query');
  return metricsFromRanks(await denseRanks(qEmb, docEmb, gold), documents.length);
}

/** The BM25 baseline on the same retrieval task. */
export function evaluateRetrievalBm25(pairs: readonly RetrievalPair[]): RetrievalMetrics {
  const { queries, documents, gold } = retrievalTask(pairs);
  return metricsFromRanks(new Bm25Index(documents).ranks(queries, gold, 10), documents.length);
}

/**
 * STS: Spearman ρ between the cosine of the two sentences' embeddings and the gold scores. A non-finite
 * embedding is a {@link NonFiniteEmbeddingError} (as in {@link evaluateRetrieval}); ρ is NaN when every pair
 * gets the same cosine (a collapsed encoder), as Spearman is undefined there.
 */
export async function evaluateSts(
  encoder: TextEmbedder,
  pairs: readonly StsPair[],
  options: EvalOptions = {},
): Promise<{ spearman: number }> {
  const a = await encoder.encode(
    pairs.map((p) => p.sentence1),
    { batchSize: options.batchSize, pooling: options.pooling },
  );
  assertFiniteEmbeddings(a, 'sentence1 of pair');
  const b = await encoder.encode(
    pairs.map((p) => p.sentence2),
    { batchSize: options.batchSize, pooling: options.pooling },
  );
  assertFiniteEmbeddings(b, 'sentence2 of pair');
  return {
    spearman: spearman(
      cosines(a, b),
      pairs.map((p) => p.score),
    ),
  };
}

/** STS baseline: BM25 score of sentence2 given sentence1 as the query, over all sentence2s. */
export function evaluateStsBm25(pairs: readonly StsPair[]): { spearman: number } {
  const docs = pairs.map((p) => p.sentence2);
  const index = new Bm25Index(docs);
  const scores = pairs.map((p, i) => index.search(p.sentence1, docs.length).find(([id]) => id === i)?.[1] ?? 0);
  return {
    spearman: spearman(
      scores,
      pairs.map((p) => p.score),
    ),
  };
}

/** Row-wise cosine of two lists of vectors. */
export function cosines(a: readonly Float32Array[], b: readonly Float32Array[]): Float64Array {
  return Float64Array.from(a, (x, i) => {
    const y = b[i]!;
    let dot = 0;
    let nx = 0;
    let ny = 0;
    for (let k = 0; k < x.length; k++) {
      dot += x[k]! * y[k]!;
      nx += x[k]! ** 2;
      ny += y[k]! ** 2;
    }
    return dot / Math.sqrt(nx * ny || 1);
  });
}

/** Alignment/uniformity (Wang & Isola, 2020) of the encoder on positive pairs, via core. */
export async function evaluateAlignmentUniformity(
  encoder: TextEmbedder,
  pairs: readonly { a: string; b: string }[],
  options: EvalOptions = {},
) {
  const x = await encoder.encode(
    pairs.map((p) => p.a),
    { batchSize: options.batchSize, pooling: options.pooling },
  );
  const y = await encoder.encode(
    pairs.map((p) => p.b),
    { batchSize: options.batchSize, pooling: options.pooling },
  );
  return alignmentUniformityReport(x, y);
}
