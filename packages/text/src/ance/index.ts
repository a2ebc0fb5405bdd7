// ANCE (Xiong et al., ICLR 2021), browser-safe parts: the loss, negative mining, the refresher (sync mode, or async
// with an injected inferencer), and the batch builder. The worker-thread inferencer is in '@contrastive/text/node'.
export { anceNllLoss, ANCE_SIMILARITIES, ANCE_LOSSES } from './ance-loss.js';
export type { AnceLossOptions, AnceLossForm, AnceSimilarity } from './ance-loss.js';
export { mineNegatives, bm25Negatives, normalizePassageText, textGroups } from './mine-negatives.js';
export type { MineNegativesOptions, Bm25NegativesOptions, MinedNegatives, MiningStats, QueryPositives } from './mine-negatives.js';
export { tokenizeToStore, tokenBatchOf, rowLength } from './token-store.js';
export type { TokenStore, StoreTokenizer } from './token-store.js';
export { embedTokenStore } from './embed-store.js';
export type { StoreEmbeddingOptions } from './embed-store.js';
export { snapshotWeights, applyWeightSnapshot } from './weight-snapshot.js';
export type { WeightSnapshot } from './weight-snapshot.js';
export { LocalInferencer } from './inferencer.js';
export type { AnnInferencer, InferencerSetup, CorpusEmbeddings } from './inferencer.js';
export { AnnNegativeRefresher, REFRESH_MODES } from './refresher.js';
export type { AnnRefresherOptions, NegativesTable, RefreshEvent, RefreshMode, TokenizedTexts } from './refresher.js';
export { anceDataFromPairs, anceBatches, anceStepsPerEpoch } from './ance-batches.js';
export type { AnceData, NegativesSource } from './ance-batches.js';
export { createAnceTraining } from './ance-training.js';
export type { AnceTraining, AnceTrainingOptions } from './ance-training.js';
