import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { useLeakCheck } from '@contrastive/test-utils';
import '../init-backend.js';
import { expectParity, randn } from '../test-utils/parity.js';

describe('wasm Identity / same-dtype Cast share data (no copy), parity with cpu', () => {
  useLeakCheck({ backend: 'wasm' });

  it('clone and same-dtype cast reuse the buffer; the copy outlives its source', async () => {
    const x = tf.tensor2d(randn(64 * 64, 1), [64, 64]);
    const buffers = tf.memory().numDataBuffers;
    const c = x.clone();
    const k = tf.cast(x, 'float32');
    // Shared data adds no data buffer (the stock wasm kernels allocated and copied one each).
    expect(tf.memory().numDataBuffers).toBe(buffers);
    const want = await x.data();
    x.dispose();
    expect(await c.data()).toEqual(want);
    expect(await k.data()).toEqual(want);
    tf.dispose([c, k]);
  });

  it('dtype-changing casts still convert', async () => {
    const v = randn(50, 2).map((t) => t * 10);
    await expectParity(() => [tf.cast(tf.tensor1d(v), 'int32').toFloat(), tf.cast(tf.tensor1d(v.map(Math.round), 'int32'), 'float32')], 0);
  });

  it('gradients through identity, clone and casts match cpu', async () => {
    const xv = randn(3 * 5, 3);
    await expectParity(() =>
      tf.grad((x: tf.Tensor) => x.clone().mul(x.clone()).add(tf.cast(x, 'float32')).square().sum())(tf.tensor2d(xv, [3, 5])),
    );
  });
});
