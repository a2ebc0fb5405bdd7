import * as tf from '@tensorflow/tfjs';
import { assertOneOf } from '../validate.js';

/** How a per-anchor loss vector becomes the returned value. */
export type Reduction = 'mean' | 'sum' | 'none';
export const REDUCTIONS: readonly Reduction[] = ['mean', 'sum', 'none'];

/**
 * Reduces a per-anchor loss vector `[N]`: `'mean'` and `'sum'` give a scalar, `'none'` returns it as is.
 * `'mean'` over an empty vector is 0 (not NaN), so a batch with no valid anchors contributes nothing.
 */
export function reduceLoss(perAnchor: tf.Tensor1D, reduction: Reduction = 'mean'): tf.Tensor {
  assertOneOf(reduction, REDUCTIONS, 'reduction');
  if (reduction === 'none') return perAnchor;
  if (reduction === 'sum') return tf.sum(perAnchor);
  if (perAnchor.shape[0] === 0) return tf.scalar(0);
  return tf.mean(perAnchor);
}
