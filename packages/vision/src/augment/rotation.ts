import * as tf from '@tensorflow/tfjs';
import type { ViewMaker } from '@contrastive/core';
import { assertImages, assertProbability, drawMask, selectPerImage } from './apply.js';

/** Options for {@link randomRotation}. */
export interface RandomRotationOptions {
  /** Maximum absolute angle in degrees; each image gets θ ~ U[−degrees, degrees]. Default 15. */
  degrees?: number;
  /** Probability of rotating each image. Default 1. */
  p?: number;
  /** Value for pixels rotated in from outside the image. Default 0 (black, like torchvision). */
  fill?: number;
}

/**
 * Random rotation about the image centre, bilinear, one angle per image, as a batched projective
 * `tf.image.transform` (each row maps an output pixel to the input pixel it samples). Shape-preserving.
 */
export function randomRotation(opts: RandomRotationOptions = {}): ViewMaker<tf.Tensor4D> {
  const { degrees = 15, p = 1, fill = 0 } = opts;
  if (!(degrees >= 0 && degrees <= 180)) throw new RangeError(`randomRotation: degrees must be in [0, 180], got ${String(degrees)}`);
  assertProbability(p, 'randomRotation: p');
  return (x, rng) => {
    assertImages(x, 'randomRotation');
    const [n, h, w] = x.shape;
    const mask = drawMask(n, p, rng);
    const cx = (w - 1) / 2;
    const cy = (h - 1) / 2;
    const rows = mask.map((on) => {
      const t = on ? (rng.range(-degrees, degrees) * Math.PI) / 180 : 0;
      const [c, s] = [Math.cos(t), Math.sin(t)];
      return [c, s, cx - c * cx - s * cy, -s, c, cy + s * cx - c * cy, 0, 0];
    });
    return tf.tidy(() => {
      // One transform call per image: tfjs 4.22's cpu Transform kernel mis-indexes batch items after the first.
      const parts = tf
        .split(x, n, 0)
        .map((xi, i) =>
          mask[i] ? tf.image.transform(xi as tf.Tensor4D, tf.tensor2d([rows[i]!], [1, 8]), 'bilinear', 'constant', fill) : xi,
        );
      return selectPerImage(mask, tf.concat(parts, 0) as tf.Tensor4D, x);
    });
  };
}
