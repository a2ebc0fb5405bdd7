import {
  classifierInceptionScore,
  featureStats,
  frechetDistance,
  type FeatureStats,
  type KidOptions,
  kernelInceptionDistance,
  type MeanStd,
} from '../metrics/index.js';
import {
  type ClassifierOutputs,
  type ImageInput,
  loadMetricClassifier,
  METRIC_FEATURE_DIM,
  METRIC_NUM_CLASSES,
  type MetricClassifier,
} from './metric-classifier.js';

/** Options of {@link scoreImages}. */
export interface ScoreOptions {
  /** The classifier to use (default: the committed one, loaded and disposed by this call). */
  classifier?: MetricClassifier;
  /** Images per classifier batch (default 500). */
  batchSize?: number;
  /** kid-fmnist's subsets (default 100 subsets of 1000, capped at the set sizes) and seed (default 0). */
  kid?: KidOptions;
  /** is-fmnist's number of splits (default 10, capped at the number of images). */
  isSplits?: number;
}

/**
 * The three metrics of @contrastive/gan. They are the formulas of FID, KID and IS computed with a small
 * Fashion-MNIST classifier (assets/fmnist-classifier) instead of ImageNet Inception-v3, so their values are
 * **not** comparable with published FID / KID / IS — only with each other (call them fid-fmnist, kid-fmnist,
 * is-fmnist).
 */
export interface ImageScores {
  /** fid-fmnist: Fréchet distance between the 128-d feature Gaussians of `images` and `reference` (lower is better). */
  fidFmnist: number;
  /** kid-fmnist: polynomial-kernel MMD² in the same features, mean and std over subsets (lower is better). */
  kidFmnist: MeanStd;
  /** is-fmnist: exp(E KL(p(y|x) ‖ p(y))) of `images` under the classifier, mean and std over splits (1 … 10, higher is better). */
  isFmnist: MeanStd;
  /** Number of images scored. */
  n: number;
  /** Number of reference images. */
  nReference: number;
}

/** Reference features precomputed once (e.g. Fashion-MNIST test) to score many image sets against. */
export interface ReferenceFeatures {
  outputs: ClassifierOutputs;
  stats: FeatureStats;
}

/** Runs the classifier on `reference` once, for repeated {@link scoreImages} calls. */
export async function referenceFeatures(
  classifier: MetricClassifier,
  reference: ImageInput,
  batchSize?: number,
): Promise<ReferenceFeatures> {
  const outputs = await classifier.run(reference, batchSize === undefined ? {} : { batchSize });
  return { outputs, stats: featureStats(rows(outputs.features, outputs.n, METRIC_FEATURE_DIM)) };
}

/** Row views of a row-major array. */
function rows(data: Float32Array, n: number, d: number): Float32Array[] {
  return Array.from({ length: n }, (_, i) => data.subarray(i * d, (i + 1) * d));
}

/**
 * fid-fmnist, kid-fmnist and is-fmnist of `images` against `reference` (typically Fashion-MNIST test:
 * `loadIdxDataset('/usr/share/datasets/fashion-mnist', { split: 'test' })`). Both are `[N, H, W, C]`
 * tensors in [0, 1] (not disposed), image sources such as vision's `ImageDataset` (read in batches, so
 * 60,000 images need only the 128 + 10 floats per image of outputs), or, for `reference`, features from
 * {@link referenceFeatures}. Other sizes than 28 and RGB are mapped by `toMetricInput` (luminance, bilinear).
 * Needs at least 2 images in each set.
 */
export async function scoreImages(
  images: ImageInput,
  reference: ImageInput | ReferenceFeatures,
  options: ScoreOptions = {},
): Promise<ImageScores> {
  const classifier = options.classifier ?? (await loadMetricClassifier());
  try {
    const runOpts = options.batchSize === undefined ? {} : { batchSize: options.batchSize };
    const ref = 'stats' in reference ? reference : await referenceFeatures(classifier, reference, options.batchSize);
    const out = await classifier.run(images, runOpts);
    if (out.n < 2) throw new RangeError(`images must hold at least 2 images, got ${out.n}`);
    const feats = rows(out.features, out.n, METRIC_FEATURE_DIM);
    const stats = featureStats(feats);
    const fidFmnist = frechetDistance(stats.mean, stats.cov, ref.stats.mean, ref.stats.cov);
    const kidFmnist = kernelInceptionDistance(feats, rows(ref.outputs.features, ref.outputs.n, METRIC_FEATURE_DIM), options.kid);
    const isFmnist = classifierInceptionScore(rows(out.probs, out.n, METRIC_NUM_CLASSES), {
      splits: Math.min(options.isSplits ?? 10, out.n),
    });
    return { fidFmnist, kidFmnist, isFmnist, n: out.n, nReference: ref.outputs.n };
  } finally {
    if (!options.classifier) classifier.dispose();
  }
}
