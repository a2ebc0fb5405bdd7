// Image-quality metrics in a classifier's feature space (browser-safe, float64 JavaScript). The Node entry
// ('@contrastive/gan/node') adds the committed Fashion-MNIST classifier and scoreImages (fid-fmnist, kid-fmnist,
// is-fmnist).
export { featureStats, frechetDistance, frechetDistanceOfFeatures } from './frechet-distance.js';
export type { FeatureStats } from './frechet-distance.js';
export { kernelInceptionDistance, polynomialMmd2 } from './kernel-inception-distance.js';
export type { KidOptions, MeanStd } from './kernel-inception-distance.js';
export { classifierInceptionScore } from './classifier-inception-score.js';
export type { InceptionScoreOptions } from './classifier-inception-score.js';
export { symmetricEigen } from './matrix.js';
export type { FeatureMatrix, SquareMatrix } from './matrix.js';
