import * as tf from '@tensorflow/tfjs';
import type { ViewMaker } from '@contrastive/core';
import { assertImages, assertProbability, drawMask, selectPerImage } from './apply.js';

/** Options of {@link differentiableFlip}. */
export interface DifferentiableFlipOptions {
  /** Probability of flipping each image. Default `0.5` (the code's `HorizontalFlipLayer`). */
  p?: number;
}

/**
 * Horizontal flip per image with probability `p` that back-propagates to the image: `tf.reverse` along the
 * width and a per-image `tf.where` (tfjs's `flipLeftRight` has no gradient). ContraD's `HorizontalFlipLayer`
 * is an `affine_grid` with x-scale ±1, which at `align_corners=False` is exactly this mirror.
 */
export function differentiableFlip(opts: DifferentiableFlipOptions = {}): ViewMaker<tf.Tensor4D> {
  const { p = 0.5 } = opts;
  assertProbability(p, 'differentiableFlip: p');
  return (x, rng) => {
    assertImages(x, 'differentiableFlip');
    const mask = drawMask(x.shape[0], p, rng);
    return tf.tidy(() => selectPerImage(mask, mask.some(Boolean) ? (tf.reverse(x, 2) as tf.Tensor4D) : x, x).clone());
  };
}
