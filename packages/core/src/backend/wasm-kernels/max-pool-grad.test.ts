import * as tf from '@tensorflow/tfjs';
import { describe, it } from 'vitest';
import { useLeakCheck } from '@contrastive/test-utils';
import '../init-backend.js';
import { expectParity, randn } from '../test-utils/parity.js';

const cases: { x: [number, number, number, number]; k: number | [number, number]; s: number | [number, number]; pad: 'same' | 'valid' }[] =
  [
    { x: [2, 8, 8, 3], k: 2, s: 2, pad: 'valid' },
    { x: [2, 9, 9, 3], k: 2, s: 2, pad: 'same' },
    { x: [2, 9, 7, 4], k: 3, s: 2, pad: 'same' }, // overlapping windows
    { x: [1, 7, 7, 2], k: 3, s: 1, pad: 'valid' },
    { x: [1, 10, 6, 2], k: [3, 2], s: [2, 1], pad: 'same' },
  ];

describe('wasm MaxPoolGrad parity with cpu', () => {
  useLeakCheck({ backend: 'wasm' });

  it.each(cases.map((c, i) => [i, c] as const))('case %i: gradient of maxPool', async (i, c) => {
    const xv = randn(
      c.x.reduce((p, q) => p * q),
      600 + i,
    );
    await expectParity(() =>
      tf.grad((x: tf.Tensor) =>
        tf
          .maxPool(x as tf.Tensor4D, c.k, c.s, c.pad)
          .square()
          .sum(),
      )(tf.tensor(xv, c.x)),
    );
  });

  it('breaks ties like cpu (first maximum in the window), e.g. after a ReLU', async () => {
    const xv = randn(2 * 8 * 8 * 3, 9);
    await expectParity(() =>
      tf.grad((x: tf.Tensor) => tf.maxPool(tf.relu(x) as tf.Tensor4D, 2, 2, 'valid').sum())(tf.tensor(xv, [2, 8, 8, 3])),
    );
    await expectParity(() =>
      tf.grad((x: tf.Tensor) => tf.maxPool(x.mul(0) as tf.Tensor4D, 3, 2, 'same').sum())(tf.tensor(xv, [2, 8, 8, 3])),
    );
  });
});
