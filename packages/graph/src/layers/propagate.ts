import * as tf from '@tensorflow/tfjs';

/**
 * Sparse message passing, PyG style: gather source rows, optionally scale them per edge, and scatter-add
 * them into their targets with `tf.unsortedSegmentSum` (the wasm backend gets this kernel from core).
 * Memory is O(E·D), never O(N²), so a 100k-node graph fits.
 *
 * @param h `[N, D]` node states.
 * @param src `[E]` int32 message sources; `dst` `[E]` int32 targets.
 * @param weight optional `[E, 1]` per-edge scale (GCN normalisation).
 * @param message optional `[E, D]` term added to each gathered row (edge embeddings in GIN).
 * @returns `[N, D]` aggregated messages (rows without incoming edges are 0).
 */
export function propagate(
  h: tf.Tensor2D,
  src: tf.Tensor1D,
  dst: tf.Tensor1D,
  numNodes: number,
  weight?: tf.Tensor2D,
  message?: tf.Tensor2D,
): tf.Tensor2D {
  return tf.tidy(() => {
    let m: tf.Tensor2D = tf.gather(h, src);
    if (message) m = tf.add(m, message);
    if (weight) m = tf.mul(m, weight);
    return tf.unsortedSegmentSum(m, dst, numNodes);
  });
}
