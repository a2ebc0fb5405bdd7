import * as tf from '@tensorflow/tfjs';

/**
 * Log-space reductions shared by the losses, so that logits of order 1/τ (τ = 0.01 → 100) never pass
 * through `exp` un-shifted and float32 does not overflow.
 */

/**
 * Stand-in for −∞ in masked logits: finite so that a fully masked row gives a finite (huge negative)
 * value instead of NaN, and so that `where`'s gradient stays finite. exp(−1e9 − max) is exactly 0.
 */
export const MASKED_LOGIT = -1e9;

/**
 * `log Σ_{j: mask[i,j]} exp(logits[i,j])` along `axis` (default last): masked-out entries are replaced
 * by {@link MASKED_LOGIT} and get exactly zero gradient.
 */
export function maskedLogSumExp(logits: tf.Tensor, mask: tf.Tensor, axis = -1): tf.Tensor {
  const filled = tf.where(mask, logits, tf.fill(logits.shape, MASKED_LOGIT));
  return tf.logSumExp(filled, axis);
}

/**
 * `log(1 − exp(x))` for x < 0, stable near 0 and for x → −∞ (Mächler 2012): `log(−expm1(x))` when
 * x > −ln 2, `log1p(−exp(x))` otherwise. Callers must pass x < 0.
 */
export function log1mExp(x: tf.Tensor): tf.Tensor {
  const nearZero = tf.greater(x, -Math.LN2);
  // Keep both branches finite so `where`'s gradient never multiplies 0 by ∞.
  const xNear = tf.where(nearZero, x, tf.fill(x.shape, -1));
  const xFar = tf.where(nearZero, tf.fill(x.shape, -1), x);
  return tf.where(nearZero, tf.log(tf.neg(tf.expm1(xNear))), tf.log1p(tf.neg(tf.exp(xFar))));
}
