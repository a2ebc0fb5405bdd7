import * as tf from '@tensorflow/tfjs';
import {
  alignmentUniformityReport,
  createRng,
  knnAccuracy,
  linearProbe,
  ProgressBar,
  type Encoder,
  type ProgressStream,
} from '@contrastive/core';
import type { ViewPair } from '../augment/presets.js';
import type { ImageDataset } from '../io/dataset.js';
import { imageBatches } from '../io/dataset.js';
import { embedImages } from '../methods/common.js';
import { assertFiniteEmbeddings } from './finite.js';

/** Options of {@link embedDataset}. */
export interface EmbedDatasetOptions {
  /** Images per forward pass. Default 256. */
  batchSize?: number;
  /** Show a progress bar (images/s, ETA) here, labelled `label`. Default: none. */
  progress?: ProgressStream;
  /** Label of the progress line. Default `'embedding'`. */
  label?: string;
}

/** A progress line for counted work: `label [###...] done/total  rate unit/s  ETA`, the last state always drawn. */
export function countedProgress(
  stream: ProgressStream,
  label: string,
  unit: string,
  total: number,
): { update(done: number): void; end(): void } {
  const bar = new ProgressBar(stream);
  const started = performance.now();
  return {
    update(done) {
      const rate = done / Math.max((performance.now() - started) / 1000, 1e-9);
      bar.update(
        { label, epoch: 0, epochs: 1, step: done, stepsPerEpoch: total, stepsPerSecond: rate, unit, etaSeconds: (total - done) / rate },
        done === total,
      );
    },
    end: () => bar.newline(),
  };
}

/** Encoder outputs `[N, D]` of a whole dataset, computed batch by batch (inference-mode BN). */
export async function embedDataset(
  encoder: tf.LayersModel | Encoder<tf.Tensor4D>,
  ds: ImageDataset,
  opts: EmbedDatasetOptions = {},
): Promise<tf.Tensor2D> {
  const { batchSize = 256, progress, label = 'embedding' } = opts;
  const bar = progress ? countedProgress(progress, label, 'images', ds.size) : null;
  const parts: tf.Tensor2D[] = [];
  let done = 0;
  for await (const b of imageBatches(ds, { batchSize })) {
    parts.push(embedImages(encoder, b.images, batchSize));
    done += b.images.shape[0];
    b.images.dispose();
    if (bar) {
      // Reading the batch's result keeps the rate honest (the backend may run ahead otherwise).
      await parts.at(-1)!.data();
      bar.update(done);
    }
  }
  bar?.end();
  const out = tf.concat(parts, 0) as tf.Tensor2D;
  tf.dispose(parts);
  return out;
}

/**
 * Wang & Isola (ICML 2020) alignment and uniformity of the encoder output (L2-normalised) on two
 * augmented views of the first `maxImages` images of `ds`: alignment = E‖f(x) − f(x⁺)‖² (lower: views
 * closer), uniformity = log E exp(−2‖f(a) − f(b)‖²) (lower: more spread; collapse gives 0). Seeded.
 */
export async function viewAlignmentUniformity(
  encoder: tf.LayersModel,
  ds: ImageDataset,
  views: ViewPair,
  opts: { seed?: number; maxImages?: number; batchSize?: number } = {},
): Promise<{ alignment: number; uniformity: number }> {
  const n = opts.maxImages ?? 2048;
  const batchSize = opts.batchSize ?? 256;
  const rng = createRng(opts.seed ?? 0);
  const a: tf.Tensor2D[] = [];
  const b: tf.Tensor2D[] = [];
  try {
    for await (const { images } of imageBatches(ds, { batchSize, limit: n })) {
      try {
        a.push(tf.tidy(() => embedImages(encoder, views[0](images, rng), batchSize)));
        b.push(tf.tidy(() => embedImages(encoder, views[1](images, rng), batchSize)));
      } finally {
        images.dispose();
      }
    }
    const x = tf.concat(a, 0) as tf.Tensor2D;
    const y = tf.concat(b, 0) as tf.Tensor2D;
    try {
      return alignmentUniformityReport(x, y, { seed: opts.seed ?? 0 });
    } finally {
      tf.dispose([x, y]);
    }
  } finally {
    tf.dispose([...a, ...b]);
  }
}

/** Weighted-kNN (τ = 0.1, cosine) and linear-probe accuracy of an encoder; labels from both datasets. */
export interface Scores {
  knnAccuracy: number;
  linearProbeAccuracy: number;
}

/** Options of {@link scoreEncoder}. */
export interface ScoreOptions {
  /** Seed of the probe. Default 0. */
  seed?: number;
  /**
   * Neighbours of the weighted kNN. Default 200 (Wu et al. 2018); the CLI passes `--knn-k` or core's
   * `defaultKnnK(trainLabels)`, which caps it by the smallest class.
   */
  knnK?: number;
  /** Epochs of the linear probe. Default 100. */
  probeEpochs?: number;
  /** Progress bars of the two embedding passes and the probe go here. Default: none. */
  progress?: ProgressStream;
  /** Images per forward pass when embedding. Default 256 (the CLI lowers it for large images: `scoringBatchSize`). */
  batchSize?: number;
}

/**
 * The raw-pixel baseline a learned representation must beat: the same kNN and linear probe as
 * {@link scoreEncoder} on the flattened `[H·W·C]` pixels (in [0, 1]) instead of an encoder's output.
 */
export async function scoreRawPixels(train: ImageDataset, test: ImageDataset, opts: ScoreOptions = {}): Promise<Scores> {
  const flatten = tf.sequential({ layers: [tf.layers.flatten({ inputShape: [train.height, train.width, train.channels] })] });
  try {
    const s = await scoreEncoder(flatten, train, test, opts);
    s.testEmbeddings.dispose();
    return { knnAccuracy: s.knnAccuracy, linearProbeAccuracy: s.linearProbeAccuracy };
  } finally {
    flatten.dispose();
  }
}

/** Scores an encoder (a model, or a readout as core's `Encoder`, e.g. `LooC.readoutEncoder('concat')`): kNN memory and probe training set = `train`, test = `test`. */
export async function scoreEncoder(
  encoder: tf.LayersModel | Encoder<tf.Tensor4D>,
  train: ImageDataset,
  test: ImageDataset,
  opts: ScoreOptions = {},
): Promise<Scores & { testEmbeddings: tf.Tensor2D }> {
  const { seed = 0, probeEpochs = 100, progress, knnK = 200, batchSize = 256 } = opts;
  if (!train.labels || !test.labels) throw new Error('scoring needs labeled --data and --eval-data');
  const trainEmb = await embedDataset(encoder, train, { progress, label: 'embedding --data', batchSize });
  let testEmb: tf.Tensor2D | null = null;
  try {
    testEmb = await embedDataset(encoder, test, { progress, label: 'embedding --eval-data', batchSize });
    // A non-finite embedding would rank or classify arbitrarily (NaN compares false): refuse to score it.
    await assertFiniteEmbeddings(trainEmb, train.source);
    await assertFiniteEmbeddings(testEmb, test.source);
    const knn = knnAccuracy(trainEmb, train.labels, testEmb, test.labels, { k: knnK, temperature: 0.1 });
    const bar = progress ? countedProgress(progress, 'linear probe', 'epochs', probeEpochs) : null;
    const probe = linearProbe(trainEmb, train.labels, testEmb, test.labels, {
      seed,
      epochs: probeEpochs,
      onEpoch: bar ? (done) => bar.update(done) : undefined,
    });
    bar?.end();
    const out = { knnAccuracy: knn, linearProbeAccuracy: probe.accuracy, testEmbeddings: testEmb };
    testEmb = null; // owned by the caller now
    return out;
  } finally {
    trainEmb.dispose();
    testEmb?.dispose();
  }
}
