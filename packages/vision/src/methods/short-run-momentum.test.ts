import { describe, expect, it } from 'vitest';
import { shortRunMomentum } from './short-run-momentum.js';

describe('shortRunMomentum', () => {
  it('caps τ_base at 1 − h/K in short runs and keeps it in long ones', () => {
    expect(shortRunMomentum(0.99, 50, 10)).toBeCloseTo(0.8, 12); // 1,300 images, batch 256, 10 epochs
    expect(shortRunMomentum(0.99, 200, 10)).toBeCloseTo(0.95, 12); // the same at batch 64
    expect(shortRunMomentum(0.99, 1000, 10)).toBeCloseTo(0.99, 12); // where the cap meets the paper's τ_base
    expect(shortRunMomentum(0.99, 93_600, 10)).toBe(0.99); // BYOL's 300 ImageNet epochs at batch 4096
    expect(shortRunMomentum(0.996, 5, 10)).toBe(0); // fewer steps than h: the target follows the online network
    expect(shortRunMomentum(0.99, 50, 0)).toBe(0.99); // h = 0: off
  });

  it('leaves at most exp(−h/2) of the random init in the target (the product of the cosine τ_k over the run)', () => {
    for (const [steps, h] of [
      [40, 10],
      [50, 10],
      [200, 10],
      [600, 6],
    ] as const) {
      const base = shortRunMomentum(0.99, steps, h);
      let keep = 1;
      for (let k = 0; k < steps; k++) keep *= 1 - ((1 - base) * (Math.cos((Math.PI * k) / steps) + 1)) / 2;
      expect(keep).toBeLessThanOrEqual(Math.exp(-h / 2) * 1.0001);
      expect(keep).toBeGreaterThan(Math.exp(-h / 2) / 20); // … and not far less: the cap is not an overshoot
    }
  });

  it('rejects values out of range, naming the argument', () => {
    expect(() => shortRunMomentum(1.5, 50, 10)).toThrow(/momentum must be in \[0, 1\], got 1.5/);
    expect(() => shortRunMomentum(0.99, 0, 10)).toThrow(/totalSteps must be an integer >= 1, got 0/);
    expect(() => shortRunMomentum(0.99, 2.5, 10)).toThrow(/totalSteps must be an integer >= 1, got 2.5/);
    expect(() => shortRunMomentum(0.99, 50, -1)).toThrow(/horizon must be a finite number >= 0, got -1/);
  });
});
