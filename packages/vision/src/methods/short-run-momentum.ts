/**
 * τ_base of an EMA target for a run of `totalSteps` optimizer steps: the given τ_base, lowered to
 * `1 − horizon / totalSteps` when that is smaller (never below 0).
 *
 * Why: with BYOL's schedule τ_k = 1 − (1 − τ_base)(cos(πk/K) + 1)/2 the target keeps
 * ∏_k τ_k ≈ exp(−Σ_k (1 − τ_k)) = exp(−K(1 − τ_base)/2) of its random initialisation after K steps. The paper's
 * τ_base = 0.99 over ImageNet's ≈ 10⁵ steps leaves exp(−470) of it; over the 50 steps of a 1,300-image,
 * 10-epoch run at batch 256 it leaves exp(−0.25) = 78 %: the online network spends the whole run regressing
 * onto a nearly random target (docs/results-vision.md, "BYOL, SimSiam and InstDisc on small data"). Capping
 * τ_base at 1 − h/K leaves at most exp(−h/2) of the init (h = 10: 0.7 %). The paper's own presets move the same
 * way (τ_base 0.996 at 1,000 epochs, 0.99 at 100–300, 0.97 at 40); this makes the shift a function of the
 * steps. For K ≥ h/(1 − τ_base) (K ≥ 1,000 at h = 10, τ_base 0.99) τ_base is unchanged.
 *
 * @param momentum τ_base in [0, 1].
 * @param totalSteps K, the run's optimizer steps (≥ 1).
 * @param horizon h ≥ 0; 0 returns `momentum` unchanged.
 */
export function shortRunMomentum(momentum: number, totalSteps: number, horizon: number): number {
  if (!(momentum >= 0 && momentum <= 1)) throw new RangeError(`shortRunMomentum: momentum must be in [0, 1], got ${String(momentum)}`);
  if (!(Number.isInteger(totalSteps) && totalSteps >= 1))
    throw new RangeError(`shortRunMomentum: totalSteps must be an integer >= 1, got ${String(totalSteps)}`);
  if (!(horizon >= 0 && Number.isFinite(horizon)))
    throw new RangeError(`shortRunMomentum: horizon must be a finite number >= 0, got ${String(horizon)}`);
  return Math.min(momentum, Math.max(0, 1 - horizon / totalSteps));
}
