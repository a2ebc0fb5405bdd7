import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { useCpuLeakCheck } from '@contrastive/test-utils';
import { log1mExp, MASKED_LOGIT, maskedLogSumExp } from './log-sum-exp.js';

useCpuLeakCheck();

describe('maskedLogSumExp', () => {
  it('ignores masked entries (value and exactly zero gradient) and does not overflow at 1/τ = 100', () => {
    const logits = tf.tensor2d([
      [100, 90, 1000],
      [0, 1, 2],
    ]);
    const mask = tf.tensor2d(
      [
        [true, true, false],
        [true, false, true],
      ],
      undefined,
      'bool',
    );
    const out = maskedLogSumExp(logits, mask);
    const grad = tf.grad((x: tf.Tensor) => tf.sum(maskedLogSumExp(x, mask)))(logits);
    const v = out.dataSync();
    expect(v[0]!).toBeCloseTo(100 + Math.log1p(Math.exp(-10)), 4);
    expect(v[1]!).toBeCloseTo(Math.log(1 + Math.exp(2)), 5);
    const g = grad.dataSync();
    expect(g[2]).toBe(0);
    expect(g[4]).toBe(0);
    expect(g[0]! + g[1]!).toBeCloseTo(1, 6);
    tf.dispose([logits, mask, out, grad]);
  });

  it('gives a finite value for a fully masked row', () => {
    const logits = tf.tensor2d([[1, 2]]);
    const mask = tf.tensor2d([[false, false]], undefined, 'bool');
    const out = maskedLogSumExp(logits, mask);
    expect(Number.isFinite(out.dataSync()[0]!)).toBe(true);
    tf.dispose([logits, mask, out]);
  });
});

describe('log1mExp', () => {
  it('matches log(1 − eˣ) in double precision with gradient −1/expm1(−x), on both branches', () => {
    const xs = [-80, -5, -1, -Math.LN2 - 0.01, -0.5, -1e-3, -1e-6];
    const x = tf.tensor1d(xs);
    const y = log1mExp(x);
    const g = tf.grad((v: tf.Tensor) => tf.sum(log1mExp(v)))(x);
    const yv = y.dataSync();
    const gv = g.dataSync();
    xs.forEach((xi, i) => {
      const xf = Math.fround(xi);
      const want = Math.log(-Math.expm1(xf));
      const wantGrad = -1 / Math.expm1(-xf);
      expect(Math.abs(yv[i]! - want) / Math.max(1, Math.abs(want)), `value at ${xi}`).toBeLessThan(1e-5);
      expect(Math.abs(gv[i]! - wantGrad) / Math.max(1, Math.abs(wantGrad)), `grad at ${xi}`).toBeLessThan(1e-4);
    });
    tf.dispose([x, y, g]);
  });

  it('returns MASKED_LOGIT with zero gradient for x ≥ 0', () => {
    const x = tf.tensor1d([0, 2]);
    const y = log1mExp(x);
    const g = tf.grad((v: tf.Tensor) => tf.sum(log1mExp(v)))(x);
    expect(Array.from(y.dataSync())).toEqual([MASKED_LOGIT, MASKED_LOGIT]);
    expect(Array.from(g.dataSync())).toEqual([0, 0]);
    tf.dispose([x, y, g]);
  });
});
