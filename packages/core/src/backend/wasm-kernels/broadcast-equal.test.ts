import * as tf from '@tensorflow/tfjs';
import { describe, it } from 'vitest';
import { useLeakCheck } from '@contrastive/test-utils';
import '../init-backend.js';
import { expectParity, randn } from '../test-utils/parity.js';

describe('wasm broadcasting Equal parity with cpu', () => {
  useLeakCheck({ backend: 'wasm' });

  // Values drawn from a few integers so that equal pairs are frequent.
  const ints = (n: number, seed: number) => randn(n, seed).map((v) => Math.round(v));
  const cases: [number[], number[]][] = [
    [
      [6, 5],
      [6, 1],
    ],
    [
      [6, 5],
      [1, 5],
    ],
    [
      [6, 1],
      [1, 5],
    ],
    [[6, 5], [5]],
    [
      [2, 3, 4],
      [3, 1],
    ],
    [
      [2, 1, 4],
      [2, 3, 1],
    ],
    [[3, 4], []],
    [[], [3, 4]],
    [
      [2, 3, 4, 5],
      [1, 3, 1, 5],
    ],
  ];
  it.each(cases.map((c, i) => [i, ...c] as const))('case %i: %j == %j', async (i, as, bs) => {
    const av = ints(
      as.reduce((p, q) => p * q, 1),
      700 + i,
    );
    const bv = ints(
      bs.reduce((p, q) => p * q, 1),
      800 + i,
    );
    await expectParity(() => tf.equal(tf.tensor(av, as), tf.tensor(bv, bs)).toFloat(), 0);
    await expectParity(() => tf.equal(tf.tensor(av, as, 'int32'), tf.tensor(bv, bs, 'int32')).toFloat(), 0);
  });

  it('gives logSumExp / max the cpu gradient, ties included', async () => {
    const xv = randn(8 * 9, 3).map((v) => Math.round(v * 2) / 2);
    await expectParity(() => tf.grad((x: tf.Tensor) => tf.logSumExp(x, 1).sum().add(x.max(1).sum()))(tf.tensor2d(xv, [8, 9])));
  });
});
