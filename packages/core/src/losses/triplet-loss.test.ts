import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { useCpuLeakCheck } from '@contrastive/test-utils';
import { tripletLoss } from './triplet-loss.js';
import { checkCase, loadCases } from './test-utils/fixtures.js';

useCpuLeakCheck();

describe('tripletLoss matches the PyTorch reference', () => {
  for (const c of loadCases('triplet-loss.json')) {
    it(c.name, () => {
      checkCase(c, ['anchor', 'positive', 'negative'], (a, p, n) =>
        tripletLoss(a as tf.Tensor2D, p as tf.Tensor2D, n as tf.Tensor2D, c.options as never),
      );
    });
  }
});

describe('tripletLoss behaviour', () => {
  it('is 0 when every negative is farther than the positive by more than the margin', () => {
    const a = tf.tensor2d([
      [0, 0],
      [1, 1],
    ]);
    const p = tf.tensor2d([
      [0.1, 0],
      [1, 1.1],
    ]);
    const n = tf.tensor2d([
      [3, 0],
      [-2, 1],
    ]);
    const loss = tripletLoss(a, p, n, { margin: 1, distance: 'euclidean' });
    expect(loss.dataSync()[0]).toBe(0);
    tf.dispose([a, p, n, loss]);
  });

  it('has finite (zero) gradients when anchor equals positive under euclidean distance', () => {
    const a = tf.tensor2d([[1, 2]]);
    const n = tf.tensor2d([[1.5, 2]]);
    const g = tf.grad((x: tf.Tensor) => tripletLoss(x as tf.Tensor2D, a, n, { distance: 'euclidean' }));
    const grad = g(a);
    expect(Array.from(grad.dataSync()).every(Number.isFinite)).toBe(true);
    tf.dispose([a, n, grad]);
  });

  it('rejects bad input with errors naming the argument and shapes', () => {
    const x = tf.zeros([3, 2]) as tf.Tensor2D;
    const y = tf.zeros([3, 4]) as tf.Tensor2D;
    expect(() => tripletLoss(x, x, y)).toThrow(/anchor and negative must have the same shape, got \[3, 2\] and \[3, 4\]/);
    expect(() => tripletLoss(x, y, x)).toThrow(/anchor and positive/);
    expect(() => tripletLoss(x, x, x, { margin: -0.1 })).toThrow(/margin must be a finite number >= 0, got -0.1/);
    expect(() => tripletLoss(x, x, x, { distance: 'manhattan' as never })).toThrow(
      /distance must be one of 'squaredEuclidean', 'euclidean', 'cosine'/,
    );
    tf.dispose([x, y]);
  });
});
