import * as tf from '@tensorflow/tfjs';
import type { ViewMaker } from '@contrastive/core';
import { assertImages, assertProbability, drawMask, selectPerImage } from './apply.js';

/** ITU-R BT.601 luma weights, as the code's `RandomColorGrayLayer` (`[0.299, 0.587, 0.114]`). */
export const LUMA_WEIGHTS = [0.299, 0.587, 0.114] as const;

/** Luma `[N, H, W, 1]` of an RGB batch (a weighted channel sum, differentiable). Call inside `tf.tidy`. */
export function luma(x: tf.Tensor4D): tf.Tensor4D {
  return tf.sum(tf.mul(x, tf.tensor1d([...LUMA_WEIGHTS])), -1, true) as tf.Tensor4D;
}

/** Options of {@link differentiableGrayscale}. */
export interface DifferentiableGrayscaleOptions {
  /** Probability per image. Default `0.2` (the code's `RandomApply(RandomColorGrayLayer(), p=0.2)`). */
  p?: number;
}

/**
 * Random grayscale that back-propagates to the image: the chosen images become their luma repeated over the
 * 3 channels (`augment/__init__.py::RandomColorGrayLayer` under `RandomApply`). On a 1-channel batch it is the
 * identity (the mask is still drawn, so the `rng` stream does not depend on the channel count).
 */
export function differentiableGrayscale(opts: DifferentiableGrayscaleOptions = {}): ViewMaker<tf.Tensor4D> {
  const { p = 0.2 } = opts;
  assertProbability(p, 'differentiableGrayscale: p');
  return (x, rng) => {
    assertImages(x, 'differentiableGrayscale');
    const mask = drawMask(x.shape[0], p, rng);
    return tf.tidy(() => {
      if (x.shape[3] === 1 || !mask.some(Boolean)) return x.clone();
      return selectPerImage(mask, tf.tile(luma(x), [1, 1, 1, 3]) as tf.Tensor4D, x).clone();
    });
  };
}
