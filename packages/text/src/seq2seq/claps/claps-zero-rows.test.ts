import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { clapsContrastiveLoss, cosineMatrix } from './contrastive-loss.js';

describe('CLAPS contrastive loss at all-zero pooled rows (dead ReLU projection)', () => {
  it('has finite values and gradients for every variant when a row of z is exactly zero', () => {
    const zx = tf.tensor2d([
      [0, 0, 0],
      [0.5, -0.2, 0.1],
      [0.3, 0.9, -0.4],
    ]);
    const zy = tf.tensor2d([
      [0.2, 0.1, 0],
      [0, 0, 0],
      [0.7, 0.1, 0.2],
    ]);
    const zi = tf.tensor2d([
      [0.1, 0.2, 0.3],
      [0.4, 0, 0.1],
      [0, 0, 0],
    ]);
    const zd = tf.tensor2d([
      [0, 0, 0],
      [0.2, 0.2, 0.2],
      [0.1, -0.3, 0.5],
    ]);
    for (const variant of ['claps', 'no-imposter', 'no-distant'] as const) {
      const g = tf.grads((a: tf.Tensor, b: tf.Tensor) =>
        clapsContrastiveLoss(a as tf.Tensor2D, b as tf.Tensor2D, zi, zd, { temperature: 0.1, variant }),
      )([zx, zy]);
      for (const t of g) expect(Array.from(t.dataSync()).every(Number.isFinite), variant).toBe(true);
      tf.dispose(g);
    }
    // Values are unchanged where the norm is far from the floor: cos of a row with itself is 1, of a zero row 0.
    const c = cosineMatrix(zx, zx).arraySync();
    expect(c[1]![1]).toBeCloseTo(1, 6);
    expect(c[0]![0]).toBe(0);
    tf.dispose([zx, zy, zi, zd]);
  });
});
