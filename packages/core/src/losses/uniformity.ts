import * as tf from '@tensorflow/tfjs';
import { assertEmbeddings, assertPositive } from '../validate.js';
import { checkOptionKeys } from './loss-checks.js';
import { maskedLogSumExp } from './log-sum-exp.js';

/** Options of {@link uniformity}. */
export interface UniformityOptions {
  /** Scale t > 0 of the Gaussian potential `exp(−t‖·‖²)`. Default `2`. */
  t?: number;
}

const KEYS = ['t'] as const;

/**
 * Uniformity (Wang & Isola, ICML 2020; code `SsnL/align_uniform`):
 * `L_uniform = log E_{i<j} exp(−t‖x_i − x_j‖²)`, i.e. `pdist(x).pow(2).mul(-t).exp().mean().log()` over
 * the N(N−1)/2 distinct pairs only (the diagonal is excluded). Lower is better (more uniform on the
 * hypersphere); 0 means every point coincides. Computed as a log-mean-exp. Inputs are used as given.
 *
 * There is no `reduction`: the value is the log of a mean over pairs, not a mean of per-anchor terms.
 *
 * @param x embeddings `[N, D]`, N ≥ 2.
 * @returns a scalar.
 *
 * @example
 * ```ts
 * const u = uniformity(l2Normalize(emb), { t: 2 });
 * ```
 */
export function uniformity(x: tf.Tensor2D, options: UniformityOptions = {}): tf.Scalar {
  checkOptionKeys(options, KEYS, 'uniformity');
  const { t = 2 } = options;
  assertEmbeddings(x, 'x', 2);
  assertPositive(t, 't');
  const n = x.shape[0];
  return tf.tidy(() => {
    // ‖x_i − x_j‖² = ‖x_i‖² + ‖x_j‖² − 2 x_i·x_j, clipped at 0 against rounding.
    const norms = tf.sum(tf.square(x), 1);
    const gram = tf.matMul(x, x, false, true);
    const sq = tf.relu(tf.sub(tf.add(tf.reshape(norms, [-1, 1]), tf.reshape(norms, [1, -1])), tf.mul(gram, 2)));
    const upper = tf.greater(tf.range(0, n).reshape([1, -1]), tf.range(0, n).reshape([-1, 1])); // j > i
    const pairs = (n * (n - 1)) / 2;
    return tf.sub(maskedLogSumExp(tf.reshape(tf.mul(sq, -t), [-1]), tf.reshape(upper, [-1])), Math.log(pairs));
  }) as tf.Scalar;
}
