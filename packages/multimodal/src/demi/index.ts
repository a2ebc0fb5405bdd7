export { infoNceBound } from './info-nce-bound.js';
export { demiBound, demiConditionalBound } from './demi-bound.js';
export type { DemiBoundOptions, DemiTerms } from './demi-bound.js';
export { SeparableCritic, separableCritic } from './separable-critic.js';
export type { SeparableCriticOptions } from './separable-critic.js';
export { gaussianMutualInformation, rhoForMutualInformation, sampleCorrelatedGaussians } from './gaussian.js';
