import * as tf from '@tensorflow/tfjs';
import { assertNonNegative } from '../validate.js';
import { checkEmbeddingPair, checkOptionKeys, checkReduction, checkTemperature, reducedLoss } from './loss-checks.js';
import type { LossResult, ReductionOption } from './loss-checks.js';
import { log1mExp, maskedLogSumExp } from './log-sum-exp.js';
import type { Reduction } from './reduce.js';
import { twoViewNegativeMask, twoViewSimilarities } from './similarity.js';

/** Options of {@link hardNegativeLoss}. */
export interface HardNegativeLossOptions<R extends Reduction = Reduction> extends ReductionOption<R> {
  /** Temperature t (HCL code default 0.5). Default `0.5`. */
  temperature?: number;
  /** Class prior τ⁺ ∈ [0, 1): the probability that a "negative" shares the anchor's class. Default `0.1`. */
  tauPlus?: number;
  /** Hardness concentration β ≥ 0 (0 = debiased contrastive loss, DCL). Default `1`. */
  beta?: number;
}

const KEYS = ['temperature', 'tauPlus', 'beta', 'reduction'] as const;

/**
 * Hard-negative contrastive loss, HCL (Robinson, Chuang, Sra & Jegelka, "Contrastive Learning with Hard
 * Negative Samples", ICLR 2021), exactly as its official code `joshr17/HCL` (`image/main.py`,
 * `criterion`, estimator `'hard'`) over the 2N views, which are L2-normalised inside.
 *
 * For each anchor with positive similarity s⁺ and the N_neg = 2N − 2 other views (self and positive
 * excluded) with similarities s_j:
 * - importance weights `imp_j = exp(β·s_j/t)`, `reweight = Σ_j imp_j·e^{s_j/t} / mean_j(imp_j)`;
 * - debiased negative term `Ng = (reweight − τ⁺·N_neg·e^{s⁺/t}) / (1 − τ⁺)`, clamped below at
 *   `N_neg·e^{−1/t}` (its theoretical minimum);
 * - `ℓ = −log( e^{s⁺/t} / (e^{s⁺/t} + Ng) )`.
 *
 * β = 0 gives the debiased loss DCL (Chuang et al., NeurIPS 2020, `chingyaoc/DCL`); β = 0 and τ⁺ = 0 give
 * NT-Xent. Everything is computed in log-space (`log reweight = LSE((β+1)s/t) − LSE(βs/t) + log N_neg`,
 * the debiasing subtraction through `log(1 − e^x)`), so t = 0.01 does not overflow where the official
 * code's `exp(s/t)` would in float32.
 *
 * @param z1 first view's embeddings `[N, D]`, N ≥ 2 (there must be at least one negative).
 * @param z2 second view's embeddings `[N, D]`; row i is the positive of row i of `z1`.
 * @returns a scalar (mean over the 2N anchors, as the official code), or with `reduction: 'none'` the
 *   per-anchor losses `[2N]` (anchors of `z1`, then of `z2`).
 *
 * @example
 * ```ts
 * const loss = hardNegativeLoss(z1, z2, { temperature: 0.5, tauPlus: 0.1, beta: 1 });
 * const dcl = hardNegativeLoss(z1, z2, { beta: 0 });
 * ```
 */
export function hardNegativeLoss<R extends Reduction = 'mean'>(
  z1: tf.Tensor2D,
  z2: tf.Tensor2D,
  options: HardNegativeLossOptions<R> = {},
): LossResult<R> {
  checkOptionKeys(options, KEYS, 'hardNegativeLoss');
  const { temperature = 0.5, tauPlus = 0.1, beta = 1 } = options;
  const reduction = checkReduction(options.reduction);
  checkEmbeddingPair(z1, z2, 'z1', 'z2', 2);
  checkTemperature(temperature);
  if (typeof tauPlus !== 'number' || !Number.isFinite(tauPlus) || tauPlus < 0 || tauPlus >= 1) {
    throw new RangeError(`tauPlus must be in [0, 1), got ${String(tauPlus)}`);
  }
  assertNonNegative(beta, 'beta');
  return reducedLoss(reduction, () => {
    const n = z1.shape[0];
    const numNeg = 2 * n - 2;
    const { sim, positive } = twoViewSimilarities(z1, z2);
    const logits = tf.div(sim, temperature);
    const negatives = twoViewNegativeMask(n);
    const logPos = tf.div(positive, temperature);
    // log Σ imp·neg / mean(imp) with imp = e^{β s/t}, neg = e^{s/t}.
    const logReweight = tf.add(
      tf.sub(maskedLogSumExp(tf.mul(logits, beta + 1), negatives), maskedLogSumExp(tf.mul(logits, beta), negatives)),
      Math.log(numNeg),
    );
    let logNg: tf.Tensor = logReweight;
    if (tauPlus > 0) {
      // log(reweight − τ⁺·N·pos) = log reweight + log(1 − e^r), r = log(τ⁺N) + log pos − log reweight;
      // for r ≥ 0 the difference is ≤ 0, log1mExp gives MASKED_LOGIT and the clamp below takes over.
      const r = tf.add(tf.sub(logPos, logReweight), Math.log(tauPlus * numNeg));
      logNg = tf.sub(tf.add(logReweight, log1mExp(r)), Math.log(1 - tauPlus));
    }
    logNg = tf.maximum(logNg, Math.log(numNeg) - 1 / temperature);
    // −log(pos / (pos + Ng)) = softplus(log Ng − log pos)
    return tf.softplus(tf.sub(logNg, logPos)) as tf.Tensor1D;
  });
}
