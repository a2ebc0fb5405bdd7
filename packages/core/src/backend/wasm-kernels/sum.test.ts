import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { useLeakCheck } from '@contrastive/test-utils';
import '../init-backend.js';
import { expectParity, randn } from '../test-utils/parity.js';

describe('wasm Sum and Mean (leading axes without transpose) parity with cpu', () => {
  useLeakCheck({ backend: 'wasm' });

  const xv = randn(4 * 5 * 6 * 7, 1);
  const cases: [number | number[], boolean][] = [
    [0, false],
    [[0, 1], false],
    [[0, 1, 2], false],
    [[1, 0], true],
    [[0, 1, 2], true],
    [3, false],
    [[1, 2], false],
    [[0, 1, 2, 3], false],
    [-1, true],
  ];
  it.each(cases.map((c, i) => [i, ...c] as const))('case %i: axis %j keepDims %s', async (_i, axis, keepDims) => {
    await expectParity(() => tf.sum(tf.tensor4d(xv, [4, 5, 6, 7]), axis, keepDims), 1e-5);
  });

  it.each(cases.map((c, i) => [i, ...c] as const))('Mean case %i: axis %j keepDims %s', async (_i, axis, keepDims) => {
    await expectParity(() => tf.mean(tf.tensor4d(xv, [4, 5, 6, 7]), axis, keepDims), 1e-5);
  });

  // Many row blocks (block = 16,384 / inner rows), inner not a multiple of 4 (the 4-column loop's tail).
  it.each([
    [
      [300, 7, 9, 6],
      [0, 1, 2],
    ],
    [
      [40, 5, 1027],
      [0, 1],
    ],
    [[2100, 16], 0],
  ] as const)('large %j over axes %j: Sum and Mean', async (shape, axis) => {
    const n = shape.reduce((p, q) => p * q, 1);
    const v = randn(n, 3);
    await expectParity(() => tf.sum(tf.tensor(v, [...shape]), axis as number | number[]), 1e-4);
    await expectParity(() => tf.mean(tf.tensor(v, [...shape]), axis as number | number[]), 1e-5);
  });

  it('the batch-norm moments and their gradient match cpu', async () => {
    const x = () => tf.tensor4d(xv, [4, 5, 6, 7]);
    await expectParity(
      () =>
        tf.grad((t: tf.Tensor) => {
          const { mean, variance } = tf.moments(t, [0, 1, 2]);
          return mean.mul(variance).sum();
        })(x()),
      1e-5,
    );
  });

  it('bias gradients of a fused dense and conv layer match cpu', async () => {
    const wv = randn(7 * 3, 2);
    await expectParity(() =>
      tf.grad((b: tf.Tensor) =>
        tf.fused.matMul({ a: tf.tensor2d(xv.subarray(0, 40 * 7), [40, 7]), b: tf.tensor2d(wv, [7, 3]), bias: b, activation: 'relu' }).sum(),
      )(tf.tensor1d([0.1, -0.2, 0.3])),
    );
  });

  it('leaves int32 sums exact', async () => {
    const x = tf.tensor2d([1, 2, 3, 4, 5, 6], [3, 2], 'int32');
    const s = tf.sum(x, 0);
    expect(s.dtype).toBe('int32');
    expect(Array.from(await s.data())).toEqual([9, 12]);
    tf.dispose([x, s]);
  });
});
