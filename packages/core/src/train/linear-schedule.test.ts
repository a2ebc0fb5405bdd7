import { describe, expect, it } from 'vitest';
import { useCpuLeakCheck } from '@contrastive/test-utils';
import { linearWarmupDecay, warmupStepsFromRatio } from './linear-schedule.js';

// Schedules make no tensors; the check guards against a future change that does.
useCpuLeakCheck();

describe('linearWarmupDecay (HF get_linear_schedule_with_warmup)', () => {
  it('warms up from 0, peaks at the end of the warm-up, decays linearly to 0 and stays there', () => {
    const s = linearWarmupDecay({ base: 0.1, warmupSteps: 4, totalSteps: 14 });
    expect(s(0)).toBe(0);
    expect(s(1)).toBeCloseTo(0.025, 15);
    expect(s(4)).toBeCloseTo(0.1, 15);
    expect(s(9)).toBeCloseTo(0.05, 15);
    expect(s(13)).toBeCloseTo(0.01, 15);
    expect(s(14)).toBe(0);
    expect(s(100)).toBe(0);
    // No warm-up: SimCSE's HF Trainer default (linear decay from the first step).
    const d = linearWarmupDecay({ base: 3e-5, warmupSteps: 0, totalSteps: 3 });
    [3e-5, 2e-5, 1e-5, 0].forEach((want, k) => expect(d(k)).toBeCloseTo(want, 18));
  });

  it('rounds the warm-up up from a ratio, as HF and ConSERT do', () => {
    expect(warmupStepsFromRatio(929, 0.1)).toBe(93);
    expect(warmupStepsFromRatio(30, 0.1)).toBe(3);
    expect(warmupStepsFromRatio(7, 0)).toBe(0);
    expect(() => warmupStepsFromRatio(10, 1.5)).toThrow(/ratio/);
  });

  it('validates options and steps', () => {
    expect(() => linearWarmupDecay({ base: 1, warmupSteps: 5, totalSteps: 4 })).toThrow(/warmupSteps/);
    expect(() => linearWarmupDecay({ base: 1, warmupSteps: 0, totalSteps: 0 })).toThrow(/totalSteps/);
    expect(() => linearWarmupDecay({ base: Number.NaN, warmupSteps: 0, totalSteps: 2 })).toThrow(/base/);
    expect(() => linearWarmupDecay({ base: 1, warmupSteps: 0, totalSteps: 2 })(-1)).toThrow(/step/);
  });
});
