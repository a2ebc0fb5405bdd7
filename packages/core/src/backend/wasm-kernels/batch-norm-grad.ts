/**
 * Gradient of `FusedBatchNorm` (tf.batchNorm, used by tf.layers.batchNormalization), registered
 * in place of tfjs-core 4.22's. Same operations in the same order, so the same values; the
 * difference is memory. tfjs's version computes `x − mean` and `dy·scale` (two tensors of the
 * activation's size) outside the per-input closures, so `tf.tidy` cannot free them and they stay
 * alive until the whole backward pass ends: two extra activations per batch-norm layer (for
 * ResNet-18 at batch 64 × 2 views of 32×32, ~600 MB of the 4 GB wasm heap). Here each closure
 * computes what it needs, and the engine's per-closure tidy frees it.
 */
import * as tf from '@tensorflow/tfjs';
import type { GradConfig, NamedAttrMap } from '@tensorflow/tfjs-core';
import { registerGradientOnce } from './register-gradient.js';

export const fusedBatchNormGradConfig: GradConfig = {
  kernelName: 'FusedBatchNorm',
  inputsToSave: ['x', 'mean', 'variance', 'scale'],
  gradFunc: (dyIn: tf.Tensor | tf.Tensor[], saved: tf.Tensor[], attrs: NamedAttrMap) => {
    const dy = dyIn as tf.Tensor;
    const { varianceEpsilon } = attrs as unknown as { varianceEpsilon: number };
    const [x, mean, variance, scale] = saved as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor | undefined];
    const scaleValue = scale ?? tf.scalar(1);
    const reductionAxes = tf.backend_util.getReductionAxes(mean.shape, x.shape);
    const tileShape: number[] = [];
    if (mean.rank === 1) {
      for (let i = 0; i < x.shape.length - 1; ++i) tileShape.push(x.shape[i]!);
      tileShape.push(1);
    }
    // Small ([C]-sized) terms shared by the closures.
    const oneOverSqrtVariance = tf.rsqrt(tf.add(variance, tf.scalar(varianceEpsilon)));
    const minusHalfRCube = tf.mul(tf.mul(tf.mul(oneOverSqrtVariance, oneOverSqrtVariance), oneOverSqrtVariance), tf.scalar(-0.5));
    // Activation-sized terms: computed inside the closures that need them (freed by their tidy).
    const xMinusMean = () => tf.sub(x, mean);
    const dyTimesScaleValue = () => tf.mul(dy, scaleValue);
    const reduce = (t: tf.Tensor) => tf.reshape(mean.rank === 1 ? tf.sum(t, reductionAxes) : t, mean.shape);
    return {
      x: () =>
        mean.rank === 1
          ? tf.reshape(
              tf.mul(tf.mul(dy, tf.tile(tf.reshape(oneOverSqrtVariance, [1, 1, 1, mean.shape[0]!]), tileShape)), scaleValue),
              x.shape,
            )
          : tf.reshape(tf.mul(tf.mul(dy, oneOverSqrtVariance), scaleValue), x.shape),
      mean: () => reduce(tf.mul(tf.mul(oneOverSqrtVariance, tf.scalar(-1)), dyTimesScaleValue())),
      variance: () => reduce(tf.mul(tf.mul(minusHalfRCube, xMinusMean()), dyTimesScaleValue())),
      scale: () => reduce(tf.mul(dy, tf.mul(xMinusMean(), oneOverSqrtVariance))),
      offset: () => reduce(dy),
    };
  },
};

/** Install our FusedBatchNorm gradient (idempotent). Returns true when newly installed. */
export function registerFusedBatchNormGrad(): boolean {
  return registerGradientOnce(fusedBatchNormGradConfig, Symbol.for('@contrastive/core/fused-batch-norm-grad'));
}
