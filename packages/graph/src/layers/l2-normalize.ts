import * as tf from '@tensorflow/tfjs';

/** Norm floor of {@link safeL2Normalize}: core's `l2Normalize` clamps the norm at the same 1e-12. */
const NORM_EPS = 1e-12;

/**
 * Row-wise L2 normalisation `x / max(‖x‖, 1e-12)` whose gradient stays finite at an all-zero row. Same
 * forward values as core's `l2Normalize` (`x / max(sqrt(Σx²), ε)`), but the clamp is applied before the
 * square root (`x / sqrt(max(Σx², ε²))`, like TensorFlow's `tf.nn.l2_normalize` that CG3's official code
 * uses): in core's form the backward pass of `sqrt` at 0 is `0 · ∞ = NaN`, and one zero row — an isolated
 * node whose only input feature was dropped out, so every layer gives it 0 — turns every weight NaN.
 */
export function safeL2Normalize<T extends tf.Tensor>(x: T): T {
  return tf.tidy(() => tf.div(x, tf.sqrt(tf.maximum(tf.sum(tf.square(x), -1, true), NORM_EPS * NORM_EPS))) as T);
}
