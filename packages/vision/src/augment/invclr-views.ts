import type * as tf from '@tensorflow/tfjs';
import type { ViewMaker } from '@contrastive/core';
import { compose } from './compose.js';
import { differentiableColorJitter, resolveColorOptions, type DifferentiableColorOptions } from './differentiable-color.js';
import { horizontalFlip } from './flip.js';
import { gaussianBlur } from './gaussian-blur.js';
import type { PresetOptions } from './presets.js';
import { randomResizedCrop } from './random-resized-crop.js';

/**
 * A view maker that knows its two parts: the transformations outside InvCLR's penalty (`geometric`: crop,
 * flip, optional blur) and the differentiable colour distortion after them (`color`). Called as a plain
 * view maker it applies both, so scoring, alignment / uniformity and test-time feature averaging see the
 * full transformation the encoder was trained with.
 */
export interface SplitViewMaker extends ViewMaker<tf.Tensor4D> {
  readonly geometric: ViewMaker<tf.Tensor4D>;
  readonly color: Required<DifferentiableColorOptions>;
}

/** Options of {@link invclrViews}. */
export interface InvclrViewOptions extends PresetOptions, DifferentiableColorOptions {}

/**
 * InvCLR's views (`ae-foster/invclr` `data/configs.py`): random resized crop (scale default [0.08, 1], as
 * torchvision's) → horizontal flip (p 0.5) — then, inside the method, the differentiable colour distortion of
 * strength s (default 0.5, the code's CIFAR value; jitter p 0.8, grayscale p 0.2). Blur off by default (the
 * code has none). The same maker for both views.
 */
export function invclrViews(opts: InvclrViewOptions = {}): [SplitViewMaker, SplitViewMaker] {
  const { scale = [0.08, 1], blur = false } = opts;
  const color = resolveColorOptions(opts);
  const geometric = compose(
    randomResizedCrop({ size: opts.size, scale }),
    horizontalFlip({ p: 0.5 }),
    ...(blur ? [gaussianBlur({ sigma: [0.1, 2], p: 0.5 })] : []),
  );
  const full = compose(geometric, differentiableColorJitter(color));
  const m: SplitViewMaker = Object.assign(full, { geometric, color });
  return [m, m];
}

/** True when `m` is a {@link SplitViewMaker}. */
export function isSplitViewMaker(m: ViewMaker<tf.Tensor4D>): m is SplitViewMaker {
  const s = m as Partial<SplitViewMaker>;
  return typeof s.geometric === 'function' && typeof s.color === 'object' && s.color !== null;
}
