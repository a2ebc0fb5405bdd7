import * as tf from '@tensorflow/tfjs';
import {
  alignmentUniformityReport,
  averageFeatures,
  createRng,
  knnAccuracy,
  linearProbe,
  ProgressBar,
  type Encoder,
  type ProgressStream,
  type Rng,
  type ViewMaker,
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
  /**
   * Test-time feature averaging (InvCLR): M transformed passes per image through `averaging.view`, averaged
   * (core's `averageFeatures`); batch b draws from the b-th `averaging.rng.fork()`. Absent or M = 1: plain embedding.
   */
  averaging?: { passes: number; view: ViewMaker<tf.Tensor4D>; rng: Rng };
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
  return (await embedDatasetAveraged(encoder, ds, opts)).embeddings;
}

/**
 * {@link embedDataset} with the conditional variance of each image's normalised representation under the
 * re-sampled transformation (`[N]`, only when `averaging.passes` > 1; else `null`). The caller disposes both.
 */
export async function embedDatasetAveraged(
  encoder: tf.LayersModel | Encoder<tf.Tensor4D>,
  ds: ImageDataset,
  opts: EmbedDatasetOptions = {},
): Promise<{ embeddings: tf.Tensor2D; conditionalVariance: tf.Tensor1D | null }> {
  const { batchSize = 256, progress, label = 'embedding', averaging } = opts;
  const passes = averaging?.passes ?? 1;
  const bar = progress ? countedProgress(progress, label, 'images', ds.size) : null;
  const parts: tf.Tensor2D[] = [];
  const variances: tf.Tensor1D[] = [];
  let done = 0;
  for await (const b of imageBatches(ds, { batchSize })) {
    if (averaging && passes > 1) {
      const avg = averageFeatures((x: tf.Tensor4D) => embedImages(encoder, x, batchSize), b.images, {
        passes,
        view: averaging.view,
        rng: averaging.rng.fork(),
        batchSize,
      });
      parts.push(avg.mean);
      variances.push(avg.conditionalVariance!);
    } else parts.push(embedImages(encoder, b.images, batchSize));
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
  const cv = variances.length > 0 ? (tf.concat(variances, 0) as tf.Tensor1D) : null;
  tf.dispose([...parts, ...variances]);
  return { embeddings: out, conditionalVariance: cv };
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
  /**
   * M, test-time feature averaging (`--eval-passes`; InvCLR, Foster et al. 2021): both sets are embedded as the
   * mean over M passes through `evalView`, seeded by `seed`. Default 1: the plain, untransformed images.
   */
  evalPasses?: number;
  /** The transformation averaged over when `evalPasses` > 1 (the run's training view). */
  evalView?: ViewMaker<tf.Tensor4D>;
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
): Promise<Scores & { testEmbeddings: tf.Tensor2D; conditionalVariance?: number }> {
  const { seed = 0, probeEpochs = 100, progress, knnK = 200, batchSize = 256, evalPasses = 1, evalView } = opts;
  if (!train.labels || !test.labels) throw new Error('scoring needs labeled --data and --eval-data');
  if (!Number.isInteger(evalPasses) || evalPasses < 1)
    throw new RangeError(`scoreEncoder: evalPasses must be an integer >= 1, got ${String(evalPasses)}`);
  if (evalPasses > 1 && !evalView) throw new RangeError('scoreEncoder: evalPasses > 1 needs evalView (the transformation to average over)');
  // The kNN memory / probe training set and the test set each draw from their own fork of the seed.
  const rng = createRng(seed);
  const averagingFor = (r: Rng) => (evalPasses > 1 ? { averaging: { passes: evalPasses, view: evalView!, rng: r } } : {});
  const [trainRng, testRng] = [rng.fork(), rng.fork()];
  const trainSet = await embedDatasetAveraged(encoder, train, {
    progress,
    label: 'embedding --data',
    batchSize,
    ...averagingFor(trainRng),
  });
  trainSet.conditionalVariance?.dispose(); // the invariance measure is reported on the test set
  const trainEmb = trainSet.embeddings;
  let testEmb: tf.Tensor2D | null = null;
  let conditionalVariance: number | undefined;
  try {
    const t = await embedDatasetAveraged(encoder, test, { progress, label: 'embedding --eval-data', batchSize, ...averagingFor(testRng) });
    testEmb = t.embeddings;
    if (t.conditionalVariance) {
      // The paper's invariance measure on the test set: E_x Σ_d Var_α[ĥ_d | x].
      const mean = t.conditionalVariance.mean();
      conditionalVariance = (await mean.data())[0]!;
      tf.dispose([mean, t.conditionalVariance]);
    }
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
    const out = {
      knnAccuracy: knn,
      linearProbeAccuracy: probe.accuracy,
      testEmbeddings: testEmb,
      ...(conditionalVariance === undefined ? {} : { conditionalVariance }),
    };
    testEmb = null; // owned by the caller now
    return out;
  } finally {
    trainEmb.dispose();
    testEmb?.dispose();
  }
}
