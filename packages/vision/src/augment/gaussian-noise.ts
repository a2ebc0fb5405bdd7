import * as tf from '@tensorflow/tfjs';
import type { ViewMaker } from '@contrastive/core';
import { assertImages, assertProbability, drawMask, selectPerImage } from './apply.js';

/** Options for {@link gaussianNoise}. */
export interface GaussianNoiseOptions {
  /** Standard deviation of the additive noise (pixel units in [0, 1]). Default 0.05. */
  std?: number;
  /** Probability per image. Default 0.5. */
  p?: number;
}

/** Additive Gaussian noise `x + std·ε`, clipped to [0, 1]; the noise is seeded from `rng`. */
export function gaussianNoise(opts: GaussianNoiseOptions = {}): ViewMaker<tf.Tensor4D> {
  const { std = 0.05, p = 0.5 } = opts;
  if (!(std >= 0) || !Number.isFinite(std)) throw new RangeError(`gaussianNoise: std must be a finite number >= 0, got ${String(std)}`);
  assertProbability(p, 'gaussianNoise: p');
  return (x, rng) => {
    assertImages(x, 'gaussianNoise');
    const mask = drawMask(x.shape[0], p, rng);
    const seed = rng.seed();
    return tf.tidy(() =>
      selectPerImage(mask, tf.clipByValue(x.add(tf.randomNormal(x.shape, 0, std, 'float32', seed)), 0, 1) as tf.Tensor4D, x),
    );
  };
}
