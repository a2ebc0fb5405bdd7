import * as tf from '@tensorflow/tfjs';

/** tfjs's gradient config (typed from `tf.registerGradient`, so no direct tfjs-core dependency). */
type GradConfig = Parameters<typeof tf.registerGradient>[0];
type NamedAttrMap = Parameters<GradConfig['gradFunc']>[2];

/**
 * Second-order gradients through max-pooling. tfjs-core 4.22 registers no gradient for the `MaxPoolGrad`
 * kernel (the backward op of `tf.maxPool`), so a gradient of a gradient through the small CNN's 2×2 pools
 * — InvCLR's penalty ∂/∂θ (∂s/∂α) — throws "gradient function not found for MaxPoolGrad". Every other op on
 * that path (conv and its input gradient, batch norm, ReLU, mean, clip, the colour ops) has a gradient made
 * of differentiable ops, on cpu and wasm alike.
 *
 * The gradient registered here: `maxPoolGrad(dy, x, y)` routes each window's `dy` to the window's argmax,
 * so it is linear in `dy` with the argmax fixed. Its adjoint reads `ddx` at the argmax of each window:
 * `∂/∂dy = sumPool(ddx ⊙ m)` with `m = maxPoolGrad(1, x, y)`, the one-hot argmax mask (the same tie-break
 * as the first-order gradient). With respect to `x` and `y` the argmax is piecewise constant: 0. Sum-pool is
 * avgPool × window size, exact for non-overlapping windows with 'valid' padding (Keras `maxPooling2d`'s
 * default, strides = pool size) — other pools are refused with an error rather than given a wrong gradient.
 *
 * This adds a gradient where there was none; no existing gradient changes. Registered once (idempotent).
 */
const MARK = Symbol.for('@contrastive/vision/max-pool-grad-grad');

const maxPoolGradGradConfig: GradConfig = {
  kernelName: 'MaxPoolGrad',
  inputsToSave: ['dy', 'input', 'output'],
  gradFunc: (ddxIn: tf.Tensor | tf.Tensor[], saved: tf.Tensor[], attrs: NamedAttrMap) => {
    const ddx = ddxIn as tf.Tensor4D;
    const [dy, x, y] = saved as [tf.Tensor4D, tf.Tensor4D, tf.Tensor4D];
    const { filterSize, strides, pad } = attrs as unknown as {
      filterSize: number | [number, number];
      strides: number | [number, number];
      pad: string | number;
    };
    const [fh, fw] = typeof filterSize === 'number' ? [filterSize, filterSize] : filterSize;
    const [sh, sw] = typeof strides === 'number' ? [strides, strides] : strides;
    if (pad !== 'valid' || fh !== sh || fw !== sw) {
      throw new Error(
        `second-order gradient of maxPool: only non-overlapping 'valid' pools (strides = pool size) are supported, got pool ${fh}x${fw}, strides ${sh}x${sw}, padding ${String(pad)}`,
      );
    }
    return {
      dy: () => {
        // tf.maxPoolGrad is not public: run the kernel (the wasm and cpu backends both have it).
        const mask = tf.engine().runKernel('MaxPoolGrad', { dy: tf.onesLike(dy), input: x, output: y }, attrs) as tf.Tensor4D;
        return tf.avgPool(ddx.mul(mask) as tf.Tensor4D, [fh, fw], [sh, sw], 'valid').mul(fh * fw);
      },
      input: () => tf.zerosLike(x),
      output: () => tf.zerosLike(y),
    };
  },
};

/** Registers the gradient of `MaxPoolGrad` (once per process). Returns true when newly registered. */
export function registerSecondOrderGradients(): boolean {
  const g = tf.getGradient('MaxPoolGrad') as (GradConfig & { [MARK]?: boolean }) | undefined;
  if (g?.[MARK]) return false;
  tf.registerGradient({ ...maxPoolGradGradConfig, [MARK]: true } as GradConfig);
  return true;
}
