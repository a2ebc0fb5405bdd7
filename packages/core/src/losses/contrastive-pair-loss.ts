import * as tf from '@tensorflow/tfjs';
import { assertNonNegative } from '../validate.js';
import { euclidean, squaredEuclidean } from './distances.js';
import { checkEmbeddingPair, checkOptionKeys, checkReduction, labelsTensor, reducedLoss } from './loss-checks.js';
import type { LossResult, ReductionOption } from './loss-checks.js';
import type { Reduction } from './reduce.js';

/** Options of {@link contrastivePairLoss}. */
export interface ContrastivePairLossOptions<R extends Reduction = Reduction> extends ReductionOption<R> {
  /** Margin m ≥ 0: dissimilar pairs closer than m are pushed apart. Default `1`. */
  margin?: number;
}

const KEYS = ['margin', 'reduction'] as const;

/**
 * The original contrastive (pair) loss of Hadsell, Chopra & LeCun, "Dimensionality Reduction by Learning
 * an Invariant Mapping", CVPR 2006: per pair `y·d² + (1 − y)·max(0, m − d)²` with d the Euclidean
 * distance and y = 1 for similar pairs. The paper's ½ factors are left out (as the @contrastive contract
 * states); halve the result to match the paper exactly. Inputs are used as given.
 *
 * @param x1 first items `[N, D]`.
 * @param x2 second items `[N, D]`.
 * @param similar `[N]` 0/1 labels (tensor of any dtype, or an array of numbers / booleans); 1 = similar.
 * @returns a scalar, or with `reduction: 'none'` the per-pair losses `[N]`.
 *
 * @example
 * ```ts
 * const loss = contrastivePairLoss(embed(left), embed(right), [1, 0, 0, 1], { margin: 2 });
 * ```
 */
export function contrastivePairLoss<R extends Reduction = 'mean'>(
  x1: tf.Tensor2D,
  x2: tf.Tensor2D,
  similar: tf.Tensor | ArrayLike<number | boolean>,
  options: ContrastivePairLossOptions<R> = {},
): LossResult<R> {
  checkOptionKeys(options, KEYS, 'contrastivePairLoss');
  const { margin = 1 } = options;
  const reduction = checkReduction(options.reduction);
  checkEmbeddingPair(x1, x2, 'x1', 'x2');
  assertNonNegative(margin, 'margin');
  const n = x1.shape[0];
  if (!(similar instanceof tf.Tensor)) {
    const bad = Array.from(similar as ArrayLike<number | boolean>).find((v) => Number(v) !== 0 && Number(v) !== 1);
    if (bad !== undefined) throw new RangeError(`similar must hold only 0/1 (or booleans), got ${String(bad)}`);
  }
  return reducedLoss(reduction, () => {
    const y = labelsTensor(similar, n, 'similar', 'x1');
    const pull = tf.mul(y, squaredEuclidean(x1, x2));
    const push = tf.mul(tf.sub(1, y), tf.square(tf.relu(tf.sub(margin, euclidean(x1, x2)))));
    return tf.add(pull, push) as tf.Tensor1D;
  });
}
