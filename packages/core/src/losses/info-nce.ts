import * as tf from '@tensorflow/tfjs';
import { assertEmbeddings, assertRank, shapeStr } from '../validate.js';
import { checkEmbeddingPair, checkOptionKeys, checkReduction, checkTemperature, reducedLoss } from './loss-checks.js';
import type { LossResult, ReductionOption } from './loss-checks.js';
import type { Reduction } from './reduce.js';
import { l2Normalize } from './similarity.js';

/** Options of {@link infoNCE}. */
export interface InfoNCEOptions<R extends Reduction = Reduction> extends ReductionOption<R> {
  /**
   * Explicit negatives: `[M, D]` shared by every query (a MoCo queue, a memory bank), or `[N, K, D]` per
   * query (memory-bank sampling). Omitted or `null` (what `InBatchNegatives` returns): the other
   * positives of the batch are the negatives. L2-normalised inside. Default: in-batch.
   */
  negatives?: tf.Tensor2D | tf.Tensor3D | null;
  /** Softmax temperature τ (MoCo v1 / Wu et al.: 0.07; MoCo v2: 0.2). Default `0.07`. */
  temperature?: number;
}

const KEYS = ['negatives', 'temperature', 'reduction'] as const;

/**
 * InfoNCE, one direction (van den Oord, Li & Vinyals, "Representation Learning with Contrastive
 * Predictive Coding", 2018; the form of MoCo, He et al. CVPR 2020, `moco/builder.py`). Queries, positives
 * and negatives are L2-normalised inside, so the logits are cosine similarities over τ.
 *
 * - In-batch (no `negatives`): logits = q·kᵀ/τ `[N, N]`, the positive of query i is key i (the diagonal),
 *   the N−1 other keys are its negatives. For a symmetric (CLIP-style) loss average both directions.
 * - `negatives` `[M, D]`: logits = [q·k⁺, q·negativesᵀ]/τ `[N, 1+M]`, positive at index 0 (MoCo).
 * - `negatives` `[N, K, D]`: logits = [q_i·k⁺_i, q_i·neg_{i,k}]/τ `[N, 1+K]`, positive at index 0.
 *
 * The loss per query is the cross-entropy `logsumexp(logits) − logit⁺`, computed in log-space so
 * τ = 0.01 does not overflow.
 *
 * @param query queries `[N, D]` (gradients flow here).
 * @param positive keys `[N, D]`, row i the positive of query i (MoCo: pass `stopGradient(k)`).
 * @returns a scalar, or with `reduction: 'none'` the per-query losses `[N]`.
 *
 * @example
 * ```ts
 * // MoCo: InfoNCE + a queue of negatives (stopGradient from @contrastive/core)
 * const loss = infoNCE(q, stopGradient(k), { negatives: queue.negatives(q), temperature: 0.2 });
 * queue.update(stopGradient(k)); // enqueue after the loss
 * ```
 */
export function infoNCE<R extends Reduction = 'mean'>(
  query: tf.Tensor2D,
  positive: tf.Tensor2D,
  options: InfoNCEOptions<R> = {},
): LossResult<R> {
  checkOptionKeys(options, KEYS, 'infoNCE');
  const { negatives = null, temperature = 0.07 } = options;
  const reduction = checkReduction(options.reduction);
  checkEmbeddingPair(query, positive, 'query', 'positive');
  checkTemperature(temperature);
  const [n, d] = query.shape;
  if (negatives !== null) checkNegatives(negatives, n, d);
  return reducedLoss(reduction, () => {
    const q = l2Normalize(query);
    const k = l2Normalize(positive);
    if (negatives === null) {
      const logits = tf.div(tf.matMul(q, k, false, true), temperature);
      const positiveLogit = tf.div(tf.sum(tf.mul(q, k), 1), temperature);
      return tf.sub(tf.logSumExp(logits, 1), positiveLogit) as tf.Tensor1D;
    }
    const neg = l2Normalize(negatives);
    const lPos = tf.sum(tf.mul(q, k), 1, true); // [N, 1]
    const lNeg =
      neg.rank === 2
        ? tf.matMul(q, neg as tf.Tensor2D, false, true) // [N, M]
        : tf.squeeze(tf.matMul(tf.expandDims(q, 1), neg as tf.Tensor3D, false, true), [1]); // [N, K]
    const logits = tf.div(tf.concat([lPos, lNeg], 1), temperature);
    return tf.sub(tf.logSumExp(logits, 1), tf.div(tf.squeeze(lPos, [1]), temperature)) as tf.Tensor1D;
  });
}

/** Negatives must be `[M, D]` or `[N, K, D]` matching the queries' N and D. */
function checkNegatives(negatives: tf.Tensor, n: number, d: number): void {
  if (!(negatives instanceof tf.Tensor) || (negatives.rank !== 2 && negatives.rank !== 3)) {
    assertRank(negatives, 2, 'negatives', `[M, ${d}] or [${n}, K, ${d}]`);
  }
  if (negatives.rank === 2) {
    assertEmbeddings(negatives, 'negatives');
    if (negatives.shape[1] !== d) {
      throw new RangeError(
        `negatives must have shape [M, ${d}] (the queries' D = ${d}), got ${shapeStr(negatives.shape)}`,
      );
    }
    return;
  }
  const [nn, k, dd] = negatives.shape;
  if (nn !== n || dd !== d || k! < 1) {
    throw new RangeError(
      `per-query negatives must have shape [${n}, K, ${d}] with K ≥ 1 (query is [${n}, ${d}]), got ${shapeStr(negatives.shape)}`,
    );
  }
  if (negatives.dtype !== 'float32') throw new TypeError(`negatives must be float32, got ${negatives.dtype}`);
}
