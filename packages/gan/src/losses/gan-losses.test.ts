import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { useCpuLeakCheck } from '@contrastive/test-utils';
import { GAN_LOSSES, hingeDLoss, nonSaturatingDLoss, nonSaturatingGLoss, r1Penalty } from './gan-losses.js';
import { ganLossGoldenSuite } from './test-utils/golden-suite.js';

useCpuLeakCheck();

ganLossGoldenSuite();

describe('GAN losses: properties and validation', () => {
  it('non-saturating L_G equals −log sigmoid(d_fake); L_D is minimised by confident, correct logits', () => {
    const d = tf.tensor1d([-3, 0, 2.5]);
    const g = nonSaturatingGLoss(d);
    const want = tf.tidy(() => tf.mean(tf.neg(tf.logSigmoid(d))));
    expect(g.dataSync()[0]).toBeCloseTo(want.dataSync()[0]!, 6);
    const good = tf.tidy(() => nonSaturatingDLoss(tf.fill([4], 20), tf.fill([4], -20)));
    expect(good.dataSync()[0]).toBeLessThan(1e-6);
    tf.dispose([d, g, want, good]);
  });

  it('hinge L_D is exactly 0 once reals score ≥ 1 and fakes ≤ −1, and mean sums the two means (counts may differ)', () => {
    const zero = tf.tidy(() => hingeDLoss(tf.tensor1d([1, 3]), tf.tensor2d([[-1], [-2], [-5]])));
    expect(zero.dataSync()[0]).toBe(0);
    const l = tf.tidy(() => hingeDLoss(tf.tensor1d([0]), tf.tensor1d([0, 0, 0])));
    expect(l.dataSync()[0]).toBeCloseTo(2, 6);
    tf.dispose([zero, l]);
  });

  it('tfjs-core 4.22 limitation, characterised: R1 through tanh drops the tanh″ term (if this fails, tfjs fixed it: update r1Penalty’s doc)', () => {
    // D(x) = tanh(s·x) at x = 1, s = 0.8: ∇x = s(1 − t²), t = tanh(s); R1 (γ = 2) = ∇x².
    // Exact dR1/ds = 2∇x · (1 − t²)(1 − 2 s t); tfjs treats the saved t as a constant: 2∇x · (1 − t²).
    const s0 = tf.scalar(0.8);
    const s = tf.variable(s0);
    s0.dispose();
    const x = tf.tensor2d([[1]]);
    try {
      const { value, grads } = tf.variableGrads(() => r1Penalty((z) => tf.tanh(tf.mul(z, s)), x, { gamma: 2 }), [s]);
      const t = Math.tanh(0.8);
      const gx = 0.8 * (1 - t * t);
      expect(value.dataSync()[0]).toBeCloseTo(gx * gx, 6);
      const got = grads[s.name]!.dataSync()[0]!;
      const exact = 2 * gx * (1 - t * t) * (1 - 2 * 0.8 * t);
      const withoutSecondTerm = 2 * gx * (1 - t * t);
      expect(got).toBeCloseTo(withoutSecondTerm, 5);
      expect(Math.abs(got - exact)).toBeGreaterThan(0.1);
      tf.dispose([value, ...Object.values(grads)]);
    } finally {
      tf.dispose([s, x]);
    }
  });

  it('rejects bad shapes, dtypes and reductions, naming the argument', () => {
    const ok = tf.zeros([3]);
    const bad = tf.zeros([3, 2]);
    try {
      expect(() => nonSaturatingDLoss(bad, ok)).toThrow(/dReal must have shape \[N\] or \[N, 1\]/);
      expect(() => GAN_LOSSES.hinge.g(bad)).toThrow(/dFake/);
      expect(() => nonSaturatingGLoss(ok, { reduction: 'avg' as never })).toThrow(/reduction must be one of mean, sum, none/);
      expect(() => r1Penalty((x) => x, ok)).toThrow(/xReal must be a batch tensor of rank ≥ 2/);
      expect(() => r1Penalty((x) => x, bad, { gamma: -1 })).toThrow(/gamma/);
    } finally {
      tf.dispose([ok, bad]);
    }
  });
});
