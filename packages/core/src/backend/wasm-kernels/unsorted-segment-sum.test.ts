import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { useLeakCheck } from '@contrastive/test-utils';
import '../init-backend.js';
import { expectParity, randn } from '../test-utils/parity.js';

describe('wasm UnsortedSegmentSum parity with cpu', () => {
  useLeakCheck({ backend: 'wasm' });

  it('sums rows into segments, repeated and empty segments included', async () => {
    const xv = randn(9 * 5, 1);
    const ids = [0, 3, 3, 1, 0, 3, 5, 1, 0];
    await expectParity(() => tf.unsortedSegmentSum(tf.tensor2d(xv, [9, 5]), tf.tensor1d(ids, 'int32'), 6));
  });

  it('handles rank-3 data and int32 values', async () => {
    const xv = randn(6 * 2 * 3, 2);
    await expectParity(() => tf.unsortedSegmentSum(tf.tensor3d(xv, [6, 2, 3]), tf.tensor1d([1, 0, 1, 2, 2, 0], 'int32'), 3));
    await expectParity(() => tf.unsortedSegmentSum(tf.tensor1d([1, 2, 3, 4], 'int32'), tf.tensor1d([1, 1, 0, 1], 'int32'), 2).toFloat());
  });

  it('is exact on a hand-computed example on wasm', async () => {
    await tf.setBackend('wasm');
    const x = tf.tensor2d([1, 2, 3, 4, 5, 6], [3, 2]);
    const ids = tf.tensor1d([1, 0, 1], 'int32');
    const out = tf.unsortedSegmentSum(x, ids, 3);
    expect(Array.from(await out.data())).toEqual([3, 4, 6, 8, 0, 0]);
    tf.dispose([x, ids, out]);
  });

  it('gives tf.gather (embedding lookup) its gradient: message passing gather → scatter', async () => {
    const hv = randn(7 * 4, 3);
    const src = [0, 1, 2, 3, 4, 5, 6, 0, 2];
    const dst = [1, 2, 3, 4, 5, 6, 0, 3, 5];
    await expectParity(() =>
      tf.grad((h: tf.Tensor) => {
        const msg = tf.gather(h, tf.tensor1d(src, 'int32'));
        const agg = tf.unsortedSegmentSum(msg, tf.tensor1d(dst, 'int32'), 7);
        return agg.add(h).tanh().sum();
      })(tf.tensor2d(hv, [7, 4])),
    );
  });
});
