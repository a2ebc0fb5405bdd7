import * as tf from '@tensorflow/tfjs';
import { assertInRange, assertInt, type Rng } from '@contrastive/core';

/**
 * Correlated Gaussians with a closed-form mutual information, the synthetic benchmark of contrastive MI
 * estimators (Belghazi et al. 2018, Poole et al. 2019): x ~ N(0, I_d) and
 * y = ρ·x + √(1 − ρ²)·ε, ε ~ N(0, I_d), so each pair (x_k, y_k) has correlation ρ, the d pairs are independent
 * and I(x; y) = −(d/2)·ln(1 − ρ²) nats. Splitting x into its first d/2 coordinates x′ and the rest x″ gives
 * I(x′; y) = I(x″; y | x′) = I(x; y)/2, DEMI's two terms.
 */

/** The true mutual information −(d/2)·ln(1 − ρ²) in nats of {@link sampleCorrelatedGaussians}(·, d, ρ). */
export function gaussianMutualInformation(d: number, rho: number): number {
  assertInt(d, 'd', 1);
  assertRho(rho);
  return -(d / 2) * Math.log(1 - rho * rho);
}

/** The per-dimension correlation ρ ≥ 0 that gives `mutualInformation` nats in d dimensions: √(1 − e^{−2I/d}). */
export function rhoForMutualInformation(d: number, mutualInformation: number): number {
  assertInt(d, 'd', 1);
  if (!Number.isFinite(mutualInformation) || mutualInformation < 0) {
    throw new RangeError(`mutualInformation must be a finite number >= 0 (nats), got ${String(mutualInformation)}`);
  }
  return Math.sqrt(-Math.expm1((-2 * mutualInformation) / d));
}

/**
 * Draws n pairs (x_i, y_i) of {@link gaussianMutualInformation}'s distribution from the explicit `rng` (the same
 * seed gives the same samples on every backend: the numbers are drawn in JavaScript, then uploaded).
 *
 * @returns `{ x, y }`, each `[n, d]` float32; the caller disposes them.
 *
 * @example
 * ```ts
 * const rng = createRng(0);
 * const { x, y } = sampleCorrelatedGaussians(64, 20, rhoForMutualInformation(20, 9), rng); // I(x; y) = 9 nats
 * ```
 */
export function sampleCorrelatedGaussians(n: number, d: number, rho: number, rng: Rng): { x: tf.Tensor2D; y: tf.Tensor2D } {
  assertInt(n, 'n', 1);
  assertInt(d, 'd', 1);
  assertRho(rho);
  if (rng === null || typeof rng !== 'object' || typeof rng.normal !== 'function') {
    throw new TypeError('rng must be an Rng (createRng(seed) from @contrastive/core)');
  }
  const noise = Math.sqrt(1 - rho * rho);
  const x = new Float32Array(n * d);
  const y = new Float32Array(n * d);
  for (let k = 0; k < n * d; k++) {
    const a = rng.normal();
    x[k] = a;
    y[k] = rho * a + noise * rng.normal();
  }
  return { x: tf.tensor2d(x, [n, d]), y: tf.tensor2d(y, [n, d]) };
}

function assertRho(rho: number): void {
  // |ρ| = 1 would be infinite MI.
  assertInRange(rho, -1, 1, 'rho');
  if (Math.abs(rho) === 1) throw new RangeError('rho must be in (-1, 1): |rho| = 1 has infinite mutual information');
}
