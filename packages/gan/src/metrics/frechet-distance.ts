import type * as tf from '@tensorflow/tfjs';
import { type FeatureMatrix, matmul, psdSqrt, type SquareMatrix, symmetricEigen, toRows, toSquare, toVector } from './matrix.js';

/** Mean and covariance of a feature set, float64. */
export interface FeatureStats {
  /** Mean vector μ, length D. */
  mean: Float64Array;
  /** Unbiased covariance Σ (divisor N − 1), D×D row-major. */
  cov: Float64Array;
  /** Feature dimension D. */
  dim: number;
  /** Number of feature vectors N. */
  count: number;
}

/**
 * Mean and unbiased covariance (divisor N − 1, as `np.cov(x, rowvar=False)` in pytorch-fid's
 * `calculate_activation_statistics`) of `features` `[N, D]`, N ≥ 2, accumulated in float64 (two passes:
 * the mean first, then centred products).
 */
export function featureStats(features: FeatureMatrix): FeatureStats {
  const { data, n, d } = toRows(features, 'features');
  if (n < 2) throw new RangeError(`features needs at least 2 rows for an unbiased covariance, got ${n}`);
  const mean = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j] = mean[j]! + data[i * d + j]!;
  for (let j = 0; j < d; j++) mean[j] = mean[j]! / n;
  const cov = new Float64Array(d * d);
  const c = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) c[j] = data[i * d + j]! - mean[j]!;
    for (let j = 0; j < d; j++) {
      const cj = c[j]!;
      if (cj === 0) continue;
      for (let k = j; k < d; k++) cov[j * d + k] = cov[j * d + k]! + cj * c[k]!;
    }
  }
  for (let j = 0; j < d; j++) {
    for (let k = j; k < d; k++) {
      const v = cov[j * d + k]! / (n - 1);
      cov[j * d + k] = v;
      cov[k * d + j] = v;
    }
  }
  return { mean, cov, dim: d, count: n };
}

/**
 * The Fréchet (2-Wasserstein) distance between the Gaussians N(μ1, Σ1) and N(μ2, Σ2) (Dowson & Landau 1982;
 * the FID formula of Heusel et al. 2017, pytorch-fid `calculate_frechet_distance`):
 *
 *   d² = ‖μ1 − μ2‖² + Tr(Σ1) + Tr(Σ2) − 2·Tr((Σ1 Σ2)^{1/2}).
 *
 * The trace term is computed as Tr((Σ1^{1/2} Σ2 Σ1^{1/2})^{1/2}) with two symmetric eigendecompositions
 * (cyclic Jacobi, float64). Why: Σ1Σ2 is not symmetric, so pytorch-fid's `scipy.linalg.sqrtm` (a Schur
 * method) can return complex round-off and fails on singular products (it then retries with ε·I added and
 * drops imaginary parts). But Σ1Σ2 = S (S Σ2 S) S⁻¹ with S = Σ1^{1/2} (by continuity also when S is
 * singular), so (Σ1Σ2)^{1/2} has the eigenvalues √λ of the symmetric PSD matrix S Σ2 S, and the trace is
 * Σ √max(λ, 0) — real by construction, with no ε and no complex parts. Values agree with the sqrtm route to
 * round-off (tools/reference/gan_metrics.py checks both ways).
 *
 * `mu*` are vectors of length D; `sigma*` D×D (rows, or row-major numbers, or tensors). Returns a number ≥ 0
 * up to round-off (tiny negatives are clamped to 0).
 */
export function frechetDistance(
  mu1: ArrayLike<number> | tf.Tensor,
  sigma1: SquareMatrix | tf.Tensor,
  mu2: ArrayLike<number> | tf.Tensor,
  sigma2: SquareMatrix | tf.Tensor,
): number {
  const m1 = toVector(mu1, 'mu1');
  const m2 = toVector(mu2, 'mu2');
  const d = m1.length;
  if (m2.length !== d) throw new RangeError(`mu2 must have length ${d} like mu1, got ${m2.length}`);
  const s1 = toSquare(sigma1, d, 'sigma1');
  const s2 = toSquare(sigma2, d, 'sigma2');
  let diff = 0;
  for (let i = 0; i < d; i++) diff += (m1[i]! - m2[i]!) ** 2;
  let tr1 = 0;
  let tr2 = 0;
  for (let i = 0; i < d; i++) {
    tr1 += s1[i * d + i]!;
    tr2 += s2[i * d + i]!;
  }
  const root1 = psdSqrt(s1, d);
  const inner = matmul(matmul(root1, s2, d), root1, d);
  const { values } = symmetricEigen(inner, d);
  let trCovMean = 0;
  for (const v of values) trCovMean += Math.sqrt(Math.max(v, 0));
  return Math.max(0, diff + tr1 + tr2 - 2 * trCovMean);
}

/** {@link frechetDistance} between two feature sets `[N1, D]` and `[N2, D]` via {@link featureStats}. */
export function frechetDistanceOfFeatures(features1: FeatureMatrix, features2: FeatureMatrix): number {
  const a = featureStats(features1);
  const b = featureStats(features2);
  if (a.dim !== b.dim) throw new RangeError(`features2 must have ${a.dim} columns like features1, got ${b.dim}`);
  return frechetDistance(a.mean, a.cov, b.mean, b.cov);
}
