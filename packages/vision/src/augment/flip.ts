import * as tf from '@tensorflow/tfjs';
import type { ViewMaker } from '@contrastive/core';
import { assertImages, assertProbability, drawMask, selectPerImage } from './apply.js';

/** Options for {@link horizontalFlip}. */
export interface HorizontalFlipOptions {
  /** Probability of flipping each image. Default 0.5 (every SSL recipe). */
  p?: number;
}

/** Horizontal (left–right) flip, decided per image with probability `p`. Shape-preserving. */
export function horizontalFlip(opts: HorizontalFlipOptions = {}): ViewMaker<tf.Tensor4D> {
  const { p = 0.5 } = opts;
  assertProbability(p, 'horizontalFlip: p');
  return (x, rng) => {
    assertImages(x, 'horizontalFlip');
    const mask = drawMask(x.shape[0], p, rng);
    return tf.tidy(() => selectPerImage(mask, mask.some(Boolean) ? tf.image.flipLeftRight(x) : x, x));
  };
}
