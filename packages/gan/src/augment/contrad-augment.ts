import * as tf from '@tensorflow/tfjs';
import type { ViewMaker } from '@contrastive/core';
import { assertImages } from './apply.js';
import { type DifferentiableColorJitterOptions, differentiableColorJitter } from './color-jitter.js';
import { differentiableFlip } from './flip.js';
import { differentiableGrayscale } from './grayscale.js';
import { differentiableResizedCrop } from './resized-crop.js';

/** Options of {@link contradAugment}. */
export interface ContraDAugmentOptions {
  /** Crop area range. Default `[0.2, 1]` (`configs/defaults/augment.gin`: `RandomResizeCropLayer.scale`). */
  scale?: [number, number];
  /** Crop aspect-ratio range. Default `[3/4, 4/3]`. */
  ratio?: [number, number];
  /** Flip probability. Default `0.5`. */
  flipP?: number;
  /** Colour jitter (strengths and `p`). Default brightness/contrast/saturation 0.4, hue 0.1, p 0.8. */
  colorJitter?: DifferentiableColorJitterOptions;
  /** Grayscale probability. Default `0.2`. */
  grayscaleP?: number;
}

/**
 * ContraD's "simclr" augmentation (`augment/__init__.py::simclr`), differentiable w.r.t. the images so that
 * the generator's loss reaches G through D(aug(G(z))):
 * `RandomResizeCrop(scale 0.2–1) → HorizontalFlip → RandomApply(ColorJitter(0.4, 0.4, 0.4, 0.1), 0.8) →
 * RandomApply(Grayscale, 0.2)`. `[N, H, W, C]` in [0, 1] → same shape, in [0, 1]; randomness from `rng` only
 * (same seed, same views). The intermediates are freed; the input is not disposed.
 */
export function contradAugment(opts: ContraDAugmentOptions = {}): ViewMaker<tf.Tensor4D> {
  const crop = differentiableResizedCrop({ scale: opts.scale ?? [0.2, 1], ratio: opts.ratio ?? [3 / 4, 4 / 3] });
  const flip = differentiableFlip({ p: opts.flipP ?? 0.5 });
  const jitter = differentiableColorJitter(opts.colorJitter ?? {});
  const gray = differentiableGrayscale({ p: opts.grayscaleP ?? 0.2 });
  return (x, rng) => {
    assertImages(x, 'contradAugment');
    return tf.tidy(() => gray(jitter(flip(crop(x, rng), rng), rng), rng));
  };
}
