import * as tf from '@tensorflow/tfjs';
import { describe, it } from 'vitest';
import { useLeakCheck } from '@contrastive/test-utils';
import '../init-backend.js';
import { expectParity, randn } from '../test-utils/parity.js';

type Pad = 'same' | 'valid' | number;
const cases: { x: [number, number, number, number]; f: [number, number, number, number]; s: number | [number, number]; pad: Pad }[] = [
  { x: [2, 7, 7, 3], f: [3, 3, 3, 1], s: 1, pad: 'same' },
  { x: [2, 7, 7, 3], f: [3, 3, 3, 2], s: 1, pad: 'valid' },
  { x: [2, 8, 8, 4], f: [3, 3, 4, 1], s: 2, pad: 'same' },
  { x: [1, 9, 8, 2], f: [5, 3, 2, 3], s: [2, 1], pad: 'valid' },
  { x: [2, 6, 6, 3], f: [3, 3, 3, 2], s: 1, pad: 1 },
];

describe('wasm depthwise conv backprops parity with cpu', () => {
  useLeakCheck({ backend: 'wasm' });

  it.each(cases.map((c, i) => [i, c] as const))('case %i: tf.grads of depthwiseConv2d (x and filter)', async (i, c) => {
    const xv = randn(
      c.x.reduce((p, q) => p * q),
      300 + i,
    );
    const wv = randn(
      c.f.reduce((p, q) => p * q),
      400 + i,
    );
    await expectParity(() =>
      tf.grads((x: tf.Tensor, w: tf.Tensor) =>
        tf
          .depthwiseConv2d(x as tf.Tensor4D, w as tf.Tensor4D, c.s, c.pad)
          .square()
          .sum(),
      )([tf.tensor(xv, c.x), tf.tensor(wv, c.f)]),
    );
  });

  it('separable conv (depthwise then pointwise) trains on wasm with cpu gradients', async () => {
    const xv = randn(2 * 6 * 6 * 3, 7);
    const dv = randn(3 * 3 * 3 * 2, 8);
    const pv = randn(1 * 1 * 6 * 4, 9);
    await expectParity(() =>
      tf.grads((x: tf.Tensor, d: tf.Tensor, p: tf.Tensor) =>
        tf
          .separableConv2d(x as tf.Tensor4D, d as tf.Tensor4D, p as tf.Tensor4D, 1, 'same')
          .relu()
          .sum(),
      )([tf.tensor4d(xv, [2, 6, 6, 3]), tf.tensor4d(dv, [3, 3, 3, 2]), tf.tensor4d(pv, [1, 1, 6, 4])]),
    );
  });
});
