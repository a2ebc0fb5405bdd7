import * as tf from '@tensorflow/tfjs';
import type { ViewMaker } from '@contrastive/core';
import { assertImages, assertProbability, drawMask, selectPerImage } from './apply.js';

/** ITU-R BT.601 luma weights, as in torchvision's `rgb_to_grayscale` and `tf.image.rgb_to_grayscale`. */
export const LUMA = [0.299, 0.587, 0.114] as const;

/** Luma of an RGB batch `[N,H,W,3]` → `[N,H,W,1]`; a grayscale batch is returned as a copy. */
export function toLuma(x: tf.Tensor4D): tf.Tensor4D {
  return tf.tidy(() => (x.shape[3] === 1 ? x.clone() : (x.mul(tf.tensor1d([...LUMA])).sum(-1, true) as tf.Tensor4D)));
}

/** Options for {@link randomGrayscale}. */
export interface RandomGrayscaleOptions {
  /** Probability per image. Default 0.2 (SimCLR, MoCo v2, BYOL). */
  p?: number;
}

/**
 * Random grayscale: the chosen images become their luma replicated over the 3 channels (so the shape and
 * channel count stay). On a grayscale batch it is the identity.
 */
export function randomGrayscale(opts: RandomGrayscaleOptions = {}): ViewMaker<tf.Tensor4D> {
  const { p = 0.2 } = opts;
  assertProbability(p, 'randomGrayscale: p');
  return (x, rng) => {
    assertImages(x, 'randomGrayscale');
    const mask = drawMask(x.shape[0], p, rng);
    if (x.shape[3] === 1) return x.clone();
    return tf.tidy(() => selectPerImage(mask, tf.tile(toLuma(x), [1, 1, 1, 3]) as tf.Tensor4D, x));
  };
}
