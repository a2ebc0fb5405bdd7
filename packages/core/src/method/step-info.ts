import { createRng } from '../random/rng.js';
import { deriveSeed } from '../train/seed.js';
import type { StepInfo } from './method.js';

/** Options of {@link stepInfo}. */
export interface StepInfoOptions {
  /** Seed of the run. Default `0`. */
  seed?: number;
  /** Epoch of the step. Default `0`. */
  epoch?: number;
  /** Optimizer steps of the whole run (for schedules). Default `undefined`. */
  totalSteps?: number;
}

/**
 * The {@link StepInfo} that {@link train} would pass to step `globalStep` of epoch `epoch` (`step` =
 * `globalStep` within it): for driving a method from a hand-written loop or a test. Its `rng` is seeded
 * exactly like the loop's (seed, epoch, step), so a hand-written loop draws what `train()` draws.
 */
export function stepInfo(globalStep: number, options: StepInfoOptions = {}): StepInfo {
  const { seed = 0, epoch = 0, totalSteps } = options;
  if (!Number.isInteger(globalStep) || globalStep < 0)
    throw new RangeError(`stepInfo: globalStep must be an integer >= 0, got ${String(globalStep)}`);
  return { epoch, step: globalStep, globalStep, totalSteps, rng: createRng(deriveSeed(seed, epoch, globalStep)) };
}
