/**
 * Scoring hybrid search on a retrieval task (pairs), with the same metrics as the dense and BM25 evaluations
 * (`metricsFromRanks`: recall@1, recall@10, MRR@10). Browser-safe.
 */
import type { RetrievalPair } from '../data/parse-corpus.js';
import type { Pooling } from '../encoders/pooling.js';
import type { TextEmbedder } from '../encoders/sentence-encoder.js';
import { assertFiniteEmbeddings } from '../errors.js';
import { Bm25Index } from '../eval/bm25.js';
import { metricsFromRanks, type RetrievalMetrics, retrievalTask } from '../eval/retrieval.js';
import { FlatIndex } from '../vector-index/flat-index.js';
import type { SearchHit } from '../vector-index/vector-index.js';
import { fuseHybrid, type HybridFusionOptions, resolveHybridOptions, sparseHits } from './hybrid-retriever.js';

/** 1-based rank of each query's gold document under each ranking (`Infinity` when a side did not return it). */
export interface HybridRanks {
  hybrid: Float64Array;
  bm25: Float64Array;
  dense: Float64Array;
}

/** Metrics of the hybrid and of each side alone, on the same task and candidates. */
export interface HybridMetrics {
  hybrid: RetrievalMetrics;
  bm25: RetrievalMetrics;
  dense: RetrievalMetrics;
}

/**
 * Rank of `gold` in `hits`, ties counted against the query (as `denseRanks`): 1 + the number of other hits scoring
 * at least as high. `Infinity` when `gold` is not among the hits.
 */
function goldRank(hits: readonly SearchHit[], gold: number): number {
  const g = hits.find((h) => h.key === gold);
  if (!g) return Number.POSITIVE_INFINITY;
  let rank = 1;
  for (const h of hits) if (h.key !== gold && h.score >= g.score) rank++;
  return rank;
}

/**
 * Ranks of the gold documents under BM25 (`Bm25Index` over `documents`), dense search (an exact {@link FlatIndex}
 * over `docEmb`, inner product: pass L2-normalised embeddings for cosine) and their fusion, each side taking its
 * top `depth` candidates. `queryEmb[i]` embeds `queries[i]`, `docEmb[j]` embeds `documents[j]` — the order of
 * `retrievalTask(pairs)`.
 */
export function hybridRanks(
  task: { queries: readonly string[]; documents: readonly string[]; gold: Int32Array },
  queryEmb: readonly Float32Array[],
  docEmb: readonly Float32Array[],
  options: HybridFusionOptions = {},
): HybridRanks {
  const { queries, documents, gold } = task;
  if (queryEmb.length !== queries.length)
    throw new RangeError(`hybridRanks: ${queryEmb.length} query embeddings for ${queries.length} queries`);
  if (docEmb.length !== documents.length)
    throw new RangeError(`hybridRanks: ${docEmb.length} document embeddings for ${documents.length} documents`);
  if (gold.length !== queries.length) throw new RangeError(`hybridRanks: ${gold.length} gold indices for ${queries.length} queries`);
  const opts = resolveHybridOptions(options);
  const dim = docEmb[0]?.length ?? 0;
  const index = new FlatIndex(dim, docEmb.length);
  const flat = new Float32Array(docEmb.length * dim);
  docEmb.forEach((v, i) => {
    if (v.length !== dim) throw new RangeError(`hybridRanks: document embedding ${i} has ${v.length} values, expected ${dim}`);
    flat.set(v, i * dim);
  });
  index.addSync(
    docEmb.map((_, i) => i),
    flat,
  );
  const bm25 = new Bm25Index(documents);
  const depth = Math.min(opts.depth, documents.length);
  const out: HybridRanks = {
    hybrid: new Float64Array(queries.length),
    bm25: new Float64Array(queries.length),
    dense: new Float64Array(queries.length),
  };
  queries.forEach((q, i) => {
    const qv = queryEmb[i]!;
    if (qv.length !== dim) throw new RangeError(`hybridRanks: query embedding ${i} has ${qv.length} values, expected ${dim}`);
    const sparse = sparseHits(bm25, q, depth);
    const dense = index.searchSync(qv, depth)[0]!;
    const g = gold[i]!;
    out.bm25[i] = goldRank(sparse, g);
    out.dense[i] = goldRank(dense, g);
    out.hybrid[i] = goldRank(fuseHybrid(sparse, dense, opts), g);
  });
  return out;
}

/**
 * {@link HybridMetrics} on `pairs` from precomputed embeddings: `queryEmb[i]` embeds `pairs[i].query`; `docEmb[j]`
 * embeds the `j`-th distinct document of `pairs` in order of first appearance (`retrievalTask(pairs).documents`).
 */
export function hybridRetrievalMetrics(
  pairs: readonly RetrievalPair[],
  queryEmb: readonly Float32Array[],
  docEmb: readonly Float32Array[],
  options: HybridFusionOptions = {},
): HybridMetrics {
  const task = retrievalTask(pairs);
  const r = hybridRanks(task, queryEmb, docEmb, options);
  const n = task.documents.length;
  return { hybrid: metricsFromRanks(r.hybrid, n), bm25: metricsFromRanks(r.bm25, n), dense: metricsFromRanks(r.dense, n) };
}

/** Options of {@link evaluateRetrievalHybrid}: the fusion, and how the encoder embeds. */
export interface HybridEvalOptions extends HybridFusionOptions {
  batchSize?: number;
  /** Default: the encoder's pooling. */
  pooling?: Pooling;
}

/**
 * Hybrid retrieval with an encoder on `pairs` (every document of `pairs` is searched): embeds documents and queries
 * (L2-normalised), refuses non-finite embeddings (`NonFiniteEmbeddingError`), and returns {@link HybridMetrics} —
 * the hybrid beside BM25 and dense alone, on the same candidates.
 */
export async function evaluateRetrievalHybrid(
  encoder: TextEmbedder,
  pairs: readonly RetrievalPair[],
  options: HybridEvalOptions = {},
): Promise<HybridMetrics> {
  const { batchSize, pooling, ...fusion } = options;
  const { queries, documents } = retrievalTask(pairs);
  const enc = (texts: string[]) => encoder.encode(texts, { batchSize, pooling, normalize: true });
  const docEmb = await enc(documents);
  assertFiniteEmbeddings(docEmb, 'document');
  const queryEmb = await enc(queries);
  assertFiniteEmbeddings(queryEmb, 'query');
  return hybridRetrievalMetrics(pairs, queryEmb, docEmb, fusion);
}
