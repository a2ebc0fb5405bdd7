import * as tf from '@tensorflow/tfjs';
import type { ViewMaker } from '@contrastive/core';
import { assertImages, assertProbability, drawMask, selectPerImage } from './apply.js';

/** Options for {@link solarize}. */
export interface SolarizeOptions {
  /** Pixels at or above the threshold are inverted. Default 0.5 (BYOL, MoCo v3). */
  threshold?: number;
  /** Probability per image. Default 0.2 (BYOL's second view). */
  p?: number;
}

/** Solarization: `x ≥ threshold ? 1 − x : x` for the chosen images. */
export function solarize(opts: SolarizeOptions = {}): ViewMaker<tf.Tensor4D> {
  const { threshold = 0.5, p = 0.2 } = opts;
  assertProbability(threshold, 'solarize: threshold');
  assertProbability(p, 'solarize: p');
  return (x, rng) => {
    assertImages(x, 'solarize');
    const mask = drawMask(x.shape[0], p, rng);
    return tf.tidy(() => selectPerImage(mask, tf.where(x.greaterEqual(threshold), tf.scalar(1).sub(x), x) as tf.Tensor4D, x));
  };
}
