import { assertInt } from '../validate.js';

/** A schedule maps a step (0, 1, 2, …) to a value (learning rate, momentum, temperature, …). */
export type Schedule = (step: number) => number;

function checkFinite(value: number, name: string): void {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new RangeError(`${name} must be a finite number, got ${String(value)}`);
}

function checkStep(step: number): void {
  if (typeof step !== 'number' || !Number.isFinite(step) || step < 0) {
    throw new RangeError(`step must be a finite number >= 0, got ${String(step)}`);
  }
}

/** Options of {@link cosineSchedule}. */
export interface CosineScheduleOptions {
  /** Value at step 0. */
  from: number;
  /** Value at step `totalSteps` and after. */
  to: number;
  /** Number of steps of the half cosine (≥ 1). */
  totalSteps: number;
}

/**
 * Half-cosine interpolation (Loshchilov & Hutter 2017, SGDR without restarts):
 * `v(k) = to + (from − to)·(1 + cos(π·min(k, K)/K))/2`.
 *
 * BYOL's target momentum τ_k = 1 − (1 − τ_base)(cos(πk/K) + 1)/2 (Grill et al. 2020) is
 * `cosineSchedule({ from: τ_base, to: 1, totalSteps: K })`; MoCo v2's cosine learning rate is
 * `cosineSchedule({ from: lr, to: 0, totalSteps })`.
 */
export function cosineSchedule(options: CosineScheduleOptions): Schedule {
  const { from, to, totalSteps } = options ?? ({} as CosineScheduleOptions);
  checkFinite(from, 'from');
  checkFinite(to, 'to');
  assertInt(totalSteps, 'totalSteps', 1);
  return (step) => {
    checkStep(step);
    const t = Math.min(step, totalSteps) / totalSteps;
    return to + ((from - to) * (1 + Math.cos(Math.PI * t))) / 2;
  };
}

/** Options of {@link warmupCosine}. */
export interface WarmupCosineOptions {
  /** Peak value reached at the end of the warm-up. */
  base: number;
  /** Value at `totalSteps` and after. Default `0`. */
  final?: number;
  /** Linear warm-up length in steps (0 = none). */
  warmupSteps: number;
  /** Total steps, warm-up included (≥ warmupSteps). */
  totalSteps: number;
  /** Value at step 0 of the warm-up. Default `0`. */
  warmupFrom?: number;
}

/**
 * Linear warm-up then cosine decay (Goyal et al. 2017 warm-up; SimCLR/BYOL/MoCo v3 "10 warm-up epochs
 * then cosine"): `warmupFrom + (base − warmupFrom)·k/W` for k < W, then
 * `final + (base − final)·(1 + cos(π·(k − W)/(K − W)))/2`, clamped at `final` after K.
 */
export function warmupCosine(options: WarmupCosineOptions): Schedule {
  const { base, final = 0, warmupSteps, totalSteps, warmupFrom = 0 } = options ?? ({} as WarmupCosineOptions);
  checkFinite(base, 'base');
  checkFinite(final, 'final');
  checkFinite(warmupFrom, 'warmupFrom');
  assertInt(warmupSteps, 'warmupSteps', 0);
  assertInt(totalSteps, 'totalSteps', 1);
  if (warmupSteps > totalSteps) throw new RangeError(`warmupSteps (${warmupSteps}) must be <= totalSteps (${totalSteps})`);
  const decaySteps = totalSteps - warmupSteps;
  return (step) => {
    checkStep(step);
    if (step < warmupSteps) return warmupFrom + ((base - warmupFrom) * step) / warmupSteps;
    if (decaySteps === 0) return final;
    const t = Math.min(step - warmupSteps, decaySteps) / decaySteps;
    return final + ((base - final) * (1 + Math.cos(Math.PI * t))) / 2;
  };
}
