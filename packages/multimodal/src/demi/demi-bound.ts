import * as tf from '@tensorflow/tfjs';
import { assertSameShape, checkOptionKeys, maskedLogSumExp, stopGradient } from '@contrastive/core';
import { checkScores, infoNceBound } from './info-nce-bound.js';

/** Options of {@link demiConditionalBound} and {@link demiBound}. */
export interface DemiBoundOptions {
  /**
   * Detach the importance weights w_ik from φ (no gradient from the conditional term into the unconditional
   * critic). Default `true`: the weights stand for the sampling distribution p(y | x′), and φ is fitted by its
   * own InfoNCE term; with a gradient, maximising the conditional term would also train φ to put weight on the
   * negatives ψ scores lowest — inflating the conditional term by distorting φ instead of improving ψ.
   */
  stopWeightGradient?: boolean;
}

const KEYS = ['stopWeightGradient'] as const;

/**
 * DEMI's conditional term with importance-sampled negatives (Sordoni, Dziri, Schulz, Gordon, Bachman & Tachet
 * des Combes, "Decomposed Mutual Information Estimation for Contrastive Representation Learning", ICML 2021,
 * arXiv 2106.13401).
 *
 * DEMI splits a view x into a less informed sub-view x′ and the rest x″ and uses the chain rule,
 * I(x; y) ≥ I(x′; y) + I(x″; y | x′), estimating each term with a contrastive bound, each capped at log N, so
 * the sum can exceed InfoNCE's log N ceiling. The conditional term is InfoNCE with the contrast set drawn from
 * p(y | x′) instead of p(y):
 *
 *   I(x″; y | x′) ≥ E log e^{ψ(x,y)} / ( (1/K) Σ_{k=1}^{K} e^{ψ(x,y_k)} ),   y_1 = y,  y_2..y_K ~ p(y | x′).
 *
 * p(y | x′) cannot be sampled here, so the negatives' sum is estimated from the batch's other y_k ~ p(y) by
 * self-normalised importance sampling: p(y | x′)/p(y) ∝ e^{φ*(x′,y)} for the optimal unconditional critic φ*,
 * hence weights w_ik = e^{φ(x′_i, y_k)} / Σ_{k′≠i} e^{φ(x′_i, y_k′)} over the N − 1 negatives of anchor i, and
 *
 *   I_IS = (1/N) Σ_i log [ e^{ψ_ii} / ( (1/N) ( e^{ψ_ii} + (N − 1) Σ_{k≠i} w_ik e^{ψ_ik} ) ) ].
 *
 * The form chosen, and why: the positive keeps its own term (weight 1, as y_1 = y in the bound) and the N − 1
 * negatives' sum Σ_{k=2}^{K} e^{ψ_k} over p(y | x′) samples is replaced by its self-normalised estimate
 * (N − 1)·Σ_k w_k e^{ψ_k}. This is the importance-sampling approximation the spec (§10) describes — weights
 * "w_k ∝ e^{φ(x′,y_k)} from the unconditional critic", "not a strict bound" — written out; the body of the
 * paper could not be re-read here (only its abstract is in the stored corpora), so the exact equation of the
 * paper was not compared, and this form is what the derivation above gives. Properties that follow, each
 * tested: I_IS ≤ log N (the denominator is ≥ e^{ψ_ii}/N); with a constant φ (uniform weights) it is exactly
 * {@link infoNceBound} of ψ; it is not a lower bound in general (self-normalised IS is biased, and φ ≠ φ*).
 *
 * @param psiScores `[N, N]`, ψ(x_i, y_k): the conditional critic on the full view x = (x′, x″); N ≥ 2.
 * @param phiScores `[N, N]`, φ(x′_i, y_k): the unconditional critic on the sub-view x′.
 * @returns the scalar estimate in nats.
 *
 * @example
 * ```ts
 * const phi = phiCritic.scores(xPrime, y); // [N, N]
 * const psi = psiCritic.scores(x, y);
 * const conditional = demiConditionalBound(psi, phi); // ≤ log N
 * ```
 */
export function demiConditionalBound(psiScores: tf.Tensor2D, phiScores: tf.Tensor2D, options: DemiBoundOptions = {}): tf.Scalar {
  const stop = checkDemiArgs(psiScores, phiScores, options, 'demiConditionalBound');
  const n = psiScores.shape[0];
  return tf.tidy(() => {
    const eye = tf.eye(n);
    const negative = tf.logicalNot(tf.cast(eye, 'bool')); // k ≠ i
    const phi = stop ? stopGradient(phiScores) : phiScores;
    // log w_ik = φ_ik − log Σ_{k′≠i} e^{φ_ik′}; only the off-diagonal entries are used.
    const logW = tf.sub(phi, tf.reshape(maskedLogSumExp(phi, negative, 1), [n, 1]));
    // Row terms of the denominator in log space: ψ_ii for the positive, log(N−1) + log w_ik + ψ_ik for the negatives.
    const terms = tf.where(negative, tf.add(tf.add(logW, psiScores), Math.log(n - 1)), psiScores);
    const positive = tf.sum(tf.mul(psiScores, eye), 1);
    return tf.add(tf.mean(tf.sub(positive, tf.logSumExp(terms, 1))), Math.log(n)) as tf.Scalar;
  });
}

/** The two terms of DEMI's decomposition and their sum; the caller disposes all three. */
export interface DemiTerms {
  /** I_NCE(φ): the InfoNCE bound on I(x′; y), ≤ log N. */
  unconditional: tf.Scalar;
  /** I_IS(ψ, φ): the importance-sampled conditional term for I(x″; y | x′), ≤ log N. */
  conditional: tf.Scalar;
  /** DEMI's estimate of I(x; y): unconditional + conditional, ≤ 2 log N. Maximise it (minimise its negation). */
  total: tf.Scalar;
}

/**
 * DEMI's decomposed estimate of I(x; y) for two sub-views, x = (x′, x″) (Sordoni et al., ICML 2021):
 * I(x; y) ≥ I(x′; y) + I(x″; y | x′) ≈ {@link infoNceBound}(φ) + {@link demiConditionalBound}(ψ, φ). Each term is
 * capped at log N, so the estimate reaches up to 2 log N where InfoNCE stops at log N. Train both critics by
 * maximising `total` (φ gets its gradient from its own InfoNCE term; see `stopWeightGradient`).
 *
 * @param phiScores `[N, N]` unconditional critic φ(x′_i, y_k).
 * @param psiScores `[N, N]` conditional critic ψ(x_i, y_k), x the full view.
 * @returns `{ unconditional, conditional, total }` scalars in nats.
 *
 * @example
 * ```ts
 * const half = d / 2;
 * optimizer.minimize(() => {
 *   const { unconditional, conditional, total } = demiBound(phi.scores(x.slice([0, 0], [-1, half]), y), psi.scores(x, y));
 *   tf.dispose([unconditional, conditional]);
 *   return tf.neg(total);
 * }, false, [...phi.trainableWeights, ...psi.trainableWeights]);
 * ```
 */
export function demiBound(phiScores: tf.Tensor2D, psiScores: tf.Tensor2D, options: DemiBoundOptions = {}): DemiTerms {
  checkDemiArgs(psiScores, phiScores, options, 'demiBound');
  return tf.tidy(() => {
    const unconditional = infoNceBound(phiScores);
    const conditional = demiConditionalBound(psiScores, phiScores, options);
    return { unconditional, conditional, total: tf.add(unconditional, conditional) as tf.Scalar };
  });
}

function checkDemiArgs(psiScores: unknown, phiScores: unknown, options: DemiBoundOptions, fn: string): boolean {
  checkOptionKeys(options, KEYS, fn);
  const { stopWeightGradient = true } = options;
  if (typeof stopWeightGradient !== 'boolean')
    throw new TypeError(`stopWeightGradient must be a boolean, got ${String(stopWeightGradient)}`);
  // N ≥ 2: the conditional term needs at least one negative to weight.
  checkScores(psiScores, 'psiScores', 2);
  checkScores(phiScores, 'phiScores', 2);
  assertSameShape(psiScores, phiScores, 'psiScores', 'phiScores');
  return stopWeightGradient;
}
