// @contrastive/multimodal public API (browser-safe: no `node:` module is reachable from here). Towers are injected
// through core's `Encoder` interface; the image and text packages are never imported at the root. File readers,
// the data builders and USE-lite (which lives in @contrastive/text, re-exported there) are in
// '@contrastive/multimodal/node'.
export { CLIP_INIT_LOG_SCALE, CLIP_MAX_LOG_SCALE, clampLogScale, clipLoss, cmclLoss } from './losses/index.js';
export type { ClipLossOptions, CmclLossOptions, CmclMask } from './losses/index.js';
export {
  demiBound,
  demiConditionalBound,
  gaussianMutualInformation,
  infoNceBound,
  rhoForMutualInformation,
  sampleCorrelatedGaussians,
  SeparableCritic,
  separableCritic,
} from './demi/index.js';
export type { DemiBoundOptions, DemiTerms, SeparableCriticOptions } from './demi/index.js';
export { Clip } from './methods/clip.js';
export { Cmcl } from './methods/cmcl.js';
export type { CmclBatch, CmclOptions } from './methods/cmcl.js';
export { Demi } from './methods/demi.js';
export type { DemiOptions } from './methods/demi.js';
export * from './rewrites/index.js';
export type { ClipOptions, ImageTextBatch } from './methods/clip.js';
export { projectionVariable } from './methods/projection.js';
export { precomputedTower } from './towers/precomputed.js';
export { retrievalRecall, zeroShotAccuracy, zeroShotPredict } from './eval/retrieval.js';
export * from './data/index.js';
export type { RetrievalOptions, RetrievalScores } from './eval/retrieval.js';
