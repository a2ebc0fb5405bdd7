import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { useCpuLeakCheck } from '@contrastive/test-utils';
import { infoNCE } from './info-nce.js';
import { ntXent } from './nt-xent.js';
import { checkCase, loadCases } from './test-utils/fixtures.js';

useCpuLeakCheck();

describe('infoNCE matches the PyTorch reference (CE over q·kᵀ/τ; moco/builder.py)', () => {
  for (const c of loadCases('info-nce.json')) {
    const names = 'negatives' in c.inputs ? ['query', 'positive', 'negatives'] : ['query', 'positive'];
    it(c.name, () => {
      checkCase(c, names, (q, k, neg) =>
        infoNCE(q as tf.Tensor2D, k as tf.Tensor2D, {
          ...(c.options as object),
          ...(neg ? { negatives: neg as tf.Tensor2D } : {}),
        }),
      );
    });
  }
});

describe('infoNCE with inBatchNegatives / negativeLogitOffset matches PyTorch (SimCSE cl_forward, DPR)', () => {
  for (const c of loadCases('info-nce-hard-negatives.json')) {
    it(c.name, () => {
      const offset = c.negativeLogitOffset as number[][] | undefined;
      const off = offset ? tf.tensor2d(offset) : undefined;
      try {
        checkCase(c, ['query', 'positive', 'negatives'], (q, k, neg) =>
          infoNCE(q as tf.Tensor2D, k as tf.Tensor2D, {
            ...(c.options as object),
            negatives: neg as tf.Tensor2D | tf.Tensor3D,
            ...(off ? { negativeLogitOffset: off } : {}),
          }),
        );
      } finally {
        off?.dispose();
      }
    });
  }
});

describe('infoNCE behaviour', () => {
  it('in-batch + shared negatives equals per-query [N, N−1+M, D] negatives (the other positives + the shared ones)', () => {
    const n = 4;
    const q = tf.randomNormal([n, 5], 0, 1, 'float32', 13) as tf.Tensor2D;
    const k = tf.randomNormal([n, 5], 0, 1, 'float32', 14) as tf.Tensor2D;
    const neg = tf.randomNormal([3, 5], 0, 1, 'float32', 15) as tf.Tensor2D;
    const perQuery = tf.tidy(
      () => tf.stack(Array.from({ length: n }, (_, i) => tf.concat([k.slice(0, i), k.slice(i + 1), neg]))) as tf.Tensor3D,
    );
    const a = infoNCE(q, k, { negatives: neg, inBatchNegatives: true, temperature: 0.1, reduction: 'none' });
    const b = infoNCE(q, k, { negatives: perQuery, temperature: 0.1, reduction: 'none' });
    const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))));
    expect(diff.dataSync()[0]!).toBeLessThan(1e-5);
    tf.dispose([q, k, neg, perQuery, a, b, diff]);
  });

  it('a large negative offset removes the explicit negatives; an offset of 0 changes nothing', () => {
    const q = tf.randomNormal([3, 4], 0, 1, 'float32', 16) as tf.Tensor2D;
    const k = tf.randomNormal([3, 4], 0, 1, 'float32', 17) as tf.Tensor2D;
    const neg = tf.randomNormal([5, 4], 0, 1, 'float32', 18) as tf.Tensor2D;
    const zeros = tf.zeros([3, 5]) as tf.Tensor2D;
    const inBatch = infoNCE(q, k, { temperature: 0.2 });
    const removed = infoNCE(q, k, { negatives: neg, inBatchNegatives: true, negativeLogitOffset: -1e4, temperature: 0.2 });
    const plain = infoNCE(q, k, { negatives: neg, temperature: 0.2 });
    const zero = infoNCE(q, k, { negatives: neg, negativeLogitOffset: zeros, temperature: 0.2 });
    const up = infoNCE(q, k, { negatives: neg, negativeLogitOffset: 1, temperature: 0.2 });
    expect(removed.dataSync()[0]!).toBeCloseTo(inBatch.dataSync()[0]!, 5);
    expect(zero.dataSync()[0]!).toBeCloseTo(plain.dataSync()[0]!, 6);
    expect(up.dataSync()[0]!).toBeGreaterThan(plain.dataSync()[0]!); // weighing negatives up raises the loss
    tf.dispose([q, k, neg, zeros, inBatch, removed, plain, zero, up]);
  });

  it('rejects bad inBatchNegatives / negativeLogitOffset with errors naming them', () => {
    const q = tf.zeros([2, 3]) as tf.Tensor2D;
    const neg = tf.zeros([4, 3]) as tf.Tensor2D;
    const neg3 = tf.zeros([2, 5, 3]) as tf.Tensor3D;
    const off24 = tf.zeros([2, 4]) as tf.Tensor2D;
    const off25 = tf.zeros([2, 5]) as tf.Tensor2D;
    expect(() => infoNCE(q, q, { inBatchNegatives: false })).toThrow(/inBatchNegatives: false needs explicit negatives/);
    expect(() => infoNCE(q, q, { negativeLogitOffset: 1 })).toThrow(/negativeLogitOffset needs explicit negatives/);
    expect(() => infoNCE(q, q, { negativeLogitOffset: off24 })).toThrow(/negativeLogitOffset needs explicit negatives/);
    expect(() => infoNCE(q, q, { negatives: neg, negativeLogitOffset: Number.NaN })).toThrow(/negativeLogitOffset must be a finite number/);
    expect(() => infoNCE(q, q, { negatives: neg, negativeLogitOffset: off25 })).toThrow(
      /negativeLogitOffset must have shape \[2, 4\].*got \[2, 5\]/,
    );
    expect(() => infoNCE(q, q, { negatives: neg3, negativeLogitOffset: off24 })).toThrow(
      /negativeLogitOffset must have shape \[2, 5\] \(one per query and per-query negative\), got \[2, 4\]/,
    );
    expect(() => infoNCE(q, q, { negatives: neg, inBatchNegatives: 'yes' as unknown as boolean })).toThrow(
      /inBatchNegatives must be a boolean/,
    );
    expect(() => infoNCE(q, q, { negatives: neg, negativeLogitOffset: off24 }).dispose()).not.toThrow();
    tf.dispose([q, neg, neg3, off24, off25]);
  });

  it('null negatives means in-batch', () => {
    const q = tf.randomNormal([5, 4], 0, 1, 'float32', 1) as tf.Tensor2D;
    const k = tf.randomNormal([5, 4], 0, 1, 'float32', 2) as tf.Tensor2D;
    const a = infoNCE(q, k);
    const b = infoNCE(q, k, { negatives: null });
    expect(b.dataSync()[0]).toBe(a.dataSync()[0]);
    tf.dispose([q, k, a, b]);
  });

  it('shared [M, D] negatives equal per-query [N, M, D] copies of them', () => {
    const q = tf.randomNormal([3, 4], 0, 1, 'float32', 3) as tf.Tensor2D;
    const k = tf.randomNormal([3, 4], 0, 1, 'float32', 4) as tf.Tensor2D;
    const neg = tf.randomNormal([6, 4], 0, 1, 'float32', 5) as tf.Tensor2D;
    const tiled = tf.tidy(() => tf.tile(tf.expandDims(neg, 0), [3, 1, 1]) as tf.Tensor3D);
    const a = infoNCE(q, k, { negatives: neg, reduction: 'none' });
    const b = infoNCE(q, k, { negatives: tiled, reduction: 'none' });
    const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))));
    expect(diff.dataSync()[0]!).toBeLessThan(1e-5);
    tf.dispose([q, k, neg, tiled, a, b, diff]);
  });

  it('is 0 for a single pair without negatives (N = 1), like NT-Xent', () => {
    // With N = 1 both losses are a log-softmax over the positive alone.
    const q = tf.randomNormal([1, 4], 0, 1, 'float32', 6) as tf.Tensor2D;
    const k = tf.randomNormal([1, 4], 0, 1, 'float32', 7) as tf.Tensor2D;
    const a = infoNCE(q, k);
    const b = ntXent(q, k);
    expect(a.dataSync()[0]!).toBeCloseTo(0, 6);
    expect(b.dataSync()[0]!).toBeCloseTo(0, 6);
    tf.dispose([q, k, a, b]);
  });

  it('stays finite at τ = 0.01 with a queue', () => {
    const q = tf.randomNormal([4, 8], 0, 1, 'float32', 8) as tf.Tensor2D;
    const neg = tf.randomNormal([32, 8], 0, 1, 'float32', 9) as tf.Tensor2D;
    const loss = infoNCE(q, q, { negatives: neg, temperature: 0.01 });
    expect(Number.isFinite(loss.dataSync()[0]!)).toBe(true);
    tf.dispose([q, neg, loss]);
  });

  it('is invariant to permuting the queue', () => {
    const q = tf.randomNormal([4, 5], 0, 1, 'float32', 10) as tf.Tensor2D;
    const k = tf.randomNormal([4, 5], 0, 1, 'float32', 11) as tf.Tensor2D;
    const neg = tf.randomNormal([7, 5], 0, 1, 'float32', 12) as tf.Tensor2D;
    const permuted = tf.reverse(neg, 0) as tf.Tensor2D;
    const a = infoNCE(q, k, { negatives: neg });
    const b = infoNCE(q, k, { negatives: permuted });
    expect(Math.abs(a.dataSync()[0]! - b.dataSync()[0]!)).toBeLessThan(1e-5);
    tf.dispose([q, k, neg, permuted, a, b]);
  });

  it('rejects bad input with errors naming the argument and shapes', () => {
    const q = tf.zeros([4, 3]) as tf.Tensor2D;
    const k5 = tf.zeros([5, 3]) as tf.Tensor2D;
    const negD = tf.zeros([6, 2]) as tf.Tensor2D;
    const neg3 = tf.zeros([3, 2, 3]) as tf.Tensor3D;
    const neg1 = tf.zeros([3]) as unknown as tf.Tensor2D;
    expect(() => infoNCE(q, k5)).toThrow(/query and positive must have the same shape, got \[4, 3\] and \[5, 3\]/);
    expect(() => infoNCE(q, q, { negatives: negD })).toThrow(/negatives must have shape \[M, 3\].*\[6, 2\]/);
    expect(() => infoNCE(q, q, { negatives: neg3 })).toThrow(/per-query negatives must have shape \[4, K, 3\].*\[3, 2, 3\]/);
    expect(() => infoNCE(q, q, { negatives: neg1 })).toThrow(/negatives must have rank 2.*got shape \[3\]/);
    expect(() => infoNCE(q, q, { temperature: 0 })).toThrow(/temperature must be a finite number > 0/);
    expect(() => infoNCE(q, q, { temperature: Number.NaN })).toThrow(/temperature/);
    tf.dispose([q, k5, negD, neg3, neg1]);
  });
});
