import * as tf from '@tensorflow/tfjs';
import type { ViewMaker } from '@contrastive/core';
import { assertImages, assertProbability, assertRange } from './apply.js';

/** Options for {@link cutout}. */
export interface CutoutOptions {
  /** Side of the square hole as a fraction of the image side, ~ U[size]. Default `[0.25, 0.5]` (DeVries & Taylor 2017 use 0.5 on CIFAR). */
  size?: [number, number];
  /** Probability per image. Default 0.5. */
  p?: number;
  /** Fill value of the hole. Default 0. */
  fill?: number;
}

/**
 * Cutout (DeVries & Taylor 2017): a square hole at a uniformly random centre (clipped at the border) is
 * filled with `fill`. Built as a per-image mask, so the batch is processed in one multiply-add.
 */
export function cutout(opts: CutoutOptions = {}): ViewMaker<tf.Tensor4D> {
  const { size = [0.25, 0.5], p = 0.5, fill = 0 } = opts;
  assertRange(size, 'cutout: size', 0);
  if (size[1] > 1) throw new RangeError(`cutout: size must lie in [0, 1], got ${JSON.stringify(size)}`);
  assertProbability(p, 'cutout: p');
  return (x, rng) => {
    assertImages(x, 'cutout');
    const [n, h, w] = x.shape;
    const keep = new Float32Array(n * h * w).fill(1);
    for (let i = 0; i < n; i++) {
      if (!(p >= 1 || (p > 0 && rng.bernoulli(p)))) continue;
      const side = rng.range(size[0], size[1]);
      const ch = Math.round(side * h);
      const cw = Math.round(side * w);
      const cy = rng.int(h);
      const cx = rng.int(w);
      const y0 = Math.max(0, cy - Math.floor(ch / 2));
      const y1 = Math.min(h, y0 + ch);
      const x0 = Math.max(0, cx - Math.floor(cw / 2));
      const x1 = Math.min(w, x0 + cw);
      for (let y = y0; y < y1; y++) keep.fill(0, i * h * w + y * w + x0, i * h * w + y * w + x1);
    }
    return tf.tidy(() => {
      const k = tf.tensor4d(keep, [n, h, w, 1]);
      return x.mul(k).add(tf.scalar(1).sub(k).mul(fill)) as tf.Tensor4D;
    });
  };
}
