import * as tf from '@tensorflow/tfjs';

/**
 * A copy of `x` with **no** tape ancestry (PyTorch's `.detach()`), unlike core's `stopGradient`, which keeps `x` as
 * the input of a zero-gradient node. The difference matters for CLAPS: the perturbations are built from an inner
 * `tf.grad` that uses the model's head and the projection; behind a `stopGradient`, the outer backward pass still
 * walks those inner gradient ops (second order, with a zero upstream), and `‖g‖`'s derivative at a padding token
 * (g = 0) turns the zeros into NaN in the head's gradient. A zero-input `customGrad` node ends the path instead.
 */
export function detach<T extends tf.Tensor>(x: T): T {
  return tf.customGrad((() => ({ value: tf.clone(x), gradFunc: () => [] })) as unknown as Parameters<typeof tf.customGrad>[0])() as T;
}
