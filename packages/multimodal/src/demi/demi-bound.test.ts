import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { expectClose, type FixtureCase, readFixtureCases, toTensor, useCpuLeakCheck } from '@contrastive/test-utils';
import { demiBound, demiConditionalBound } from './demi-bound.js';
import { infoNceBound } from './info-nce-bound.js';

useCpuLeakCheck();

const FIXTURES = new URL('./__fixtures__', import.meta.url);

interface BoundCase extends FixtureCase {
  fn: 'infoNceBound' | 'demiConditionalBound' | 'demiBound';
  terms?: { unconditional: number; conditional: number };
}

const num = (t: tf.Tensor): number => {
  const v = t.dataSync()[0]!;
  t.dispose();
  return v;
};

describe('DEMI estimators vs PyTorch (probability-space formulas; tools/reference/multimodal_demi.py)', () => {
  const cases = readFixtureCases<BoundCase>(FIXTURES, 'demi-bounds.json');
  it('has the cases the script writes', () => {
    expect(cases.filter((c) => c.fn === 'infoNceBound').length).toBe(6);
    expect(cases.filter((c) => c.fn === 'demiConditionalBound').length).toBe(8);
    expect(cases.filter((c) => c.fn === 'demiBound').length).toBe(8);
  });
  for (const c of cases) {
    it(`${c.name}: value and gradients`, () => {
      const names = c.fn === 'infoNceBound' ? ['scores'] : ['psiScores', 'phiScores'];
      const opts = c.fn === 'infoNceBound' ? {} : { stopWeightGradient: c.options.stopWeightGradient as boolean };
      const f = (...xs: tf.Tensor[]): tf.Scalar => {
        if (c.fn === 'infoNceBound') return infoNceBound(xs[0] as tf.Tensor2D);
        if (c.fn === 'demiConditionalBound') return demiConditionalBound(xs[0] as tf.Tensor2D, xs[1] as tf.Tensor2D, opts);
        const { unconditional, conditional, total } = demiBound(xs[1] as tf.Tensor2D, xs[0] as tf.Tensor2D, opts);
        tf.dispose([unconditional, conditional]);
        return total;
      };
      const xs = names.map((n) => toTensor(c.inputs[n]!));
      try {
        expectClose(num(f(...xs)), c.value as number, `${c.name} value`);
        const grads = tf.grads((...ys: tf.Tensor[]) => f(...ys))(xs);
        grads.forEach((g, i) => expectClose(g.dataSync(), c.grads[names[i]!]!, `${c.name} d/d${names[i]}`));
        tf.dispose(grads);
        if (c.terms) {
          const t = demiBound(xs[1] as tf.Tensor2D, xs[0] as tf.Tensor2D, opts);
          expectClose(num(t.unconditional), c.terms.unconditional, `${c.name} unconditional`);
          expectClose(num(t.conditional), c.terms.conditional, `${c.name} conditional`);
          t.total.dispose();
        }
      } finally {
        tf.dispose(xs);
      }
    });
  }
  it('the fixtures exercise the gradient into φ: zero with stopWeightGradient, non-zero without', () => {
    const cond = cases.filter((c) => c.fn === 'demiConditionalBound' && c.name.includes('N=8'));
    const maxAbs = (x: unknown): number => Math.max(...(x as number[][]).flat().map(Math.abs));
    expect(maxAbs(cond.find((c) => c.options.stopWeightGradient === true)!.grads.phiScores)).toBe(0);
    expect(maxAbs(cond.find((c) => c.options.stopWeightGradient === false)!.grads.phiScores)).toBeGreaterThan(1e-3);
  });
});

describe('DEMI estimators: properties', () => {
  const random = (n: number, scale: number, seed: number) =>
    tf.tidy(() => tf.mul(tf.randomNormal([n, n], 0, 1, 'float32', seed), scale)) as tf.Tensor2D;

  it('both bounds stay ≤ log N, even for a critic that scores the positive far above every negative', () => {
    for (const [n, seed] of [
      [2, 1],
      [5, 2],
      [64, 3],
    ] as const) {
      const psi = tf.tidy(() => tf.add(random(n, 3, seed), tf.mul(tf.eye(n), 40))) as tf.Tensor2D;
      const phi = random(n, 3, seed + 10);
      const nce = num(infoNceBound(psi));
      const cond = num(demiConditionalBound(psi, phi));
      expect(nce).toBeLessThanOrEqual(Math.log(n) + 1e-5);
      expect(cond).toBeLessThanOrEqual(Math.log(n) + 1e-5);
      // and they approach it: the positive dominates by e^{40}
      expect(nce).toBeGreaterThan(Math.log(n) - 1e-3);
      expect(cond).toBeGreaterThan(Math.log(n) - 1e-3);
      tf.dispose([psi, phi]);
    }
  });

  it('with a constant φ (uniform weights) the conditional term is exactly infoNceBound(ψ); a non-constant φ changes it', () => {
    const psi = random(6, 2, 4);
    const flat = tf.fill([6, 6], 0.7) as tf.Tensor2D;
    const phi = random(6, 2, 5);
    const want = num(infoNceBound(psi));
    expect(num(demiConditionalBound(psi, flat))).toBeCloseTo(want, 5);
    expect(Math.abs(num(demiConditionalBound(psi, phi)) - want)).toBeGreaterThan(1e-3);
    tf.dispose([psi, flat, phi]);
  });

  it('N = 2: one negative, weight 1, whatever φ says; the estimate is infoNceBound(ψ)', () => {
    const psi = random(2, 2, 6);
    const phi = random(2, 5, 7);
    expect(num(demiConditionalBound(psi, phi))).toBeCloseTo(num(infoNceBound(psi)), 5);
    tf.dispose([psi, phi]);
  });

  it('weights follow φ: up-weighting the negative ψ scores highest lowers the estimate, up-weighting the lowest raises it', () => {
    // Anchor rows share one structure: ψ_i,k for k ≠ i; moving φ mass onto the best-scoring negative makes the
    // estimated conditional negatives harder.
    const psi = tf.tensor2d([
      [3, 2, -1, 0],
      [2, 3, -1, 0],
      [2, -1, 3, 0],
      [2, -1, 0, 3],
    ]) as tf.Tensor2D;
    const towardHard = tf.tensor2d([
      [0, 4, 0, 0],
      [4, 0, 0, 0],
      [4, 0, 0, 0],
      [4, 0, 0, 0],
    ]) as tf.Tensor2D;
    const towardEasy = tf.tensor2d([
      [0, 0, 4, 0],
      [0, 0, 4, 0],
      [0, 4, 0, 0],
      [0, 4, 0, 0],
    ]) as tf.Tensor2D;
    const uniform = num(infoNceBound(psi));
    expect(num(demiConditionalBound(psi, towardHard))).toBeLessThan(uniform - 0.05);
    expect(num(demiConditionalBound(psi, towardEasy))).toBeGreaterThan(uniform + 0.05);
    tf.dispose([psi, towardHard, towardEasy]);
  });

  it('infoNceBound is log N + mean log-softmax of the diagonal (a hand value) and is 0 for N = 1', () => {
    const s = tf.tensor2d([
      [1, 0],
      [0.5, 2],
    ]) as tf.Tensor2D;
    const want = Math.log(2) + (1 - Math.log(Math.E + 1) + (2 - Math.log(Math.exp(0.5) + Math.exp(2)))) / 2;
    expect(num(infoNceBound(s))).toBeCloseTo(want, 6);
    const one = tf.tensor2d([[3.5]]) as tf.Tensor2D;
    expect(num(infoNceBound(one))).toBeCloseTo(0, 6);
    tf.dispose([s, one]);
  });

  it('demiBound returns the two terms and their sum, freeing every intermediate', () => {
    const psi = random(5, 1, 8);
    const phi = random(5, 1, 9);
    const before = tf.memory().numTensors;
    const t = demiBound(phi, psi);
    expect(tf.memory().numTensors).toBe(before + 3);
    const [u, c, s] = [t.unconditional.dataSync()[0]!, t.conditional.dataSync()[0]!, t.total.dataSync()[0]!];
    expect(s).toBeCloseTo(u + c, 5);
    expect(u).toBeCloseTo(num(infoNceBound(phi)), 6);
    tf.dispose([t.unconditional, t.conditional, t.total, psi, phi]);
  });

  it('rejects bad input with errors naming the argument', () => {
    const a = tf.zeros([3, 3]) as tf.Tensor2D;
    const rect = tf.zeros([3, 4]) as tf.Tensor2D;
    const b = tf.zeros([4, 4]) as tf.Tensor2D;
    const one = tf.zeros([1, 1]) as tf.Tensor2D;
    const ints = tf.zeros([3, 3], 'int32') as tf.Tensor2D;
    const vec = tf.zeros([3]) as unknown as tf.Tensor2D;
    expect(() => infoNceBound(rect)).toThrow(/scores must be square \[N, N\].*got \[3, 4\]/);
    expect(() => infoNceBound(vec)).toThrow(/scores must have rank 2/);
    expect(() => infoNceBound(ints)).toThrow(/scores must be float32, got int32/);
    expect(() => demiConditionalBound(one, one)).toThrow(/psiScores must have N ≥ 2, got \[1, 1\]/);
    expect(() => demiConditionalBound(a, b)).toThrow(/psiScores and phiScores must have the same shape, got \[3, 3\] and \[4, 4\]/);
    expect(() => demiBound(rect, a)).toThrow(/phiScores must be square/);
    expect(() => demiConditionalBound(a, a, { stopWeightGradient: 'no' as unknown as boolean })).toThrow(
      /stopWeightGradient must be a boolean/,
    );
    expect(() => demiBound(a, a, { detach: true } as never)).toThrow(
      /demiBound: unknown option 'detach'; valid options are 'stopWeightGradient'/,
    );
    tf.dispose([a, rect, b, one, ints, vec]);
  });
});
