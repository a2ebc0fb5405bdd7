import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { useCpuLeakCheck } from '@contrastive/test-utils';
import { ntXent } from './nt-xent.js';
import { supConLoss } from './sup-con-loss.js';
import { checkCase, loadCases } from './test-utils/fixtures.js';

useCpuLeakCheck();

describe('supConLoss matches the PyTorch reference (HobbitLong/SupContrast losses.py, L_out)', () => {
  for (const c of loadCases('sup-con-loss.json')) {
    const labels = c.labels as number[];
    it(c.name, () => {
      checkCase(c, ['features'], (f) => supConLoss(f as tf.Tensor2D, labels, c.options as never));
    });
  }
});

describe('supConLoss behaviour', () => {
  it('with labels = sample ids and two views equals NT-Xent', () => {
    const z1 = tf.randomNormal([5, 4], 0, 1, 'float32', 1) as tf.Tensor2D;
    const z2 = tf.randomNormal([5, 4], 0, 1, 'float32', 2) as tf.Tensor2D;
    const stacked = tf.stack([z1, z2], 1) as tf.Tensor3D;
    const ids = tf.tensor1d([0, 1, 2, 3, 4], 'int32');
    const a = supConLoss(stacked, ids, { temperature: 0.3, reduction: 'none' });
    const b = ntXent(z1, z2, { temperature: 0.3, reduction: 'none' });
    const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))));
    expect(diff.dataSync()[0]!).toBeLessThan(1e-5);
    tf.dispose([z1, z2, stacked, ids, a, b, diff]);
  });

  it('is invariant to permuting samples together with their labels', () => {
    const f = tf.randomNormal([6, 3], 0, 1, 'float32', 3) as tf.Tensor2D;
    const labels = [0, 1, 0, 2, 1, 0];
    const perm = [5, 2, 0, 4, 1, 3];
    const idx = tf.tensor1d(perm, 'int32');
    const fp = tf.gather(f, idx);
    const a = supConLoss(f, labels);
    const b = supConLoss(
      fp,
      perm.map((i) => labels[i]!),
    );
    expect(Math.abs(a.dataSync()[0]! - b.dataSync()[0]!)).toBeLessThan(1e-5);
    tf.dispose([f, idx, fp, a, b]);
  });

  it('stays finite at τ = 0.01 with identical features', () => {
    const f = tf.ones([4, 3]) as tf.Tensor2D;
    const loss = supConLoss(f, [0, 0, 1, 1], { temperature: 0.01 });
    expect(loss.dataSync()[0]!).toBeCloseTo(Math.log(3), 4);
    tf.dispose([f, loss]);
  });

  it('rejects bad input with errors naming the argument and shapes', () => {
    const f = tf.zeros([4, 3]) as tf.Tensor2D;
    const f1 = tf.zeros([4]) as unknown as tf.Tensor2D;
    const lab = tf.tensor1d([0, 1, 0], 'int32');
    expect(() => supConLoss(f, [0, 1, 0])).toThrow(/labels must have length 4 \(one per row of features\), got length 3/);
    expect(() => supConLoss(f, lab)).toThrow(/labels must have shape \[4\].*got shape \[3\]/);
    expect(() => supConLoss(f1, [0, 1, 0, 1])).toThrow(/features must have rank 2 \(shape \[N, D\] or \[N, V, D\]\), got shape \[4\]/);
    expect(() => supConLoss(f, [0, 1, 0, 1], { temperature: -0.1 })).toThrow(/temperature must be a finite number > 0/);
    tf.dispose([f, f1, lab]);
  });
});
