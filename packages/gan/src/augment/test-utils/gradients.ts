import * as tf from '@tensorflow/tfjs';
import { createRng, type ViewMaker } from '@contrastive/core';

/** A batch of images in [0, 1] `[n, h, w, c]`, seeded. */
export function images(n: number, h: number, w: number, c: number, seed: number): tf.Tensor4D {
  return tf.randomUniform([n, h, w, c], 0, 1, 'float32', seed) as tf.Tensor4D;
}

/**
 * The gradient of Σ aug(x)·weight w.r.t. `x` (a random weight, so that a gradient that sums to zero under a
 * mean-preserving op still shows), read back as numbers. Throws what tfjs throws when an op has no gradient.
 */
export function inputGradient(aug: ViewMaker<tf.Tensor4D>, x: tf.Tensor4D, seed = 7): Float32Array {
  const weight = tf.randomNormal(x.shape, 0, 1, 'float32', 99);
  try {
    const g = tf.grad((y: tf.Tensor) => tf.sum(tf.mul(aug(y as tf.Tensor4D, createRng(seed)), weight)) as tf.Scalar)(x);
    const out = g.dataSync() as Float32Array;
    g.dispose();
    return out;
  } finally {
    weight.dispose();
  }
}

/** True when every entry is finite and at least one is non-zero. */
export function finiteNonZero(g: ArrayLike<number>): boolean {
  const a = Array.from(g);
  return a.every(Number.isFinite) && a.some((v) => Math.abs(v) > 1e-6);
}
