export { crop, wordDeletion, spanDeletion, reorder, synonymReplacement, textView } from './token-level.js';
export {
  tokenCutoff,
  featureCutoff,
  embeddingDropout,
  gaussianNoise,
  shuffledPositionIds,
  adversarialPerturbation,
} from './embedding-level.js';
export type { AdversarialOptions } from './embedding-level.js';
