import { assertInt } from '../validate.js';
import type { Schedule } from './schedules.js';

/** Options of {@link linearWarmupDecay}. */
export interface LinearWarmupDecayOptions {
  /** Peak value, reached at the end of the warm-up. */
  base: number;
  /** Linear warm-up length in steps (0 = none). */
  warmupSteps: number;
  /** Total steps, warm-up included (≥ warmupSteps, ≥ 1); the value is 0 from here on. */
  totalSteps: number;
}

/**
 * Linear warm-up from 0 to `base`, then linear decay to 0 at `totalSteps` — Hugging Face
 * `get_linear_schedule_with_warmup` (the schedule of BERT fine-tuning, SimCSE's HF `Trainer` and
 * sentence-transformers' `WarmupLinear`, which ConSERT uses with 10 % warm-up):
 *
 * `v(k) = base·k/max(1, W)` for k < W, else `base·max(0, (K − k)/max(1, K − W))`.
 *
 * Step k is the number of optimizer updates already taken, so the first update (k = 0) runs at
 * `v(0) = 0` when there is a warm-up — exactly as in PyTorch, where `scheduler.step()` follows
 * `optimizer.step()`. Pass it as {@link AdamW}'s `learningRate`.
 */
export function linearWarmupDecay(options: LinearWarmupDecayOptions): Schedule {
  const { base, warmupSteps, totalSteps } = options ?? ({} as LinearWarmupDecayOptions);
  if (typeof base !== 'number' || !Number.isFinite(base)) throw new RangeError(`base must be a finite number, got ${String(base)}`);
  assertInt(warmupSteps, 'warmupSteps', 0);
  assertInt(totalSteps, 'totalSteps', 1);
  if (warmupSteps > totalSteps) throw new RangeError(`warmupSteps (${warmupSteps}) must be <= totalSteps (${totalSteps})`);
  return (step) => {
    if (typeof step !== 'number' || !Number.isFinite(step) || step < 0) {
      throw new RangeError(`step must be a finite number >= 0, got ${String(step)}`);
    }
    if (step < warmupSteps) return (base * step) / Math.max(1, warmupSteps);
    return base * Math.max(0, (totalSteps - step) / Math.max(1, totalSteps - warmupSteps));
  };
}

/**
 * Warm-up length from a ratio of the total steps, rounded up as Hugging Face `TrainingArguments`
 * (`math.ceil(total · ratio)`) and ConSERT's `main.py` do.
 */
export function warmupStepsFromRatio(totalSteps: number, ratio: number): number {
  assertInt(totalSteps, 'totalSteps', 0);
  if (typeof ratio !== 'number' || !(ratio >= 0 && ratio <= 1))
    throw new RangeError(`warmup ratio must be in [0, 1], got ${String(ratio)}`);
  // Guard against 0.1 · 30 = 3.0000000000000004 rounding up to 4.
  return Math.ceil(Number((totalSteps * ratio).toPrecision(12)));
}
