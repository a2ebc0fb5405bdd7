import { readFile, stat } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { countNonFinite } from '@contrastive/core';
import { fileSystemHandler } from '@contrastive/core/node';

/** Side of the square grayscale images the metric classifier takes. */
export const METRIC_IMAGE_SIZE = 28;
/** Dimension of the feature space of fid-fmnist / kid-fmnist (the classifier's `features` layer). */
export const METRIC_FEATURE_DIM = 128;
/** Number of classes of is-fmnist (Fashion-MNIST's). */
export const METRIC_NUM_CLASSES = 10;

/**
 * Where the committed classifier may sit relative to this module: `src/node/` (run from sources with tsx or
 * vitest) and `dist/node/` (built) are both two levels below the package root, so `../../assets/` is the
 * published layout; `../../../assets/` covers a build nested one level deeper (e.g. `dist/esm/node/`).
 */
const CANDIDATE_DIRS = ['../../assets/fmnist-classifier/', '../../../assets/fmnist-classifier/'] as const;

/** The package's committed classifier folder (the first candidate holding a model.json), or null. */
export async function findMetricClassifierDir(): Promise<string | null> {
  for (const rel of CANDIDATE_DIRS) {
    const dir = fileURLToPath(new URL(rel, import.meta.url));
    if (await stat(`${dir}model.json`).catch(() => null)) return dir;
  }
  return null;
}

/** What scripts/train-metric-classifier.ts recorded about the classifier (assets/fmnist-classifier/metadata.json). */
export interface MetricClassifierMetadata {
  testAccuracy: number;
  seed: number;
  epochs: number;
  command: string;
  date: string;
  [key: string]: unknown;
}

/** The classifier's outputs for a set of images, row-major float32. */
export interface ClassifierOutputs {
  /** `[n, 128]` penultimate (post-ReLU) features. */
  features: Float32Array;
  /** `[n, 10]` softmax probabilities. */
  probs: Float32Array;
  n: number;
}

/** Something that yields images by index, e.g. `@contrastive/vision`'s `ImageDataset` (`loadIdxDataset`, `openImageFolder`). */
export interface ImageSource {
  readonly size: number;
  /** `[indices.length, H, W, C]` float32 in [0, 1]; the caller disposes it. */
  read(indices: Int32Array): Promise<tf.Tensor4D>;
}

/** Images for {@link MetricClassifier.run}: a `[N, H, W, C]` tensor in [0, 1] (not disposed) or an {@link ImageSource}. */
export type ImageInput = tf.Tensor4D | ImageSource;

/**
 * Maps images `[N, H, W, C]` with values in [0, 1] to the classifier's input `[N, 28, 28, 1]`: RGB(A) → gray
 * by ITU-R BT.601 luminance 0.299 R + 0.587 G + 0.114 B (alpha ignored; PIL's 'L'), then a bilinear resize to
 * 28×28 when the size differs (e.g. 32-px generator outputs; half-pixel centres), then clipping to [0, 1].
 */
export function toMetricInput(images: tf.Tensor4D): tf.Tensor4D {
  if (images.rank !== 4) throw new RangeError(`images must be [N, H, W, C], got shape [${images.shape.join(', ')}]`);
  const c = images.shape[3];
  if (c !== 1 && c !== 3 && c !== 4) throw new RangeError(`images must have 1, 3 or 4 channels, got ${c}`);
  return tf.tidy(() => {
    let x: tf.Tensor4D = images.toFloat();
    if (c !== 1) {
      const rgb = c === 4 ? x.slice([0, 0, 0, 0], [-1, -1, -1, 3]) : x;
      x = tf.sum(tf.mul(rgb, tf.tensor1d([0.299, 0.587, 0.114])), -1, true) as tf.Tensor4D;
    }
    if (x.shape[1] !== METRIC_IMAGE_SIZE || x.shape[2] !== METRIC_IMAGE_SIZE) {
      x = tf.image.resizeBilinear(x, [METRIC_IMAGE_SIZE, METRIC_IMAGE_SIZE], false, true);
    }
    return tf.clipByValue(x, 0, 1);
  });
}

/**
 * The frozen Fashion-MNIST classifier of the fid-fmnist / kid-fmnist / is-fmnist metrics. `run` pushes images
 * through it in batches (bounded memory: one batch of tensors alive at a time) and returns features and
 * probabilities as typed arrays. `dispose()` frees the weights.
 */
export class MetricClassifier {
  readonly model: tf.LayersModel;
  readonly metadata: MetricClassifierMetadata;
  readonly dir: string;
  private readonly twoHeads: tf.LayersModel;

  constructor(model: tf.LayersModel, metadata: MetricClassifierMetadata, dir: string) {
    this.model = model;
    this.metadata = metadata;
    this.dir = dir;
    const features = model.getLayer('features').output as tf.SymbolicTensor;
    const logits = model.getLayer('logits').output as tf.SymbolicTensor;
    this.twoHeads = tf.model({ inputs: model.inputs, outputs: [features, logits] });
  }

  /** Features and softmax probabilities of `images` (see {@link toMetricInput} for other sizes and RGB), `batchSize` at a time (default 500). */
  async run(images: ImageInput, options: { batchSize?: number } = {}): Promise<ClassifierOutputs> {
    const { batchSize = 500 } = options;
    if (!(Number.isInteger(batchSize) && batchSize >= 1))
      throw new RangeError(`options.batchSize must be an integer >= 1, got ${batchSize}`);
    const n = images instanceof tf.Tensor ? images.shape[0] : images.size;
    if (!(Number.isInteger(n) && n >= 1)) throw new RangeError(`images must hold at least one image, got ${n}`);
    const features = new Float32Array(n * METRIC_FEATURE_DIM);
    const probs = new Float32Array(n * METRIC_NUM_CLASSES);
    for (let start = 0; start < n; start += batchSize) {
      const size = Math.min(batchSize, n - start);
      const batch =
        images instanceof tf.Tensor
          ? images.slice([start, 0, 0, 0], [size, -1, -1, -1])
          : await images.read(Int32Array.from({ length: size }, (_, i) => start + i));
      const { nan, inf } = countNonFinite(await batch.data());
      if (nan + inf > 0) {
        batch.dispose();
        throw new RangeError(
          `images ${start}…${start + size - 1} hold non-finite pixel values (NaN or ±Infinity): no score of them means anything`,
        );
      }
      const [f, p] = tf.tidy(() => {
        const [feat, logits] = this.twoHeads.predict(toMetricInput(batch)) as tf.Tensor[];
        return [feat!, tf.softmax(logits!)];
      });
      batch.dispose();
      features.set(await f!.data(), start * METRIC_FEATURE_DIM);
      probs.set(await p!.data(), start * METRIC_NUM_CLASSES);
      tf.dispose([f!, p!]);
    }
    return { features, probs, n };
  }

  /** Frees the classifier's weights. */
  dispose(): void {
    this.model.dispose();
  }
}

/**
 * Loads the committed Fashion-MNIST classifier (`assets/fmnist-classifier/`, trained by
 * scripts/train-metric-classifier.ts; its test accuracy is in `metadata.testAccuracy`), from `dir` when given.
 * The caller disposes it.
 */
export async function loadMetricClassifier(dir?: string): Promise<MetricClassifier> {
  const folder = dir ?? (await findMetricClassifierDir());
  if (folder === null) {
    throw new Error(
      `loadMetricClassifier: no model.json in ${CANDIDATE_DIRS.map((r) => fileURLToPath(new URL(r, import.meta.url))).join(' or ')} (the package's assets/ folder is missing)`,
    );
  }
  const metadata = JSON.parse(await readFile(`${folder.replace(/\/?$/, '/')}metadata.json`, 'utf8')) as MetricClassifierMetadata;
  const model = await tf.loadLayersModel(fileSystemHandler(folder));
  const shape = model.inputs[0]!.shape.slice(1);
  if (shape[0] !== METRIC_IMAGE_SIZE || shape[1] !== METRIC_IMAGE_SIZE || shape[2] !== 1) {
    model.dispose();
    throw new Error(`loadMetricClassifier: ${folder} takes [${shape.join(', ')}] images, expected [28, 28, 1]`);
  }
  return new MetricClassifier(model, metadata, folder);
}
