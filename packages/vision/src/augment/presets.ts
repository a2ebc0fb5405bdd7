import type * as tf from '@tensorflow/tfjs';
import type { ViewMaker } from '@contrastive/core';
import { colorJitter } from './color-jitter.js';
import { compose } from './compose.js';
import { horizontalFlip } from './flip.js';
import { gaussianBlur } from './gaussian-blur.js';
import { randomGrayscale } from './grayscale.js';
import { randomResizedCrop } from './random-resized-crop.js';
import { solarize } from './solarize.js';

/** The two view makers of a method (identical for symmetric recipes, different for BYOL / MoCo v3). */
export type ViewPair = [ViewMaker<tf.Tensor4D>, ViewMaker<tf.Tensor4D>];

/** Options shared by the presets. */
export interface PresetOptions {
  /** Output size `[h, w]` of the crop; default the input size. */
  size?: [number, number];
  /** Crop area range; default per paper (below). Small, low-resolution images often want a larger minimum. */
  scale?: [number, number];
  /** Turns the Gaussian blur on/off (papers use it on ImageNet only; SimCLR's CIFAR recipe drops it). */
  blur?: boolean;
}

/** Options for {@link simclrViews}. */
export interface SimclrViewOptions extends PresetOptions {
  /** Colour strength s: jitter (0.8s, 0.8s, 0.8s, 0.2s). Default 1 (ImageNet); the CIFAR recipe uses 0.5. */
  strength?: number;
}

/**
 * SimCLR (Chen et al., ICML 2020, `google-research/simclr` `data_util.py`), the same maker for both views:
 * random resized crop (scale [0.08, 1], ratio [3/4, 4/3]) → flip (p 0.5) → colour jitter with strength s
 * (brightness 0.8s, contrast 0.8s, saturation 0.8s, hue 0.2s; random order; p 0.8) → grayscale (p 0.2)
 * → Gaussian blur (σ ∈ [0.1, 2], kernel ≈ size/10, p 0.5; ImageNet only). Defaults: s = 1, blur on. The
 * CIFAR-10 recipe is `{ strength: 0.5, blur: false }`.
 */
export function simclrViews(opts: SimclrViewOptions = {}): ViewPair {
  const { strength = 1, blur = true, scale = [0.08, 1] } = opts;
  const s = strength;
  const m = compose(
    randomResizedCrop({ size: opts.size, scale }),
    horizontalFlip({ p: 0.5 }),
    colorJitter({ brightness: 0.8 * s, contrast: 0.8 * s, saturation: 0.8 * s, hue: Math.min(0.5, 0.2 * s), p: 0.8 }),
    randomGrayscale({ p: 0.2 }),
    ...(blur ? [gaussianBlur({ sigma: [0.1, 2], p: 0.5 })] : []),
  );
  return [m, m];
}

/**
 * MoCo v1 (He et al., CVPR 2020, `facebookresearch/moco` `main_moco.py`, the InstDisc recipe):
 * random resized crop (scale [0.2, 1]) → grayscale (p 0.2) → colour jitter (0.4, 0.4, 0.4, 0.4) always
 * applied → flip. Also the augmentation of InstDisc (Wu et al. 2018).
 */
export function mocoV1Views(opts: PresetOptions = {}): ViewPair {
  const m = compose(
    randomResizedCrop({ size: opts.size, scale: opts.scale ?? [0.2, 1] }),
    randomGrayscale({ p: 0.2 }),
    colorJitter({ brightness: 0.4, contrast: 0.4, saturation: 0.4, hue: 0.4, p: 1 }),
    horizontalFlip({ p: 0.5 }),
  );
  return [m, m];
}

/**
 * MoCo v2 "aug+" (Chen, Fan, Girshick & He 2020, `main_moco.py --aug-plus`): random resized crop
 * (scale [0.2, 1]) → colour jitter (0.4, 0.4, 0.4, 0.1; p 0.8 — deliberately not SimCLR's strength) →
 * grayscale (p 0.2) → Gaussian blur (σ ∈ [0.1, 2], p 0.5) → flip. SimSiam uses the same views.
 */
export function mocoV2Views(opts: PresetOptions = {}): ViewPair {
  const { blur = true } = opts;
  const m = compose(
    randomResizedCrop({ size: opts.size, scale: opts.scale ?? [0.2, 1] }),
    colorJitter({ brightness: 0.4, contrast: 0.4, saturation: 0.4, hue: 0.1, p: 0.8 }),
    randomGrayscale({ p: 0.2 }),
    ...(blur ? [gaussianBlur({ sigma: [0.1, 2], p: 0.5 })] : []),
    horizontalFlip({ p: 0.5 }),
  );
  return [m, m];
}

/**
 * BYOL (Grill et al., NeurIPS 2020, `byol/utils/augmentations.py`), asymmetric: both views get random
 * resized crop (scale [0.08, 1]) → flip → colour jitter (0.4, 0.4, 0.2, 0.1; random order; p 0.8) →
 * grayscale (p 0.2); then view 1 gets blur with p 1.0 and no solarization, view 2 blur with p 0.1 and
 * solarization (threshold 0.5) with p 0.2. MoCo v3 uses the same pair ({@link mocoV3Views}).
 */
export function byolViews(opts: PresetOptions = {}): ViewPair {
  const { blur = true, scale = [0.08, 1] } = opts;
  const base = [
    randomResizedCrop({ size: opts.size, scale }),
    horizontalFlip({ p: 0.5 }),
    colorJitter({ brightness: 0.4, contrast: 0.4, saturation: 0.2, hue: 0.1, p: 0.8 }),
    randomGrayscale({ p: 0.2 }),
  ];
  const v1 = compose(...base, ...(blur ? [gaussianBlur({ sigma: [0.1, 2], p: 1 })] : []));
  const v2 = compose(...base, ...(blur ? [gaussianBlur({ sigma: [0.1, 2], p: 0.1 })] : []), solarize({ threshold: 0.5, p: 0.2 }));
  return [v1, v2];
}

/**
 * MoCo v3 (Chen, Xie & He, ICCV 2021, `main_moco.py`): BYOL's asymmetric pair (blur p 1.0 / 0.1,
 * solarize p 0 / 0.2, jitter (0.4, 0.4, 0.2, 0.1) p 0.8, grayscale 0.2). Crop minimum 0.08 as in the
 * code default (the published configs use 0.2 for ResNet).
 */
export function mocoV3Views(opts: PresetOptions = {}): ViewPair {
  return byolViews(opts);
}
