import * as tf from '@tensorflow/tfjs';

// tf.customGrad: the forward pass is the identity, the backward pass returns a zero gradient, so no
// gradient reaches whatever produced `x` through this path. Built once and reused.
const stop = tf.customGrad(((x: tf.Tensor) => ({
  value: tf.clone(x),
  gradFunc: (dy: tf.Tensor) => tf.zerosLike(dy),
})) as unknown as Parameters<typeof tf.customGrad>[0]);

/**
 * Stop-gradient `sg(x)` (PyTorch `x.detach()`, TF `tf.stop_gradient`): the value of `x`, but a zero
 * gradient flows back into `x`. Used by SimSiam and BYOL (the target branch) and for MoCo keys.
 * Returns a new tensor (call inside `tf.tidy` or dispose it).
 */
export function stopGradient<T extends tf.Tensor>(x: T): T {
  if (!(x instanceof tf.Tensor)) throw new TypeError(`stopGradient(x): x must be a tf.Tensor, got ${typeof x}`);
  return stop(x) as T;
}
