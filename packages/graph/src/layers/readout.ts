import * as tf from '@tensorflow/tfjs';
import type { GraphTensors } from '../data/tensors.js';

/** Graph-level pooling. */
export type Readout = 'sum' | 'mean' | 'max';
export const READOUTS: readonly Readout[] = ['sum', 'mean', 'max'];

/**
 * Segment reduction of node states `[N, D]` to graph states `[B, D]` (PyG `global_*_pool`): sum via
 * `unsortedSegmentSum` over `batch`, mean = sum / node count, max via a padded `[B, maxNodes, D]` gather
 * with padded slots set to −∞ before the max (its gradient flows only to the arg-max node).
 */
export function readout(
  h: tf.Tensor2D,
  t: Pick<GraphTensors, 'batch' | 'numGraphs' | 'counts' | 'pad'>,
  kind: Readout = 'sum',
): tf.Tensor2D {
  return tf.tidy(() => {
    if (kind === 'sum') return tf.unsortedSegmentSum(h, t.batch, t.numGraphs);
    if (kind === 'mean') return tf.div(tf.unsortedSegmentSum(h, t.batch, t.numGraphs), t.counts) as tf.Tensor2D;
    if (kind === 'max') {
      const d = h.shape[1];
      const dense = tf.reshape(tf.gather(h, t.pad.index), [t.numGraphs, t.pad.maxNodes, d]);
      const masked = tf.where(tf.broadcastTo(t.pad.mask, dense.shape), dense, tf.fill(dense.shape, -Infinity));
      return tf.max(masked, 1) as tf.Tensor2D;
    }
    throw new RangeError(`readout must be one of 'sum', 'mean', 'max', got '${String(kind)}'`);
  });
}
