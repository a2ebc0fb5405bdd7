import * as tf from '@tensorflow/tfjs';
import { checkCase, readFixtureCases, useCpuLeakCheck } from '@contrastive/test-utils';
import { describe, expect, it } from 'vitest';
import { anceNllLoss, type AnceLossOptions } from './ance-loss.js';

const cases = readFixtureCases(new URL('../__fixtures__', import.meta.url), 'text_ance.json');

describe('anceNllLoss', () => {
  useCpuLeakCheck();

  it.each(cases.map((c) => [c.name, c] as const))('matches the PyTorch reference: %s (value and gradients)', (_name, c) => {
    const { flat: _flat, ...options } = c.options as AnceLossOptions & { flat?: boolean };
    checkCase(c, ['q', 'pos', 'neg'], (q, pos, neg) => anceNllLoss(q as tf.Tensor2D, pos as tf.Tensor2D, neg as tf.Tensor3D, options));
  });

  it('covers the paper defaults, both forms, the cosine, in-batch negatives and flat negatives', () => {
    const names = cases.map((c) => c.name).join('\n');
    for (const want of ['dot nll', 'dot triplet', 'cos nll', 'in-batch', 'flat negatives']) expect(names).toContain(want);
  });

  it('equals −log softmax of [f(q,d⁺), f(q,d⁻)…] computed by hand', () => {
    const q = tf.tensor2d([[1, 2]]);
    const p = tf.tensor2d([[0.5, 0.5]]);
    const n = tf.tensor3d([
      [
        [1, 0],
        [0, -1],
      ],
    ]);
    // f = 1.5, 1, -2 → −log(e^1.5 / (e^1.5 + e^1 + e^−2))
    const want = -Math.log(Math.exp(1.5) / (Math.exp(1.5) + Math.exp(1) + Math.exp(-2)));
    const l = anceNllLoss(q, p, n);
    expect(l.dataSync()[0]).toBeCloseTo(want, 5);
    tf.dispose([q, p, n, l]);
  });

  it('refuses bad shapes and options, naming them', () => {
    const q = tf.zeros([2, 3]) as tf.Tensor2D;
    const neg = tf.zeros([3, 3]) as tf.Tensor2D; // 3 rows are not 2·n
    const neg3 = tf.zeros([2, 0, 3]) as tf.Tensor3D;
    const good = tf.zeros([4, 3]) as tf.Tensor2D;
    expect(() => anceNllLoss(q, q, neg)).toThrow(/negatives must be \[2, n, 3\] or \[2·n, 3\].*got \[3, 3\]/);
    expect(() => anceNllLoss(q, q, neg3)).toThrow(/n >= 1/);
    expect(() => anceNllLoss(q, good, good)).toThrow(/same shape/);
    expect(() => anceNllLoss(q, q, good, { temperature: 0 })).toThrow(/temperature/);
    expect(() => anceNllLoss(q, q, good, { similarity: 'l2' as 'dot' })).toThrow(/similarity must be one of 'dot', 'cos'/);
    expect(() => anceNllLoss(q, q, good, { loss: 'triplet', inBatchNegatives: true })).toThrow(/needs loss 'nll'/);
    expect(() => anceNllLoss(q, q, good, { temprature: 1 } as AnceLossOptions)).toThrow(/unknown option 'temprature'/);
    tf.dispose([q, neg, neg3, good]);
  });
});
