import * as tf from '@tensorflow/tfjs';
import { assertNonNegative, assertOneOf, assertSameShape } from '../validate.js';
import { DISTANCES, rowDistance, type Distance } from './distances.js';
import { checkEmbeddingPair, checkOptionKeys, checkReduction, reducedLoss } from './loss-checks.js';
import type { LossResult, ReductionOption } from './loss-checks.js';
import type { Reduction } from './reduce.js';

/** Options of {@link tripletLoss}. */
export interface TripletLossOptions<R extends Reduction = Reduction> extends ReductionOption<R> {
  /** Margin m ≥ 0 by which the negative must be farther than the positive. Default `1`. */
  margin?: number;
  /**
   * Distance d: `'squaredEuclidean'` (FaceNet's ‖·‖², default), `'euclidean'` (‖·‖, PyTorch's
   * `TripletMarginLoss`), or `'cosine'` (1 − cos). Inputs are used as given except for `'cosine'`.
   */
  distance?: Distance;
}

const KEYS = ['margin', 'distance', 'reduction'] as const;

/**
 * Triplet loss (Schroff, Kalenichenko & Philbin, "FaceNet", CVPR 2015; after Weinberger & Saul's
 * large-margin nearest neighbour): per triplet `max(0, d(a, p) − d(a, n) + margin)`.
 *
 * FaceNet uses squared Euclidean distance on L2-normalised embeddings with margin 0.2; normalise the
 * inputs yourself if you want that (the function uses them as given).
 *
 * @param anchor anchors `[N, D]`.
 * @param positive positives `[N, D]` (same identity as the anchor).
 * @param negative negatives `[N, D]`.
 * @returns a scalar, or with `reduction: 'none'` the per-triplet losses `[N]`.
 *
 * @example
 * ```ts
 * const loss = tripletLoss(a, p, n, { margin: 0.2, distance: 'squaredEuclidean' });
 * ```
 */
export function tripletLoss<R extends Reduction = 'mean'>(
  anchor: tf.Tensor2D,
  positive: tf.Tensor2D,
  negative: tf.Tensor2D,
  options: TripletLossOptions<R> = {},
): LossResult<R> {
  checkOptionKeys(options, KEYS, 'tripletLoss');
  const { margin = 1, distance = 'squaredEuclidean' } = options;
  const reduction = checkReduction(options.reduction);
  checkEmbeddingPair(anchor, positive, 'anchor', 'positive');
  checkEmbeddingPair(anchor, negative, 'anchor', 'negative');
  assertSameShape(positive, negative, 'positive', 'negative');
  assertNonNegative(margin, 'margin');
  assertOneOf(distance, DISTANCES, 'distance');
  const d = rowDistance[distance];
  return reducedLoss(reduction, () => tf.relu(tf.add(tf.sub(d(anchor, positive), d(anchor, negative)), margin)) as tf.Tensor1D);
}
