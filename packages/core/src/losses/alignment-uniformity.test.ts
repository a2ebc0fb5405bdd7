import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { useCpuLeakCheck } from '@contrastive/test-utils';
import { alignment } from './alignment.js';
import { uniformity } from './uniformity.js';
import { checkCase, loadCases } from './test-utils/fixtures.js';

useCpuLeakCheck();

describe('alignment matches the PyTorch reference (SsnL/align_uniform)', () => {
  for (const c of loadCases('alignment.json')) {
    it(c.name, () => {
      checkCase(c, ['x', 'y'], (x, y) => alignment(x as tf.Tensor2D, y as tf.Tensor2D, c.options as never));
    });
  }
});

describe('uniformity matches the PyTorch reference (log mean exp(−t·pdist²), i < j)', () => {
  for (const c of loadCases('uniformity.json')) {
    it(c.name, () => {
      checkCase(c, ['x'], (x) => uniformity(x as tf.Tensor2D, c.options as never));
    });
  }
});

describe('alignment and uniformity behaviour', () => {
  it('alignment is 0 with finite gradients for identical inputs', () => {
    const x = tf.randomNormal([4, 3], 0, 1, 'float32', 1) as tf.Tensor2D;
    const value = alignment(x, x);
    const g = tf.grad((v: tf.Tensor) => alignment(v as tf.Tensor2D, x));
    const grad = g(x);
    expect(value.dataSync()[0]).toBe(0);
    expect(Array.from(grad.dataSync()).every((v) => v === 0)).toBe(true);
    tf.dispose([x, value, grad]);
  });

  it('uniformity is lower for spread-out points than for clustered ones and permutation-invariant', () => {
    const spread = tf.tensor2d([
      [1, 0],
      [-1, 0],
      [0, 1],
      [0, -1],
    ]);
    const clustered = tf.tensor2d([
      [1, 0],
      [0.99, 0.141],
      [0.98, 0.199],
      [0.97, 0.243],
    ]);
    const permuted = tf.tensor2d([
      [0, 1],
      [1, 0],
      [0, -1],
      [-1, 0],
    ]);
    const a = uniformity(spread);
    const b = uniformity(clustered);
    const c = uniformity(permuted);
    expect(a.dataSync()[0]!).toBeLessThan(b.dataSync()[0]! - 1);
    expect(c.dataSync()[0]!).toBeCloseTo(a.dataSync()[0]!, 5);
    tf.dispose([spread, clustered, permuted, a, b, c]);
  });

  it('rejects bad input with errors naming the argument and shapes', () => {
    const one = tf.zeros([1, 3]) as tf.Tensor2D;
    const a = tf.zeros([4, 3]) as tf.Tensor2D;
    const b = tf.zeros([4, 2]) as tf.Tensor2D;
    expect(() => uniformity(one)).toThrow(/x must have at least 2 row\(s\), got shape \[1, 3\]/);
    expect(() => uniformity(a, { t: 0 })).toThrow(/t must be a finite number > 0, got 0/);
    expect(() => uniformity(a, { reduction: 'none' } as never)).toThrow(/unknown option 'reduction'/);
    expect(() => alignment(a, b)).toThrow(/x and y must have the same shape, got \[4, 3\] and \[4, 2\]/);
    expect(() => alignment(a, a, { alpha: 0 })).toThrow(/alpha must be a finite number > 0/);
    tf.dispose([one, a, b]);
  });
});
