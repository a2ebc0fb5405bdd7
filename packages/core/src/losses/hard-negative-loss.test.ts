import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { useCpuLeakCheck } from '@contrastive/test-utils';
import { hardNegativeLoss } from './hard-negative-loss.js';
import { ntXent } from './nt-xent.js';
import { checkCase, loadCases } from './test-utils/fixtures.js';

useCpuLeakCheck();

describe('hardNegativeLoss matches the PyTorch reference (joshr17/HCL image/main.py criterion)', () => {
  for (const c of loadCases('hard-negative-loss.json')) {
    it(c.name, () => {
      checkCase(c, ['z1', 'z2'], (z1, z2) => hardNegativeLoss(z1 as tf.Tensor2D, z2 as tf.Tensor2D, c.options as never));
    });
  }
});

describe('hardNegativeLoss behaviour', () => {
  it('with β = 0 and τ⁺ = 0 equals NT-Xent', () => {
    const z1 = tf.randomNormal([6, 4], 0, 1, 'float32', 1) as tf.Tensor2D;
    const z2 = tf.randomNormal([6, 4], 0, 1, 'float32', 2) as tf.Tensor2D;
    const a = hardNegativeLoss(z1, z2, { beta: 0, tauPlus: 0, temperature: 0.2, reduction: 'none' });
    const b = ntXent(z1, z2, { temperature: 0.2, reduction: 'none' });
    const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))));
    expect(diff.dataSync()[0]!).toBeLessThan(1e-5);
    tf.dispose([z1, z2, a, b, diff]);
  });

  it('stays finite (values and gradients) at t = 0.01 with identical views', () => {
    const z = tf.randomNormal([5, 3], 0, 1, 'float32', 3) as tf.Tensor2D;
    const loss = hardNegativeLoss(z, z, { temperature: 0.01 });
    const g = tf.grad((x: tf.Tensor) => hardNegativeLoss(x as tf.Tensor2D, z, { temperature: 0.01 }));
    const grad = g(z);
    expect(Number.isFinite(loss.dataSync()[0]!)).toBe(true);
    expect(Array.from(grad.dataSync()).every(Number.isFinite)).toBe(true);
    tf.dispose([z, loss, grad]);
  });

  it('rejects bad input with errors naming the argument and shapes', () => {
    const one = tf.zeros([1, 3]) as tf.Tensor2D;
    const a = tf.zeros([4, 3]) as tf.Tensor2D;
    const b = tf.zeros([4, 2]) as tf.Tensor2D;
    expect(() => hardNegativeLoss(one, one)).toThrow(/z1 must have at least 2 row\(s\), got shape \[1, 3\]/);
    expect(() => hardNegativeLoss(a, b)).toThrow(/z1 and z2 must have the same shape, got \[4, 3\] and \[4, 2\]/);
    expect(() => hardNegativeLoss(a, a, { tauPlus: 1 })).toThrow(/tauPlus must be in \[0, 1\), got 1/);
    expect(() => hardNegativeLoss(a, a, { beta: -1 })).toThrow(/beta must be a finite number >= 0/);
    expect(() => hardNegativeLoss(a, a, { temperature: 0 })).toThrow(/temperature must be/);
    tf.dispose([one, a, b]);
  });
});
