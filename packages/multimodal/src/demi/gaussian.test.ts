import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { createRng } from '@contrastive/core';
import { useCpuLeakCheck } from '@contrastive/test-utils';
import { gaussianMutualInformation, rhoForMutualInformation, sampleCorrelatedGaussians } from './gaussian.js';

useCpuLeakCheck();

describe('correlated Gaussians', () => {
  it('I = −(d/2) ln(1 − ρ²), and rhoForMutualInformation inverts it', () => {
    expect(gaussianMutualInformation(1, 0)).toBe(-0);
    expect(gaussianMutualInformation(2, Math.sqrt(1 - Math.exp(-1)))).toBeCloseTo(1, 12);
    expect(gaussianMutualInformation(20, 0.5)).toBeCloseTo(-10 * Math.log(0.75), 12);
    for (const [d, mi] of [
      [20, 9],
      [4, 1],
      [1, 0.01],
    ] as const) {
      const rho = rhoForMutualInformation(d, mi);
      expect(gaussianMutualInformation(d, rho)).toBeCloseTo(mi, 10);
    }
  });

  it('samples have unit variances and per-dimension correlation ρ (n = 20000, 4σ bounds), independent dimensions', () => {
    const n = 20000;
    const rho = 0.8;
    const { x, y } = sampleCorrelatedGaussians(n, 3, rho, createRng(1));
    const [xs, ys] = [x.arraySync(), y.arraySync()];
    const col = (m: number[][], k: number) => m.map((r) => r[k]!);
    const corr = (a: number[], b: number[]) => {
      const ma = a.reduce((s, v) => s + v, 0) / a.length;
      const mb = b.reduce((s, v) => s + v, 0) / b.length;
      let sab = 0;
      let saa = 0;
      let sbb = 0;
      for (let i = 0; i < a.length; i++) {
        sab += (a[i]! - ma) * (b[i]! - mb);
        saa += (a[i]! - ma) ** 2;
        sbb += (b[i]! - mb) ** 2;
      }
      return [sab / Math.sqrt(saa * sbb), saa / a.length, sbb / b.length] as const;
    };
    for (let k = 0; k < 3; k++) {
      const [r, vx, vy] = corr(col(xs, k), col(ys, k));
      // sd of the sample correlation ≈ (1 − ρ²)/√n = 0.0025; of a sample variance ≈ √(2/n) = 0.01
      expect(Math.abs(r - rho)).toBeLessThan(0.01);
      expect(Math.abs(vx - 1)).toBeLessThan(0.04);
      expect(Math.abs(vy - 1)).toBeLessThan(0.04);
    }
    const [cross] = corr(col(xs, 0), col(ys, 1)); // sd ≈ 1/√n = 0.007
    expect(Math.abs(cross)).toBeLessThan(0.03);
    tf.dispose([x, y]);
  });

  it('the same seed gives the same samples; another seed others', () => {
    const a = sampleCorrelatedGaussians(5, 2, 0.3, createRng(9));
    const b = sampleCorrelatedGaussians(5, 2, 0.3, createRng(9));
    const c = sampleCorrelatedGaussians(5, 2, 0.3, createRng(10));
    expect(a.x.arraySync()).toEqual(b.x.arraySync());
    expect(a.y.arraySync()).toEqual(b.y.arraySync());
    expect(a.x.arraySync()).not.toEqual(c.x.arraySync());
    tf.dispose([a.x, a.y, b.x, b.y, c.x, c.y]);
  });

  it('rejects bad arguments, naming them', () => {
    const rng = createRng(0);
    expect(() => sampleCorrelatedGaussians(0, 2, 0.5, rng)).toThrow(/n must be an integer >= 1/);
    expect(() => sampleCorrelatedGaussians(2, 2, 1, rng)).toThrow(/rho must be in \(-1, 1\): \|rho\| = 1 has infinite mutual information/);
    expect(() => sampleCorrelatedGaussians(2, 2, 1.5, rng)).toThrow(/rho must be in \[-1, 1\], got 1.5/);
    expect(() => sampleCorrelatedGaussians(2, 2, 0.5, {} as never)).toThrow(/rng must be an Rng/);
    expect(() => rhoForMutualInformation(4, -1)).toThrow(/mutualInformation must be a finite number >= 0/);
    expect(() => gaussianMutualInformation(0, 0.5)).toThrow(/d must be an integer >= 1/);
  });
});
