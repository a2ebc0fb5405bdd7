// CLAPS (issue 28): perturbations, contrastive loss and the method.
export { avgPool, createProjection, projectPool, projectStates } from './projection.js';
export type { ClapsProjectionWeights } from './projection.js';
export { clapsContrastiveLoss, clapsInfoNce, cosineMatrix, cosineRows } from './contrastive-loss.js';
export type { ClapsContrastiveLossOptions, ClapsContrastVariant } from './contrastive-loss.js';
export { distantTarget, imposter, klFromClean, lmHeadWithoutRescale, normalizePerToken } from './perturbations.js';
export type { ClapsLmHead, DistantTargetInputs } from './perturbations.js';
export { CLAPS_VARIANTS, clapsLossTerms } from './claps-terms.js';
export type { ClapsTerms, ClapsTermsInputs, ClapsTermsOptions, ClapsVariant } from './claps-terms.js';
export { Claps, CLAPS_PROJECTION_NAMES, resolveClapsOptions } from './claps.js';
export type { ClapsOptions } from './claps.js';
