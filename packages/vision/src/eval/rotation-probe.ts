import * as tf from '@tensorflow/tfjs';
import { createRng, linearProbe } from '@contrastive/core';
import { applyRotation } from '../augment/atomic.js';
import { imageBatches, type ImageDataset } from '../io/dataset.js';

/** A frozen representation: images `[N, H, W, C]` → features `[N, D]` (the caller's model; the result is the caller's). */
export type EmbedFn = (images: tf.Tensor4D) => tf.Tensor2D;

/** Options of {@link rotationProbe}. */
export interface RotationProbeOptions {
  /** Seed of the rotations (train and test draw from separate streams) and of the probe. Default 0. */
  seed?: number;
  /** Epochs of the linear probe (core `linearProbe`). Default 100. */
  probeEpochs?: number;
  /** Images per forward pass. Default 256. */
  batchSize?: number;
}

/** What {@link rotationProbe} measured. */
export interface RotationProbeResult {
  /** Test accuracy of predicting k ∈ {0, 1, 2, 3} (chance 0.25). */
  accuracy: number;
  trainAccuracy: number;
  /** The rotation (quarter turns) drawn for each train / test image. */
  trainTurns: Int32Array;
  testTurns: Int32Array;
}

/**
 * A rotation-sensitive evaluation (LooC's point: an invariant representation loses what the rotation
 * was): every train and test image is rotated by k·90°, k ~ U{0..3} drawn with a seeded generator, embedded
 * with the frozen `embed`, and a linear probe (core `linearProbe`, standardised features) learns k from the
 * train features and is scored on the test ones. Works with any method's readout. Square images.
 */
export async function rotationProbe(
  embed: EmbedFn,
  train: ImageDataset,
  test: ImageDataset,
  opts: RotationProbeOptions = {},
): Promise<RotationProbeResult> {
  const { seed = 0, probeEpochs = 100, batchSize = 256 } = opts;
  if (!Number.isInteger(batchSize) || batchSize < 1)
    throw new RangeError(`rotationProbe: batchSize must be an integer >= 1, got ${String(batchSize)}`);
  const root = createRng(seed);
  const [trainRng, testRng] = [root.fork(), root.fork()];
  const a = await embedRotated(embed, train, trainRng, batchSize);
  try {
    const b = await embedRotated(embed, test, testRng, batchSize);
    try {
      const probe = linearProbe(a.features, a.turns, b.features, b.turns, { seed, epochs: probeEpochs, numClasses: 4 });
      return { accuracy: probe.accuracy, trainAccuracy: probe.trainAccuracy, trainTurns: a.turns, testTurns: b.turns };
    } finally {
      b.features.dispose();
    }
  } finally {
    a.features.dispose();
  }
}

/** Features of every image of `ds` after a random quarter-turn rotation, and the turns drawn. */
async function embedRotated(
  embed: EmbedFn,
  ds: ImageDataset,
  rng: ReturnType<typeof createRng>,
  batchSize: number,
): Promise<{ features: tf.Tensor2D; turns: Int32Array }> {
  const turns = new Int32Array(ds.size);
  const parts: tf.Tensor2D[] = [];
  let at = 0;
  try {
    for await (const { images } of imageBatches(ds, { batchSize })) {
      const n = images.shape[0];
      for (let i = 0; i < n; i++) turns[at + i] = rng.int(4);
      const k = Array.from(turns.subarray(at, at + n));
      parts.push(tf.tidy(() => embed(applyRotation(images, k))));
      images.dispose();
      at += n;
    }
    const features = tf.concat(parts, 0) as tf.Tensor2D;
    return { features, turns };
  } finally {
    tf.dispose(parts);
  }
}
