import * as tf from '@tensorflow/tfjs';

/**
 * Shared similarity pieces: L2 normalisation and cosine-similarity matrices. Pure tensor functions whose
 * intermediates are freed (`tf.tidy`); only the result is returned.
 */

/** Guards the norm: rows of (near) zero length normalise to ~0 instead of NaN (as `F.normalize`). */
const NORM_EPS = 1e-12;

/**
 * Rows (last axis) scaled to unit L2 norm: `x / max(‖x‖, 1e-12)`, as PyTorch's `F.normalize`. Computed as
 * `x / sqrt(max(Σx², 1e-24))` — the same values — so that an all-zero row (an isolated graph node whose input
 * dropout removed, a dead ReLU) has a finite gradient: `max(sqrt(s), ε)` back-propagates sqrt's infinite slope
 * at s = 0 times a zero mask, which is NaN and poisons every weight.
 */
export function l2Normalize<T extends tf.Tensor>(x: T): T {
  return tf.tidy(() => tf.div(x, tf.sqrt(tf.maximum(tf.sum(tf.square(x), -1, true), NORM_EPS * NORM_EPS))) as T);
}

/** Cosine similarity of every row of `a` `[N, D]` with every row of `b` `[M, D]` → `[N, M]`. */
export function cosineSimilarityMatrix(a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => tf.matMul(l2Normalize(a), l2Normalize(b), false, true));
}

/** Row-wise cosine similarity of `a` and `b` `[N, D]` → `[N]`. */
export function rowCosineSimilarity(a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor1D {
  return tf.tidy(() => tf.sum(tf.mul(l2Normalize(a), l2Normalize(b)), 1) as tf.Tensor1D);
}

/**
 * The two-view layout shared by NT-Xent, DCL and HCL: the 2N views `[ẑ1; ẑ2]`, their cosine-similarity
 * matrix `[2N, 2N]`, and each anchor's positive similarity `[2N]` (view i of z1 pairs with view i of z2).
 */
export function twoViewSimilarities(z1: tf.Tensor2D, z2: tf.Tensor2D): { sim: tf.Tensor2D; positive: tf.Tensor1D } {
  const h1 = l2Normalize(z1);
  const h2 = l2Normalize(z2);
  const h = tf.concat([h1, h2], 0);
  const sim = tf.matMul(h, h, false, true) as tf.Tensor2D;
  const pos = tf.sum(tf.mul(h1, h2), 1);
  return { sim, positive: tf.concat([pos, pos], 0) as tf.Tensor1D };
}

/**
 * Boolean `[2N, 2N]` mask of each anchor's negatives in the two-view layout: true everywhere except the
 * anchor itself (i, i) and its positive (i, i ± N).
 */
export function twoViewNegativeMask(n: number): tf.Tensor2D {
  return tf.tidy(() => {
    const idx = tf.range(0, 2 * n, 1, 'int32');
    const partner = tf.mod(tf.add(idx, n), 2 * n);
    const cols = idx.reshape([1, -1]);
    const self = tf.equal(idx.reshape([-1, 1]), cols);
    const pos = tf.equal(partner.reshape([-1, 1]), cols);
    return tf.logicalNot(tf.logicalOr(self, pos)) as tf.Tensor2D;
  });
}

/** Boolean `[n, n]` mask that is false on the diagonal (self-similarity excluded). */
export function offDiagonalMask(n: number): tf.Tensor2D {
  return tf.tidy(() => tf.logicalNot(tf.cast(tf.eye(n), 'bool')) as tf.Tensor2D);
}
