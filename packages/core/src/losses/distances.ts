import * as tf from '@tensorflow/tfjs';
import { l2Normalize } from './similarity.js';

/** Row-wise distances between embeddings, shared by the margin losses. */
export type Distance = 'squaredEuclidean' | 'euclidean' | 'cosine';
export const DISTANCES: readonly Distance[] = ['squaredEuclidean', 'euclidean', 'cosine'];

/**
 * Floor under the squared distance before `sqrt`: the derivative of √s is infinite at s = 0, so two
 * identical rows would give NaN gradients; with the floor they give 0 (and d ≈ 1e-6).
 */
const SQ_EPS = 1e-12;

/** `‖a_i − b_i‖²` for rows of `[N, D]` → `[N]`. */
export function squaredEuclidean(a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor1D {
  return tf.tidy(() => tf.sum(tf.square(tf.sub(a, b)), 1) as tf.Tensor1D);
}

/** `‖a_i − b_i‖` → `[N]`, with a zero (not NaN) gradient for identical rows. */
export function euclidean(a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor1D {
  return tf.tidy(() => tf.sqrt(tf.maximum(squaredEuclidean(a, b), SQ_EPS)) as tf.Tensor1D);
}

/** `1 − cos(a_i, b_i)` → `[N]` (0 for parallel rows, 2 for opposite rows). */
export function cosineDistance(a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor1D {
  return tf.tidy(() => tf.sub(1, tf.sum(tf.mul(l2Normalize(a), l2Normalize(b)), 1)) as tf.Tensor1D);
}

/** The row-wise distance function for a {@link Distance} name. */
export const rowDistance: Record<Distance, (a: tf.Tensor2D, b: tf.Tensor2D) => tf.Tensor1D> = {
  squaredEuclidean,
  euclidean,
  cosine: cosineDistance,
};
