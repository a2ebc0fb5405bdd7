import * as tf from '@tensorflow/tfjs';
import { describe, it } from 'vitest';
import { useLeakCheck } from '@contrastive/test-utils';
import '../init-backend.js';
import { expectParity, randn } from '../test-utils/parity.js';

describe('wasm Tile parity with cpu', () => {
  useLeakCheck({ backend: 'wasm' });

  const cases: [number[], number[]][] = [
    [
      [1, 1, 1, 5],
      [2, 3, 4, 1],
    ],
    [[3], [4]],
    [
      [2, 3],
      [3, 2],
    ],
    [
      [2, 1, 3],
      [1, 4, 2],
    ],
    [
      [2, 3, 4],
      [1, 1, 1],
    ],
    [
      [1, 2, 1, 3],
      [3, 1, 2, 2],
    ],
  ];
  it.each(cases.map((c, i) => [i, ...c] as const))('case %i: tile %j by %j', async (i, shape, reps) => {
    const xv = randn(
      shape.reduce((p, q) => p * q, 1),
      900 + i,
    );
    await expectParity(() => tf.tile(tf.tensor(xv, shape), reps), 0);
    await expectParity(() => tf.tile(tf.tensor(xv.map(Math.round), shape, 'int32'), reps).toFloat(), 0);
  });

  it('batch-norm gradients (which tile per-channel statistics) match cpu', async () => {
    const xv = randn(2 * 4 * 4 * 3, 1);
    await expectParity(() =>
      tf.grads((x: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => {
        const m = tf.moments(x, [0, 1, 2]);
        return tf.batchNorm(x, m.mean, m.variance, b, g, 1e-3).square().sum();
      })([tf.tensor4d(xv, [2, 4, 4, 3]), tf.tensor1d([1, 0.5, 2]), tf.tensor1d([0, 0.1, -0.1])]),
    );
  });
});
