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
  return tf.tidy(() => tf.logSumExp(tf.where(mask, logits, tf.fill(logits.shape, MASKED_LOGIT)), axis));
}

/**
 * `log(1 − exp(x))`, stable near 0 and for x → −∞ (Mächler 2012): `log(−expm1(x))` when x > −ln 2,
 * `log1p(−exp(x))` otherwise. For x ≥ 0 (where 1 − eˣ ≤ 0 has no logarithm) it returns
 * {@link MASKED_LOGIT} with zero gradient, so a following clamp (`tf.maximum`) takes over.
 *
 * A custom gradient (`d/dx = −1/expm1(−x)`) keeps the branch choice off the tape: comparison ops have
 * no gradient in tfjs, so `tf.where` on a condition computed from `x` would break backpropagation.
 */
export function log1mExp(x: tf.Tensor): tf.Tensor {
  const op = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const input = args[0] as tf.Tensor;
    const save = args[1] as tf.GradSaveFunc;
    const value = tf.tidy(() => {
      const negative = tf.less(input, 0);
      const nearZero = tf.greater(input, -Math.LN2);
      const xNear = tf.where(nearZero, tf.minimum(input, -1e-30), tf.fill(input.shape, -1));
      const xFar = tf.where(nearZero, tf.fill(input.shape, -1), input);
      const stable = tf.where(nearZero, tf.log(tf.neg(tf.expm1(xNear))), tf.log1p(tf.neg(tf.exp(xFar))));
      return tf.where(negative, stable, tf.fill(input.shape, MASKED_LOGIT));
    });
    save([input]);
    return {
      value,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xs] = saved as [tf.Tensor];
        const negative = tf.less(xs, 0);
        const safe = tf.minimum(xs, -1e-20);
        const slope = tf.neg(tf.reciprocal(tf.expm1(tf.neg(safe))));
        return tf.mul(dy, tf.where(negative, slope, tf.zerosLike(xs)));
      },
    };
  });
  return op(x) as tf.Tensor;
}
