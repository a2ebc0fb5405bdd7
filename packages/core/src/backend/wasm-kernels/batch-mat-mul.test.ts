import * as tf from '@tensorflow/tfjs';
import { describe, it } from 'vitest';
import { useLeakCheck } from '@contrastive/test-utils';
import '../init-backend.js';
import { expectParity, randn } from '../test-utils/parity.js';

// [aShape, bShape, transposeA, transposeB]; sizes above the stock-kernel threshold (32³ MACs) so
// our transpose / batch-loop paths run, plus one tiny case that stays on the stock kernel.
const cases: [number[], number[], boolean, boolean][] = [
  [[70, 40], [40, 50], false, false],
  [[40, 70], [40, 50], true, false],
  [[70, 40], [50, 40], false, true],
  [[40, 70], [50, 40], true, true],
  [[300, 33], [300, 40], true, false], // Aᵀ·B via (Bᵀ·A)ᵀ (A is the larger side)
  [[3, 40, 50], [3, 50, 60], false, false],
  [[3, 50, 40], [3, 50, 60], true, false],
  [[2, 2, 40, 50], [2, 2, 60, 50], false, true],
  [[3, 40, 50], [50, 60], false, false], // broadcast b over the batch
  [[40, 50], [3, 60, 50], false, true], // broadcast a over the batch
  [[4, 5], [5, 3], true, true].slice(0, 2).concat([false, false]) as [number[], number[], boolean, boolean],
];

describe('wasm BatchMatMul (transposed / batched on XNNPACK) parity with cpu', () => {
  useLeakCheck({ backend: 'wasm' });

  it.each(cases.map((c, i) => [i, ...c] as const))('case %i: %j · %j (tA=%s, tB=%s)', async (i, as, bs, tA, tB) => {
    const av = randn(
      as.reduce((p, q) => p * q),
      100 + i,
    );
    const bv = randn(
      bs.reduce((p, q) => p * q),
      200 + i,
    );
    await expectParity(() => tf.matMul(tf.tensor(av, as), tf.tensor(bv, bs), tA, tB), 1e-5);
  });

  it('dense-layer gradients (dX = dY·Wᵀ, dW = Xᵀ·dY) match cpu', async () => {
    const xv = randn(64 * 96, 1);
    const wv = randn(96 * 48, 2);
    await expectParity(() =>
      tf.grads((x: tf.Tensor, w: tf.Tensor) => tf.tanh(tf.matMul(x, w)).sum())([tf.tensor2d(xv, [64, 96]), tf.tensor2d(wv, [96, 48])]),
    );
  });
});
