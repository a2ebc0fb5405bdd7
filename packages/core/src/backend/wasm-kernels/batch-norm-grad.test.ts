import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { useLeakCheck } from '@contrastive/test-utils';
import '../init-backend.js';
import { expectParity, randn } from '../test-utils/parity.js';
import { fusedBatchNormGradConfig } from './batch-norm-grad.js';

describe('FusedBatchNorm gradient without activation-sized leftovers', () => {
  useLeakCheck({ backend: 'wasm' });

  it('is the registered gradient', () => {
    expect(tf.getGradient('FusedBatchNorm')?.gradFunc).toBe(fusedBatchNormGradConfig.gradFunc);
  });

  const bn = (x: tf.Tensor, m: tf.Tensor, v: tf.Tensor, o: tf.Tensor, s: tf.Tensor) => tf.batchNorm(x, m, v, o, s, 1e-3);
  it('gradients w.r.t. x, mean, variance, offset, scale match cpu ', async () => {
    const xv = randn(2 * 3 * 4 * 5, 1);
    const pv = [2, 3, 4, 5].map((s) => randn(5, s));
    await expectParity(() => {
      const [m, v, o, s] = pv.map((p, i) => (i === 1 ? tf.tensor1d(p).abs().add(0.5) : tf.tensor1d(p)));
      return tf.grads((x, a, b, c, d) => bn(x!, a!, b!, c!, d!).mul(tf.range(0, 5)).sum())([tf.tensor4d(xv, [2, 3, 4, 5]), m!, v!, o!, s!]);
    });
  });
});
