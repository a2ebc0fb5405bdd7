export { ntXent } from './nt-xent.js';
export type { NtXentOptions } from './nt-xent.js';
export { infoNCE } from './info-nce.js';
export type { InfoNCEOptions } from './info-nce.js';
export { tripletLoss } from './triplet-loss.js';
export type { TripletLossOptions } from './triplet-loss.js';
export { contrastivePairLoss } from './contrastive-pair-loss.js';
export type { ContrastivePairLossOptions } from './contrastive-pair-loss.js';
export { NceLoss, estimateNceZ, nceLogZ, nceLoss } from './nce-loss.js';
export type { NceLossOptions, NceScoreOptions } from './nce-loss.js';
export { supConLoss } from './sup-con-loss.js';
export type { SupConLossOptions } from './sup-con-loss.js';
export { hardNegativeLoss } from './hard-negative-loss.js';
export type { HardNegativeLossOptions } from './hard-negative-loss.js';
export { alignment } from './alignment.js';
export type { AlignmentOptions } from './alignment.js';
export { uniformity } from './uniformity.js';
export type { UniformityOptions } from './uniformity.js';
export { DISTANCES, cosineDistance, euclidean, squaredEuclidean } from './distances.js';
export type { Distance } from './distances.js';
export { cosineSimilarityMatrix, l2Normalize, rowCosineSimilarity } from './similarity.js';
export { log1mExp, maskedLogSumExp } from './log-sum-exp.js';
export { REDUCTIONS, reduceLoss } from './reduce.js';
export type { Reduction } from './reduce.js';
export type { LossResult, ReductionOption, Temperature } from './loss-checks.js';
// The boundary every loss shares, for losses written in other packages (@contrastive/losses): option-key,
// reduction, temperature and embedding checks, and the tidy + reduce wrapper.
export { checkEmbeddingPair, checkOptionKeys, checkReduction, checkTemperature, labelsTensor, reducedLoss } from './loss-checks.js';
