import * as tf from '@tensorflow/tfjs';
import { assertPositive } from '../validate.js';
import { squaredEuclidean } from './distances.js';
import { checkEmbeddingPair, checkOptionKeys, checkReduction, reducedLoss } from './loss-checks.js';
import type { LossResult, ReductionOption } from './loss-checks.js';
import type { Reduction } from './reduce.js';

/** Options of {@link alignment}. */
export interface AlignmentOptions<R extends Reduction = Reduction> extends ReductionOption<R> {
  /** Exponent α > 0 of the distance. Default `2`. */
  alpha?: number;
}

const KEYS = ['alpha', 'reduction'] as const;

/**
 * Alignment (Wang & Isola, "Understanding Contrastive Representation Learning through Alignment and
 * Uniformity on the Hypersphere", ICML 2020; code `SsnL/align_uniform`):
 * `L_align = E ‖f(x) − f(y)‖₂^α` over positive pairs, i.e. `(x − y).norm(dim=1).pow(α).mean()`.
 * Lower is better. Inputs are used as given (the paper applies it to L2-normalised features).
 *
 * Computed as `(‖x − y‖²)^{α/2}`, so α = 2 has a finite gradient even for identical rows.
 *
 * @param x embeddings `[N, D]`.
 * @param y their positives `[N, D]`.
 * @returns a scalar, or with `reduction: 'none'` the per-pair values `[N]`.
 *
 * @example
 * ```ts
 * const loss = tf.add(alignment(x, y), tf.div(tf.add(uniformity(x), uniformity(y)), 2));
 * ```
 */
export function alignment<R extends Reduction = 'mean'>(x: tf.Tensor2D, y: tf.Tensor2D, options: AlignmentOptions<R> = {}): LossResult<R> {
  checkOptionKeys(options, KEYS, 'alignment');
  const { alpha = 2 } = options;
  const reduction = checkReduction(options.reduction);
  checkEmbeddingPair(x, y, 'x', 'y');
  assertPositive(alpha, 'alpha');
  return reducedLoss(reduction, () => {
    const sq = squaredEuclidean(x, y);
    return (alpha === 2 ? sq : tf.pow(sq, alpha / 2)) as tf.Tensor1D;
  });
}
