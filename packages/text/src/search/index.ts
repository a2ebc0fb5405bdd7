// Hybrid search (browser-safe): rank fusion of BM25 and dense results, and its evaluation on retrieval pairs.
export { reciprocalRankFusion, weightedScoreFusion } from './fusion.js';
export type { RrfOptions, WeightedFusionOptions } from './fusion.js';
export { HybridRetriever, fuseHybrid, resolveHybridOptions, sparseHits, vectorIndexSearcher } from './hybrid-retriever.js';
export type { DenseSearcher, HybridFusionOptions, HybridRetrieverOptions, SparseSearcher } from './hybrid-retriever.js';
export { evaluateRetrievalHybrid, hybridRanks, hybridRetrievalMetrics } from './hybrid-eval.js';
export type { HybridEvalOptions, HybridMetrics, HybridRanks } from './hybrid-eval.js';
