import * as tf from '@tensorflow/tfjs';
import { alignmentUniformityReport, createRng, knnAccuracy, linearProbe } from '@contrastive/core';
import type { ViewPair } from '../augment/presets.js';
import type { ImageDataset } from '../io/dataset.js';
import { imageBatches } from '../io/dataset.js';
import { embedImages } from '../methods/common.js';

/** Encoder outputs `[N, D]` of a whole dataset, computed batch by batch (inference-mode BN). */
export async function embedDataset(encoder: tf.LayersModel, ds: ImageDataset, batchSize = 256): Promise<tf.Tensor2D> {
  const parts: tf.Tensor2D[] = [];
  for await (const b of imageBatches(ds, { batchSize })) {
    parts.push(embedImages(encoder, b.images, batchSize));
    b.images.dispose();
  }
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

/** kNN (k = 200, τ = 0.1) and linear-probe accuracy of an encoder; labels from both datasets. */
export interface Scores {
  knnAccuracy: number;
  linearProbeAccuracy: number;
}

/** Scores an encoder: kNN memory and probe training set = `train`, test = `test`. */
export async function scoreEncoder(encoder: tf.LayersModel, train: ImageDataset, test: ImageDataset, seed = 0, probeEpochs = 100): Promise<Scores & { testEmbeddings: tf.Tensor2D }> {
  if (!train.labels || !test.labels) throw new Error('scoring needs labeled --data and --eval-data');
  const trainEmb = await embedDataset(encoder, train);
  const testEmb = await embedDataset(encoder, test);
  try {
    const knn = knnAccuracy(trainEmb, train.labels, testEmb, test.labels, { k: 200, temperature: 0.1 });
    const probe = linearProbe(trainEmb, train.labels, testEmb, test.labels, { seed, epochs: probeEpochs });
    return { knnAccuracy: knn, linearProbeAccuracy: probe.accuracy, testEmbeddings: testEmb };
  } finally {
    trainEmb.dispose();
  }
}
