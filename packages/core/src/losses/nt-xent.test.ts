import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { useCpuLeakCheck } from '@contrastive/test-utils';
import { ntXent } from './nt-xent.js';
import { checkCase, loadCases } from './test-utils/fixtures.js';

useCpuLeakCheck();

describe('ntXent matches the PyTorch reference (google-research/simclr objective.py)', () => {
  for (const c of loadCases('nt-xent.json')) {
    it(c.name, () => {
      checkCase(c, ['z1', 'z2'], (z1, z2) => ntXent(z1 as tf.Tensor2D, z2 as tf.Tensor2D, c.options as never));
    });
  }
});

describe('ntXent behaviour', () => {
  it('is lower for aligned distinct views than for random views', () => {
    const base = tf.randomNormal([16, 8], 0, 1, 'float32', 1) as tf.Tensor2D;
    const other = tf.randomNormal([16, 8], 0, 1, 'float32', 2) as tf.Tensor2D;
    const aligned = ntXent(base, base, { temperature: 0.1 });
    const random = ntXent(base, other, { temperature: 0.1 });
    expect(aligned.dataSync()[0]!).toBeLessThan(random.dataSync()[0]! - 1);
    tf.dispose([base, other, aligned, random]);
  });

  it('is invariant to permuting the batch (same permutation for both views)', () => {
    const z1 = tf.randomNormal([6, 5], 0, 1, 'float32', 3) as tf.Tensor2D;
    const z2 = tf.randomNormal([6, 5], 0, 1, 'float32', 4) as tf.Tensor2D;
    const perm = tf.tensor1d([3, 0, 5, 1, 4, 2], 'int32');
    const p1 = tf.gather(z1, perm);
    const p2 = tf.gather(z2, perm);
    const a = ntXent(z1, z2);
    const b = ntXent(p1, p2);
    expect(Math.abs(a.dataSync()[0]! - b.dataSync()[0]!)).toBeLessThan(1e-5);
    tf.dispose([z1, z2, perm, p1, p2, a, b]);
  });

  it('is symmetric in its two views and scale-invariant (cosine similarity)', () => {
    const z1 = tf.randomNormal([5, 4], 0, 1, 'float32', 5) as tf.Tensor2D;
    const z2 = tf.randomNormal([5, 4], 0, 1, 'float32', 6) as tf.Tensor2D;
    const scaled = tf.mul(z1, 7) as tf.Tensor2D;
    const a = ntXent(z1, z2);
    const b = ntXent(z2, scaled);
    expect(Math.abs(a.dataSync()[0]! - b.dataSync()[0]!)).toBeLessThan(1e-5);
    tf.dispose([z1, z2, scaled, a, b]);
  });

  it('stays finite at τ = 0.01 with identical views', () => {
    const z = tf.randomNormal([8, 4], 0, 1, 'float32', 7) as tf.Tensor2D;
    const loss = ntXent(z, z, { temperature: 0.01 });
    expect(Number.isFinite(loss.dataSync()[0]!)).toBe(true);
    tf.dispose([z, loss]);
  });

  it('returns [2N] for reduction none, a scalar otherwise', () => {
    const z = tf.randomNormal([3, 4], 0, 1, 'float32', 8) as tf.Tensor2D;
    // The return type follows the reduction (checked by tsc): Tensor1D for 'none', Scalar otherwise.
    const none: tf.Tensor1D = ntXent(z, z, { reduction: 'none' });
    const sum: tf.Scalar = ntXent(z, z, { reduction: 'sum' });
    expect(none.shape).toEqual([6]);
    expect(sum.shape).toEqual([]);
    tf.dispose([z, none, sum]);
  });

  it('rejects bad input with errors naming the argument and shapes', () => {
    const a = tf.zeros([4, 3]) as tf.Tensor2D;
    const b = tf.zeros([5, 3]) as tf.Tensor2D;
    const r3 = tf.zeros([4, 3, 1]) as unknown as tf.Tensor2D;
    expect(() => ntXent(a, b)).toThrow(/z1 and z2 must have the same shape, got \[4, 3\] and \[5, 3\]/);
    expect(() => ntXent(r3, a)).toThrow(/z1 must have rank 2.*\[4, 3, 1\]/);
    expect(() => ntXent(a, a, { temperature: 0 })).toThrow(/temperature must be a finite number > 0, got 0/);
    expect(() => ntXent(a, a, { temperature: -1 })).toThrow(/temperature/);
    expect(() => ntXent(a, a, { reduction: 'avg' as never })).toThrow(/reduction must be one of 'mean', 'sum', 'none'/);
    expect(() => ntXent(a, a, { temprature: 0.1 } as never)).toThrow(/unknown option 'temprature'/);
    tf.dispose([a, b, r3]);
  });
});
