import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { cosineSchedule, warmupCosine } from './schedules.js';

describe('cosineSchedule', () => {
  it('goes from `from` to `to` along a half cosine and stays at `to`', () => {
    const s = cosineSchedule({ from: 1, to: 0, totalSteps: 100 });
    expect(s(0)).toBe(1);
    expect(s(50)).toBeCloseTo(0.5, 12);
    expect(s(25)).toBeCloseTo((1 + Math.cos(Math.PI / 4)) / 2, 12);
    expect(s(100)).toBeCloseTo(0, 12);
    expect(s(150)).toBeCloseTo(0, 12);
  });

  it("expresses BYOL's tau_k = 1 - (1 - tau_base)(cos(pi k/K) + 1)/2", () => {
    const base = 0.996;
    const K = 1000;
    const tau = cosineSchedule({ from: base, to: 1, totalSteps: K });
    for (const k of [0, 1, 250, 500, 999, 1000]) {
      expect(tau(k)).toBeCloseTo(1 - ((1 - base) * (Math.cos((Math.PI * k) / K) + 1)) / 2, 12);
    }
  });

  it('validates options and steps', () => {
    expect(() => cosineSchedule({ from: 1, to: 0, totalSteps: 0 })).toThrow(/totalSteps/);
    expect(() => cosineSchedule({ from: Number.NaN, to: 0, totalSteps: 5 })).toThrow(/from/);
    expect(() => cosineSchedule({ from: 1, to: 0, totalSteps: 5 })(-1)).toThrow(/step/);
  });
});

describe('warmupCosine', () => {
  it('warms up linearly then decays along a cosine to `final`', () => {
    const s = warmupCosine({ base: 0.4, final: 0.04, warmupSteps: 10, totalSteps: 110 });
    expect(s(0)).toBe(0);
    expect(s(5)).toBeCloseTo(0.2, 12);
    expect(s(10)).toBeCloseTo(0.4, 12);
    expect(s(60)).toBeCloseTo(0.04 + 0.36 * 0.5, 12);
    expect(s(110)).toBeCloseTo(0.04, 12);
    expect(s(1000)).toBeCloseTo(0.04, 12);
    const fromOne = warmupCosine({ base: 1, warmupSteps: 4, totalSteps: 8, warmupFrom: 0.2 });
    expect(fromOne(2)).toBeCloseTo(0.6, 12);
    expect(fromOne(8)).toBeCloseTo(0, 12); // final defaults to 0
  });

  it('without warm-up equals cosineSchedule', () => {
    const a = warmupCosine({ base: 2, final: 1, warmupSteps: 0, totalSteps: 30 });
    const b = cosineSchedule({ from: 2, to: 1, totalSteps: 30 });
    for (let k = 0; k <= 35; k += 5) expect(a(k)).toBeCloseTo(b(k), 12);
  });

  it('validates warmupSteps <= totalSteps', () => {
    expect(() => warmupCosine({ base: 1, warmupSteps: 11, totalSteps: 10 })).toThrow(/warmupSteps \(11\) must be <= totalSteps \(10\)/);
    expect(() => warmupCosine({ base: 1, warmupSteps: -1, totalSteps: 10 })).toThrow(/warmupSteps/);
  });

  it('allocates no tensors', () => {
    const n = tf.memory().numTensors;
    warmupCosine({ base: 1, warmupSteps: 1, totalSteps: 3 })(2);
    expect(tf.memory().numTensors).toBe(n);
  });
});
