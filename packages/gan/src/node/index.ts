// @contrastive/gan/node: the Node-only parts (file system). The committed Fashion-MNIST classifier and the
// fid-fmnist / kid-fmnist / is-fmnist scores of image sets; the formulas themselves are browser-safe in the
// root entry.
export {
  findMetricClassifierDir,
  loadMetricClassifier,
  MetricClassifier,
  METRIC_FEATURE_DIM,
  METRIC_IMAGE_SIZE,
  METRIC_NUM_CLASSES,
  toMetricInput,
} from './metric-classifier.js';
export type { ClassifierOutputs, ImageInput, ImageSource, MetricClassifierMetadata } from './metric-classifier.js';
export { referenceFeatures, scoreImages } from './score-images.js';
export type { ImageScores, ReferenceFeatures, ScoreOptions } from './score-images.js';
