import * as tf from '@tensorflow/tfjs';
import {
  assertEmbeddings,
  assertNonNegative,
  assertOneOf,
  assertRank,
  l2Normalize,
  REDUCTIONS,
  reduceLoss,
  shapeStr,
  type LossResult,
  type Reduction,
  type ReductionOption,
  type Temperature,
  checkOptionKeys,
  checkTemperature,
} from '@contrastive/core';

/** Options of {@link jclLoss} and {@link jclLossTerms}. */
export interface JCLLossOptions<R extends Reduction = Reduction> extends ReductionOption<R> {
  /**
   * Softmax temperature τ: a number > 0 or a float32 scalar tensor. Default `0.2` (JCL builds on MoCo v2;
   * `scripts/main_pretrain.sh` passes `--moco-t 0.2`).
   */
  temperature?: Temperature;
  /**
   * λ, the weight of the covariance term, **as used at this step**: the official code passes
   * `ratio = jcl_lambda·(epoch+1)/epochs` (the warm-up, done by the {@link JCL} method, not here). A finite
   * number ≥ 0; 0 drops the covariance term (plain MoCo InfoNCE against μ). Default `2.0`
   * (`--jcl_lambda 2.0` in `scripts/main_pretrain.sh`; the argparse default of `main_moco.py` is 0.25).
   */
  lambda?: number;
}

const KEYS = ['temperature', 'lambda', 'reduction'] as const;

/**
 * JCL, Joint Contrastive Learning (Cai, Wang, Pan, Yao, Tian & Mei, NeurIPS 2020; official code
 * `caiqi/Joint-Contrastive-Learning`, `moco/moco_unlimit_key_default.py`): the closed-form upper bound of
 * InfoNCE over infinitely many positives `k⁺ ~ N(μ, Σ)` estimated from M key views per query,
 *
 *   L̄ = −log[ exp(qᵀμ/τ) / ( exp(qᵀμ/τ + (λ/2τ²)·qᵀΣq) + Σ_j exp(qᵀn_j/τ) ) ],
 *
 * computed **as the code computes it**: the positive logit `(qᵀμ + (λ/2τ)·qᵀΣq)/τ`, the cross-entropy
 * against the negatives (positive at index 0), plus `jcl_loss = (λ/2τ²)·qᵀΣq`. The covariance term of
 * the positive logit cancels out of the numerator, so CE + jcl_loss = L̄ exactly (value and gradient).
 *
 * As in the code:
 * - q and every key are L2-normalised (here, inside); μ = mean of the M normalised keys, **not**
 *   re-normalised; Σ = (1/M)·Σ_m (k_m − μ)(k_m − μ)ᵀ, the biased per-sample covariance (M = 1 gives Σ = 0
 *   and the loss is MoCo's InfoNCE). qᵀΣq is computed as the biased variance of the M scores qᵀk_m,
 *   which is the same number without the D×D matrix.
 * - The negatives are used **as given, not normalised**: the JCL queue holds the unnormalised μ's of
 *   earlier batches (`_dequeue_and_enqueue(k_means)`), and the code multiplies q by them as they are.
 * - The reduction applies to the per-query sum CE_i + jcl_i; `'mean'` is the code's `criterion(...) +
 *   jcl_loss` (both means over the batch).
 *
 * Gradients flow into `query`, `keys` and `negatives`; the official code has none into the keys (no_grad)
 * or the queue: pass `stopGradient(keys)` and a queue copy, as the {@link JCL} method does.
 *
 * Computed in log space (`tf.logSumExp`) inside `tf.tidy`.
 *
 * @param query queries `[N, D]` (the query encoder + head output).
 * @param keys the M key views of each query `[N, M, D]`, M ≥ 1 (the momentum encoder's outputs).
 * @param negatives the queue `[K, D]`, K ≥ 1, shared by every query.
 * @returns a scalar, or with `reduction: 'none'` the per-query losses `[N]`.
 *
 * @example
 * ```ts
 * const loss = jclLoss(q, stopGradient(keys), queue.negatives(), { temperature: 0.2, lambda: 2 * (epoch + 1) / epochs });
 * queue.update(tf.mean(keys, 1)); // JCL enqueues μ, not the keys
 * ```
 */
export function jclLoss<R extends Reduction = 'mean'>(
  query: tf.Tensor2D,
  keys: tf.Tensor3D,
  negatives: tf.Tensor2D,
  options: JCLLossOptions<R> = {},
): LossResult<R> {
  const { reduction, parts } = prepare(query, keys, negatives, options, 'jclLoss');
  return tf.tidy(() => {
    const { crossEntropy, covariance } = parts();
    return reduceLoss(tf.add(crossEntropy, covariance), reduction);
  }) as LossResult<R>;
}

/**
 * The two terms of {@link jclLoss} as the official code logs them, each reduced with `reduction`:
 * `crossEntropy` (the code's `cls_loss`, CE with positive logit `(qᵀμ + (λ/2τ)·qᵀΣq)/τ`) and `covariance`
 * (the code's `jcl_loss = (λ/2τ²)·qᵀΣq`). Their sum is {@link jclLoss}. The caller disposes both.
 */
export function jclLossTerms<R extends Reduction = 'mean'>(
  query: tf.Tensor2D,
  keys: tf.Tensor3D,
  negatives: tf.Tensor2D,
  options: JCLLossOptions<R> = {},
): { crossEntropy: LossResult<R>; covariance: LossResult<R> } {
  const { reduction, parts } = prepare(query, keys, negatives, options, 'jclLossTerms');
  return tf.tidy(() => {
    const { crossEntropy, covariance } = parts();
    return { crossEntropy: reduceLoss(crossEntropy, reduction), covariance: reduceLoss(covariance, reduction) };
  }) as { crossEntropy: LossResult<R>; covariance: LossResult<R> };
}

/** Validates the boundary and returns the per-query terms' builder (to run inside `tf.tidy`). */
function prepare<R extends Reduction>(
  query: tf.Tensor2D,
  keys: tf.Tensor3D,
  negatives: tf.Tensor2D,
  options: JCLLossOptions<R>,
  fn: string,
): { reduction: R; parts: () => { crossEntropy: tf.Tensor1D; covariance: tf.Tensor1D } } {
  checkOptionKeys(options, KEYS, fn);
  const { temperature = 0.2, lambda = 2.0 } = options;
  const reduction = (options.reduction ?? 'mean') as R;
  assertOneOf(reduction, REDUCTIONS, 'reduction');
  checkTemperature(temperature);
  assertNonNegative(lambda, 'lambda');
  assertEmbeddings(query, 'query');
  const [n, d] = query.shape;
  assertRank(keys, 3, 'keys', `[${n}, M, ${d}]`);
  if (keys.shape[0] !== n || keys.shape[2] !== d || keys.shape[1] < 1) {
    throw new RangeError(`keys must have shape [${n}, M, ${d}] with M ≥ 1 (query is [${n}, ${d}]), got ${shapeStr(keys.shape)}`);
  }
  if (keys.dtype !== 'float32') throw new TypeError(`keys must be float32, got ${keys.dtype}`);
  assertEmbeddings(negatives, 'negatives');
  if (negatives.shape[1] !== d) {
    throw new RangeError(`negatives must have shape [K, ${d}] (the queries' D = ${d}), got ${shapeStr(negatives.shape)}`);
  }
  const parts = () => {
    const q = l2Normalize(query); // [N, D]
    const k = l2Normalize(keys); // [N, M, D], each key normalised (the code normalises before the mean)
    const scores = tf.squeeze(tf.matMul(k, tf.expandDims(q, 2)), [2]); // [N, M]: qᵀk_m
    const { mean: qMu, variance: qSigmaQ } = tf.moments(scores, 1); // qᵀμ and qᵀΣq (biased, 1/M)
    // λ/(2τ²)·qᵀΣq: the code's jcl_loss per query, and the extra part of its positive logit.
    const covariance = tf.div(tf.mul(qSigmaQ, lambda / 2), tf.square(temperature)) as tf.Tensor1D;
    const positive = tf.add(tf.div(qMu, temperature), covariance) as tf.Tensor1D; // (qᵀμ + (λ/2τ)qᵀΣq)/τ
    const negLogits = tf.div(tf.matMul(q, negatives, false, true), temperature); // [N, K], negatives as given
    const logits = tf.concat([tf.expandDims(positive, 1), negLogits], 1);
    const crossEntropy = tf.sub(tf.logSumExp(logits, 1), positive) as tf.Tensor1D;
    return { crossEntropy, covariance };
  };
  return { reduction, parts };
}
