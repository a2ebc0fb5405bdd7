import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { useLeakCheck } from '@contrastive/test-utils';
import '../init-backend.js';
import { expectParity, randn } from '../test-utils/parity.js';
import { tileGradConfig } from './tile-grad.js';

describe('Tile gradient as one reshape + sum', () => {
  useLeakCheck({ backend: 'wasm' });

  it('is the registered gradient', () => {
    expect(tf.getGradient('Tile')?.gradFunc).toBe(tileGradConfig.gradFunc);
  });

  // Each case: input shape and reps; the loss weights every output cell differently so a wrong
  // assignment of repeats to cells changes the gradient.
  const cases: [number[], number[]][] = [
    [[3], [4]],
    [
      [2, 3],
      [1, 5],
    ],
    [
      [1, 1, 4],
      [6, 5, 1],
    ],
    [
      [2, 1, 3],
      [2, 3, 2],
    ],
    [
      [1, 2, 1, 3],
      [3, 1, 4, 2],
    ],
    [
      [2, 1, 1, 1, 2],
      [1, 2, 3, 1, 2],
    ],
  ];
  for (const [shape, reps] of cases) {
    it(`on wasm equals the gradient of the same tiling built from concat on cpu: x [${shape}] reps [${reps}]`, async () => {
      const size = shape.reduce((a, b) => a * b, 1);
      const xv = randn(size, shape.length + reps[0]!);
      const loss = (y: tf.Tensor) => y.mul(tf.range(0, y.size).reshape(y.shape).sin()).sum();
      // Reference independent of any Tile gradient: repeat along each axis with concat (Slice-based gradient).
      const byConcat = (x: tf.Tensor) =>
        reps.reduce(
          (t, r, axis) =>
            tf.concat(
              Array.from({ length: r }, () => t),
              axis,
            ),
          x,
        );
      await expectParity(
        () => tf.grads((x) => loss(tf.tile(x!, reps)))([tf.tensor(xv, shape)]),
        1e-4,
        () => tf.grads((x) => loss(byConcat(x!)))([tf.tensor(xv, shape)]),
      );
    });
  }

  it('equals the analytic value: each input cell receives the sum of its copies', () => {
    const g = tf.tidy(() =>
      tf.grad((x) =>
        tf
          .tile(x, [2, 3])
          .mul(tf.range(0, 12).reshape([2, 6]))
          .sum(),
      )(tf.tensor2d([[1, 2]])),
    );
    // y[i, j] = x[0, j mod 2] weighted by 2·... : cell (0,0) gets 0+2+4+6+8+10 = 30, (0,1) gets 1+3+5+7+9+11 = 36.
    expect(Array.from(g.dataSync())).toEqual([30, 36]);
    g.dispose();
  });
});
