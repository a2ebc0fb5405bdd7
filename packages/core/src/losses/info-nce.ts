import * as tf from '@tensorflow/tfjs';
import { assertEmbeddings, assertRank, shapeStr } from '../validate.js';
import { checkEmbeddingPair, checkOptionKeys, checkReduction, checkTemperature, reducedLoss } from './loss-checks.js';
import type { Temperature } from './loss-checks.js';
import type { LossResult, ReductionOption } from './loss-checks.js';
import type { Reduction } from './reduce.js';
import { l2Normalize } from './similarity.js';
import { parallelRows, splitsRows } from '../parallel/shard.js';

/** Options of {@link infoNCE}. */
export interface InfoNCEOptions<R extends Reduction = Reduction> extends ReductionOption<R> {
  /**
   * Explicit negatives: `[M, D]` shared by every query (a MoCo queue, a memory bank), or `[N, K, D]` per
   * query (memory-bank sampling). Omitted or `null` (what `InBatchNegatives` returns): the other
   * positives of the batch are the negatives. L2-normalised inside. Default: in-batch.
   */
  negatives?: tf.Tensor2D | tf.Tensor3D | null;
  /** Softmax temperature τ (MoCo v1 / Wu et al.: 0.07; MoCo v2: 0.2). Default `0.07`. a number, or a trainable scalar `tf.Variable` (CLIP's learnable temperature). */
  temperature?: Temperature;
  /**
   * With explicit `negatives`, also keep the other positives of the batch as negatives: logits
   * `[q·kᵀ | q·negativesᵀ]/τ` `[N, N+M]` (`[N, N+K]` per query), the positive of query i at column i. This
   * is the layout of DPR (Karpukhin et al., EMNLP 2020: in-batch + hard negatives) and of supervised SimCSE
   * (Gao, Yao & Chen, EMNLP 2021). Without `negatives` the batch is always used, and `false` is an error
   * (no negatives left). Default `false` with `negatives` (MoCo: the queue only), `true` without.
   */
  inBatchNegatives?: boolean;
  /**
   * Added to the logits of the explicit `negatives` **after** the division by τ: a number for all of them,
   * or a `[N, M]` (shared) / `[N, K]` (per-query) tensor, one offset per query and negative. An offset w
   * multiplies that negative's term in the softmax denominator by eʷ (w > 0 weighs it up). Supervised
   * SimCSE's `--hard_negative_weight` (princeton-nlp/SimCSE `simcse/models.py` `cl_forward`, `z3_weight`
   * on cell (i, N+i) only, i.e. each query's own hard negative) is
   * `{ negatives: z3, inBatchNegatives: true, negativeLogitOffset: tf.eye(N).mul(w) }`.
   * Requires `negatives`; the tensor is the caller's (not disposed, no gradient). Default `0`.
   */
  negativeLogitOffset?: number | tf.Tensor2D;
}

const KEYS = ['negatives', 'temperature', 'inBatchNegatives', 'negativeLogitOffset', 'reduction'] as const;

/**
 * InfoNCE, one direction (van den Oord, Li & Vinyals, "Representation Learning with Contrastive
 * Predictive Coding", 2018; the form of MoCo, He et al. CVPR 2020, `moco/builder.py`). Queries, positives
 * and negatives are L2-normalised inside, so the logits are cosine similarities over τ.
 *
 * - In-batch (no `negatives`): logits = q·kᵀ/τ `[N, N]`, the positive of query i is key i (the diagonal),
 *   the N−1 other keys are its negatives. For a symmetric (CLIP-style) loss average both directions.
 * - `negatives` `[M, D]`: logits = [q·k⁺, q·negativesᵀ]/τ `[N, 1+M]`, positive at index 0 (MoCo).
 * - `negatives` `[N, K, D]`: logits = [q_i·k⁺_i, q_i·neg_{i,k}]/τ `[N, 1+K]`, positive at index 0.
 * - `inBatchNegatives: true` with `negatives`: the in-batch block first, then the negatives' block,
 *   `[q·kᵀ | q·negᵀ]/τ`, positive of query i at column i (DPR, supervised SimCSE).
 * - `negativeLogitOffset` is added to the negatives' block after the division by τ.
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
 *
 * // Supervised SimCSE with its hard-negative weight w (τ = 0.05)
 * const eye = tf.eye(n).mul(w) as tf.Tensor2D;
 * const sup = infoNCE(z1, z2, { negatives: z3, inBatchNegatives: true, negativeLogitOffset: eye, temperature: 0.05 });
 * ```
 */
export function infoNCE<R extends Reduction = 'mean'>(
  query: tf.Tensor2D,
  positive: tf.Tensor2D,
  options: InfoNCEOptions<R> = {},
): LossResult<R> {
  checkOptionKeys(options, KEYS, 'infoNCE');
  const { negatives = null, temperature = 0.07, negativeLogitOffset = 0 } = options;
  const inBatch = options.inBatchNegatives ?? negatives === null;
  const reduction = checkReduction(options.reduction);
  checkEmbeddingPair(query, positive, 'query', 'positive');
  checkTemperature(temperature);
  const [n, d] = query.shape;
  if (negatives !== null) checkNegatives(negatives, n, d);
  checkInBatch(inBatch, negatives);
  checkOffset(negativeLogitOffset, negatives, n);
  return reducedLoss(reduction, () => {
    const q = l2Normalize(query);
    const k = l2Normalize(positive);
    if (splitsRows(n)) return infoNCERows(q, k, negatives, temperature, inBatch, negativeLogitOffset);
    const positiveLogit = tf.div(tf.sum(tf.mul(q, k), 1), temperature); // [N]
    // In-batch: q·kᵀ with the positive on the diagonal; otherwise the positive alone at column 0.
    const first = inBatch ? tf.div(tf.matMul(q, k, false, true), temperature) : tf.expandDims(positiveLogit, 1);
    let logits = first;
    if (negatives !== null) {
      const neg = l2Normalize(negatives);
      const lNeg =
        neg.rank === 2
          ? tf.matMul(q, neg as tf.Tensor2D, false, true) // [N, M]
          : tf.squeeze(tf.matMul(tf.expandDims(q, 1), neg as tf.Tensor3D, false, true), [1]); // [N, K]
      const scaled = tf.div(lNeg, temperature);
      logits = tf.concat([first, negativeLogitOffset === 0 ? scaled : tf.add(scaled, negativeLogitOffset)], 1);
    }
    return tf.sub(tf.logSumExp(logits, 1), positiveLogit) as tf.Tensor1D;
  });
}

/** `inBatchNegatives` is a boolean, and `false` needs explicit negatives. */
function checkInBatch(inBatch: unknown, negatives: tf.Tensor | null): void {
  if (typeof inBatch !== 'boolean') throw new TypeError(`inBatchNegatives must be a boolean, got ${String(inBatch)}`);
  if (!inBatch && negatives === null) {
    throw new RangeError('inBatchNegatives: false needs explicit negatives (without them the query has no negatives)');
  }
}

/** The offset is a finite number, or `[N, M]` / `[N, K]` matching the negatives' logits; it needs `negatives`. */
function checkOffset(offset: unknown, negatives: tf.Tensor | null, n: number): void {
  if (typeof offset === 'number') {
    if (!Number.isFinite(offset)) throw new RangeError(`negativeLogitOffset must be a finite number, got ${offset}`);
    if (offset !== 0 && negatives === null) throw new RangeError('negativeLogitOffset needs explicit negatives');
    return;
  }
  if (negatives === null) throw new RangeError('negativeLogitOffset needs explicit negatives');
  const m = negatives.rank === 2 ? negatives.shape[0]! : negatives.shape[1]!;
  const want = `[${n}, ${m}] (one per query and ${negatives.rank === 2 ? 'shared' : 'per-query'} negative)`;
  assertRank(offset, 2, 'negativeLogitOffset', want);
  if (offset.shape[0] !== n || offset.shape[1] !== m) {
    throw new RangeError(`negativeLogitOffset must have shape ${want}, got ${shapeStr(offset.shape)}`);
  }
  if (offset.dtype !== 'float32') throw new TypeError(`negativeLogitOffset must be float32, got ${offset.dtype}`);
}

/** Negatives must be `[M, D]` or `[N, K, D]` matching the queries' N and D. */
function checkNegatives(negatives: tf.Tensor, n: number, d: number): void {
  if (!(negatives instanceof tf.Tensor) || (negatives.rank !== 2 && negatives.rank !== 3)) {
    assertRank(negatives, 2, 'negatives', `[M, ${d}] or [${n}, K, ${d}]`);
  }
  if (negatives.rank === 2) {
    assertEmbeddings(negatives, 'negatives');
    if (negatives.shape[1] !== d) {
      throw new RangeError(`negatives must have shape [M, ${d}] (the queries' D = ${d}), got ${shapeStr(negatives.shape)}`);
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

/**
 * The per-query losses of {@link infoNCE} (normalised `q`, `k`) with the queries split across the
 * data-parallel workers of the current step (core's `parallelRows`): each computes its queries' logits
 * against all keys and negatives — the same values as one process, in 1/workers of the time.
 */
function infoNCERows(
  q: tf.Tensor2D,
  k: tf.Tensor2D,
  negatives: tf.Tensor2D | tf.Tensor3D | null,
  temperature: Temperature,
  inBatch: boolean,
  offset: number | tf.Tensor2D,
): tf.Tensor1D {
  const neg = negatives === null ? null : l2Normalize(negatives);
  return parallelRows(q.shape[0], (start, count) => {
    const qs = tf.slice(q, start, count);
    const positiveLogit = tf.div(tf.sum(tf.mul(qs, tf.slice(k, start, count)), 1), temperature);
    const first = inBatch ? tf.div(tf.matMul(qs, k, false, true), temperature) : tf.expandDims(positiveLogit, 1);
    let logits = first;
    if (neg !== null) {
      const lNeg =
        neg.rank === 2
          ? tf.matMul(qs, neg as tf.Tensor2D, false, true)
          : tf.squeeze(tf.matMul(tf.expandDims(qs, 1), tf.slice(neg as tf.Tensor3D, start, count), false, true), [1]);
      const scaled = tf.div(lNeg, temperature);
      logits = tf.concat(
        [first, offset === 0 ? scaled : tf.add(scaled, typeof offset === 'number' ? offset : tf.slice(offset, start, count))],
        1,
      );
    }
    return tf.sub(tf.logSumExp(logits, 1), positiveLogit) as tf.Tensor1D;
  });
}
