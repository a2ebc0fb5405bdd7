import * as tf from '@tensorflow/tfjs';

/**
 * Rows `indices` of `x` `[n, D]` → `[indices.length, D]`, with the kernel that is fastest on the active
 * backend. Measured here for 65 536 rows × 128 of a 60 000-row bank (tfjs 4.22, Node 20, 2 cores):
 * cpu `gather` 2.6 s vs `gatherND` 8.0 s; wasm `gather` 1.7 s vs `gatherND` 0.2 s. No gradient is
 * needed: the bank and queue are not trained. Call inside `tf.tidy`.
 */
export function gatherRows(x: tf.Tensor2D, indices: Int32Array): tf.Tensor2D {
  if (tf.getBackend() === 'cpu') return tf.gather(x, tf.tensor1d(indices, 'int32'));
  return tf.gatherND(x, tf.tensor2d(indices, [indices.length, 1], 'int32')) as tf.Tensor2D;
}
