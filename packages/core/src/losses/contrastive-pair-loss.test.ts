import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { useCpuLeakCheck } from '@contrastive/test-utils';
import { contrastivePairLoss } from './contrastive-pair-loss.js';
import { checkCase, loadCases } from './test-utils/fixtures.js';

useCpuLeakCheck();

describe('contrastivePairLoss matches the PyTorch reference (Hadsell et al. 2006)', () => {
  for (const c of loadCases('contrastive-pair-loss.json')) {
    const similar = c.similar as number[];
    it(`${c.name} (labels as array)`, () => {
      checkCase(c, ['x1', 'x2'], (x1, x2) => contrastivePairLoss(x1 as tf.Tensor2D, x2 as tf.Tensor2D, similar, c.options as never));
    });
    it(`${c.name} (labels as int32 tensor)`, () => {
      const y = tf.tensor1d(similar, 'int32');
      checkCase(c, ['x1', 'x2'], (x1, x2) => contrastivePairLoss(x1 as tf.Tensor2D, x2 as tf.Tensor2D, y, c.options as never));
      y.dispose();
    });
  }
});

describe('contrastivePairLoss behaviour', () => {
  it('accepts booleans and gives d² for similar, (m − d)² for close dissimilar pairs', () => {
    const x1 = tf.tensor2d([
      [0, 0],
      [0, 0],
      [0, 0],
    ]);
    const x2 = tf.tensor2d([
      [0.3, 0.4],
      [0.3, 0.4],
      [3, 4],
    ]);
    const loss = contrastivePairLoss(x1, x2, [true, false, false], { margin: 2, reduction: 'none' });
    const v = loss.dataSync();
    expect(v[0]).toBeCloseTo(0.25, 6);
    expect(v[1]).toBeCloseTo(2.25, 6);
    expect(v[2]).toBe(0);
    tf.dispose([x1, x2, loss]);
  });

  it('rejects bad input with errors naming the argument and shapes', () => {
    const x = tf.zeros([3, 2]) as tf.Tensor2D;
    const y = tf.zeros([2, 2]) as tf.Tensor2D;
    const lab2 = tf.tensor1d([1, 0]);
    expect(() => contrastivePairLoss(x, y, [1, 0, 1])).toThrow(/x1 and x2 must have the same shape, got \[3, 2\] and \[2, 2\]/);
    expect(() => contrastivePairLoss(x, x, [1, 0])).toThrow(/similar must have length 3 \(one per row of x1\), got length 2/);
    expect(() => contrastivePairLoss(x, x, lab2)).toThrow(/similar must have shape \[3\].*got shape \[2\]/);
    expect(() => contrastivePairLoss(x, x, [1, 0, 2])).toThrow(/similar must hold only 0\/1/);
    expect(() => contrastivePairLoss(x, x, [1, 0, 1], { margin: -1 })).toThrow(/margin must be a finite number >= 0/);
    tf.dispose([x, y, lab2]);
  });
});
