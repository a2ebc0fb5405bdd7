import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { useCpuLeakCheck } from '@contrastive/test-utils';
import { stopGradient } from './stop-gradient.js';

useCpuLeakCheck();

describe('stopGradient', () => {
  it('is the identity in the forward pass', async () => {
    const x = tf.tensor2d([
      [1, -2],
      [3.5, 0],
    ]);
    const y = stopGradient(x);
    expect(y.shape).toEqual([2, 2]);
    expect(await y.array()).toEqual(await x.array());
    tf.dispose([x, y]);
  });

  it('passes a zero gradient: d/dx sum(sg(x)) = 0', async () => {
    const x = tf.tensor1d([1, 2, 3]);
    const g = tf.grad((t: tf.Tensor) => tf.sum(stopGradient(t)))(x);
    expect(await g.array()).toEqual([0, 0, 0]);
    tf.dispose([x, g]);
  });

  it('blocks only its branch: d/dx sum(x * sg(x)) = x, not 2x', async () => {
    const x = tf.tensor1d([1, -2, 3]);
    const g = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(t, stopGradient(t))))(x);
    expect(await g.array()).toEqual([1, -2, 3]);
    // Through variableGrads, as a training step uses it: d/dw Σ (w⊙x)·sg(w⊙x) = x⊙(w⊙x), half of
    // the 2·x⊙(w⊙x) without the stop-gradient.
    const w = tf.tidy(() => tf.variable(tf.tensor1d([0.5, 0.5, 0.5])));
    const { grads, value } = tf.variableGrads(() => tf.sum(tf.mul(tf.mul(w, x), stopGradient(tf.mul(w, x)))) as tf.Scalar);
    expect(await value.array()).toBeCloseTo(0.25 + 1 + 2.25, 6);
    expect(await grads[w.name]!.array()).toEqual([0.5, 2, 4.5]);
    tf.dispose([x, g, w, value, ...Object.values(grads)]);
  });

  it('rejects non-tensors', () => {
    expect(() => stopGradient(3 as unknown as tf.Tensor)).toThrow(/x must be a tf.Tensor/);
  });
});
