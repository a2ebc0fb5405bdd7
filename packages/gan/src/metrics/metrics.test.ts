import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { expectClose, readFixtureCases, useCpuLeakCheck } from '@contrastive/test-utils';
import { classifierInceptionScore } from './classifier-inception-score.js';
import { featureStats, frechetDistance, frechetDistanceOfFeatures } from './frechet-distance.js';
import { kernelInceptionDistance, polynomialMmd2 } from './kernel-inception-distance.js';
import { symmetricEigen } from './matrix.js';

useCpuLeakCheck();

interface MetricCase {
  name: string;
  kind: 'fid' | 'kid' | 'is';
  inputs: Record<string, number[][]>;
  options: { splits?: number };
  value: number | number[];
  mu1?: number[];
  sigma1?: number[][];
  mu2?: number[];
  sigma2?: number[][];
}

const cases = readFixtureCases<MetricCase>(new URL('./__fixtures__', import.meta.url), 'metrics.json');
const byKind = (k: MetricCase['kind']) => cases.filter((c) => c.kind === k);

/** A seeded N×D matrix of standard normals (Box–Muller on a small LCG). */
function randn(n: number, d: number, seed: number, shift = 0): number[][] {
  let s = seed >>> 0 || 1;
  const u = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s + 1) / 4294967297;
  };
  return Array.from({ length: n }, () =>
    Array.from({ length: d }, () => Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u()) + shift),
  );
}

describe('metrics against tools/reference/gan_metrics.py', () => {
  it.each(byKind('fid').map((c) => [c.name, c] as const))('frechet distance: %s', (_, c) => {
    const s1 = featureStats(c.inputs.features1!);
    const s2 = featureStats(c.inputs.features2!);
    expectClose(s1.mean, c.mu1!, `${c.name} mu1`);
    expectClose(s1.cov, c.sigma1!, `${c.name} sigma1`);
    expectClose(s2.cov, c.sigma2!, `${c.name} sigma2`);
    expect(Math.abs(frechetDistance(c.mu1!, c.sigma1!, c.mu2!, c.sigma2!) - (c.value as number))).toBeLessThan(
      1e-8 * Math.max(1, c.value as number),
    );
    expectClose(frechetDistanceOfFeatures(c.inputs.features1!, c.inputs.features2!), c.value as number, `${c.name} value`);
  });

  it.each(byKind('kid').map((c) => [c.name, c] as const))('polynomial MMD²: %s', (_, c) => {
    expectClose(polynomialMmd2(c.inputs.features1!, c.inputs.features2!), c.value as number, `${c.name} value`);
    // One subset of the full size is a permutation of the whole set: the same estimate, std 0.
    const kid = kernelInceptionDistance(c.inputs.features1!, c.inputs.features2!, { subsets: 1, subsetSize: 10_000 });
    expectClose([kid.mean, kid.std], [c.value as number, 0], `${c.name} kid`);
  });

  it.each(byKind('is').map((c) => [c.name, c] as const))('inception score: %s', (_, c) => {
    const r = classifierInceptionScore(c.inputs.probs!, { splits: c.options.splits! });
    expectClose([r.mean, r.std], c.value as number[], `${c.name} value`);
  });
});

describe('frechetDistance', () => {
  it('accepts tensors and flat row-major matrices and gives the same value', () => {
    const a = randn(30, 5, 1);
    const b = randn(25, 5, 2, 0.3);
    const ref = frechetDistanceOfFeatures(a, b);
    const ta = tf.tensor2d(a);
    const tb = tf.tensor2d(b);
    const viaTensor = frechetDistanceOfFeatures(ta, tb);
    tf.dispose([ta, tb]);
    expect(viaTensor).toBeCloseTo(ref, 4); // float32 round trip of the inputs
    const s1 = featureStats(a);
    const s2 = featureStats(b);
    expect(frechetDistance(s1.mean, s1.cov, s2.mean, s2.cov)).toBeCloseTo(ref, 12);
  });

  it('is the closed form for diagonal covariances: ‖Δμ‖² + Σ (√a − √b)²', () => {
    const a = [1, 4, 9, 0.25];
    const b = [4, 1, 0, 2.25];
    const diag = (v: number[]) => v.map((x, i) => v.map((_, j) => (i === j ? x : 0)));
    const mu1 = [0, 1, 2, 3];
    const mu2 = [1, 1, 0, 3];
    const want = 1 + 4 + a.reduce((s, x, i) => s + (Math.sqrt(x) - Math.sqrt(b[i]!)) ** 2, 0);
    expect(frechetDistance(mu1, diag(a), mu2, diag(b))).toBeCloseTo(want, 12);
    expect(frechetDistance(mu1, diag(a), mu1, diag(a))).toBeCloseTo(0, 12);
  });

  it('names the bad argument', () => {
    expect(() =>
      frechetDistance(
        [0, 0],
        [
          [1, 0],
          [0, 1],
        ],
        [0],
        [[1]],
      ),
    ).toThrow(/mu2/);
    expect(() =>
      frechetDistance(
        [0, 0],
        [[1, 0]],
        [0, 0],
        [
          [1, 0],
          [0, 1],
        ],
      ),
    ).toThrow(/sigma1/);
    expect(() => frechetDistance([0, Number.NaN], [1, 0, 0, 1], [0, 0], [1, 0, 0, 1])).toThrow(/mu1/);
    expect(() => featureStats([[1, 2]])).toThrow(/features/);
    expect(() =>
      frechetDistanceOfFeatures(
        [[1], [2]],
        [
          [1, 2],
          [3, 4],
        ],
      ),
    ).toThrow(/features2/);
  });
});

describe('symmetricEigen', () => {
  it('reconstructs a random symmetric matrix and returns orthonormal vectors', () => {
    const d = 12;
    const r = randn(d, d, 7);
    const a = new Float64Array(d * d);
    for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) a[i * d + j] = r[i]![j]! + r[j]![i]!;
    const { values, vectors } = symmetricEigen(a, d);
    let worst = 0;
    for (let i = 0; i < d; i++) {
      for (let j = 0; j < d; j++) {
        let rec = 0;
        let dot = 0;
        for (let k = 0; k < d; k++) {
          rec += vectors[i * d + k]! * values[k]! * vectors[j * d + k]!;
          dot += vectors[k * d + i]! * vectors[k * d + j]!;
        }
        worst = Math.max(worst, Math.abs(rec - a[i * d + j]!), Math.abs(dot - (i === j ? 1 : 0)));
      }
    }
    expect(worst).toBeLessThan(1e-10);
  });
});

describe('kernelInceptionDistance', () => {
  it('is near 0 for two samples of one distribution and clearly positive for shifted ones; seeded', () => {
    const a = randn(120, 6, 11);
    const same = randn(120, 6, 12);
    const shifted = randn(120, 6, 13, 1);
    const k0 = kernelInceptionDistance(a, same, { subsets: 20, subsetSize: 50, seed: 3 });
    const k1 = kernelInceptionDistance(a, shifted, { subsets: 20, subsetSize: 50, seed: 3 });
    expect(Math.abs(k0.mean)).toBeLessThan(3 * k0.std + 0.05);
    expect(k1.mean).toBeGreaterThan(10 * Math.abs(k0.mean) + 0.5);
    expect(k1.std).toBeGreaterThan(0);
    expect(kernelInceptionDistance(a, shifted, { subsets: 20, subsetSize: 50, seed: 3 })).toEqual(k1);
    expect(kernelInceptionDistance(a, shifted, { subsets: 20, subsetSize: 50, seed: 4 }).mean).not.toBe(k1.mean);
  });

  it('caps the subset size at the smaller set and validates options', () => {
    const a = randn(10, 3, 1);
    const b = randn(6, 3, 2);
    expect(Number.isFinite(kernelInceptionDistance(a, b, { subsets: 2 }).mean)).toBe(true);
    expect(() => kernelInceptionDistance(a, b, { subsets: 0 })).toThrow(/subsets/);
    expect(() => kernelInceptionDistance(a, b, { subsetSize: 1 })).toThrow(/subsetSize/);
    expect(() => kernelInceptionDistance(a, [[1, 2]], {})).toThrow(/features2/);
    expect(() => polynomialMmd2(a, b)).toThrow(/same number of rows/);
  });
});

describe('classifierInceptionScore', () => {
  it('is the number of classes for confident, balanced predictions and 1 for a single class', () => {
    const onehot = Array.from({ length: 40 }, (_, i) => Array.from({ length: 4 }, (_, j) => (i % 4 === j ? 1 : 0)));
    const r = classifierInceptionScore(onehot, { splits: 5 });
    expect(r.mean).toBeCloseTo(4, 10);
    expect(r.std).toBeCloseTo(0, 10);
    const single = onehot.map(() => [0, 0, 1, 0]);
    expect(classifierInceptionScore(single, { splits: 5 }).mean).toBeCloseTo(1, 10);
  });

  it('validates probabilities and splits', () => {
    expect(() => classifierInceptionScore([[0.5, 0.6]], { splits: 1 })).toThrow(/sum to 1/);
    expect(() => classifierInceptionScore([[1.5, -0.5]], { splits: 1 })).toThrow(/non-negative/);
    expect(() => classifierInceptionScore([[1, 0]], {})).toThrow(/splits/);
  });
});
