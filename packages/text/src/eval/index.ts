export { spearman, averageRanks } from './spearman.js';
export { retrievalTask, metricsFromRanks, denseRanks } from './retrieval.js';
export type { RetrievalMetrics } from './retrieval.js';
export { Bm25Index } from './bm25.js';
export type { Bm25Options } from './bm25.js';
export {
  evaluateRetrieval,
  evaluateRetrievalBm25,
  evaluateSts,
  evaluateStsBm25,
  evaluateAlignmentUniformity,
  cosines,
} from './evaluate.js';
export type { EvalOptions } from './evaluate.js';
