import * as tf from '@tensorflow/tfjs';
import type { Rng, ViewMaker } from '@contrastive/core';
import { assertImages, assertProbability, assertRange } from './apply.js';
import { adjust } from './color-jitter.js';
import { horizontalFlip } from './flip.js';
import { blurWithSigmas } from './gaussian-blur.js';
import { toLuma } from './grayscale.js';
import { randomResizedCrop } from './random-resized-crop.js';

/**
 * The atomic augmentations whose parameters are drawn explicitly, so a view can replay another view's
 * parameter (LooC, Xiao et al. ICLR 2021: key kᵢ reuses the query's parameter of augmentation i):
 * - `color`: brightness / contrast (and, on RGB, saturation) jitter plus random grayscale — LooC's
 *   "color" augmentation (jitter + grayscale);
 * - `rotation`: a rotation by k·90°, k ~ U{0, 1, 2, 3} — LooC's "rotation";
 * - `blur`: a Gaussian blur of σ ~ U[0.1, 2] px with probability 0.5 — this project's stand-in for LooC's
 *   "texture" augmentation, chosen because it changes local texture (edges, fine stripes of Fashion-MNIST's
 *   knits and prints) and means the same on grayscale images, where colour-based texture randomisation does not.
 */
export const ATOMIC_AUGMENTATIONS = ['color', 'rotation', 'blur'] as const;
export type AtomicName = (typeof ATOMIC_AUGMENTATIONS)[number];

/** One image's colour parameters; the identity is `{ brightness: 1, contrast: 1, saturation: 1, grayscale: false }`. */
export interface ColorParams {
  brightness: number;
  contrast: number;
  saturation: number;
  grayscale: boolean;
}

/** Sampled parameters of a batch, one entry per image for each atomic augmentation in use. */
export interface AtomicParams {
  color?: ColorParams[];
  /** Quarter turns counter-clockwise, 0–3 (`np.rot90`'s k). */
  rotation?: number[];
  /** Blur σ in pixels; 0 = not blurred. */
  blur?: number[];
}

/** Options of {@link atomicViews}. */
export interface AtomicViewOptions {
  /** Atomic augmentations in use, in LooC's head order (head i ↔ `augs[i − 1]`). Default all three. */
  augs?: readonly AtomicName[];
  /** Crop output size `[h, w]`; default the input size. */
  size?: [number, number];
  /** Random-resized-crop area range. Default `[0.2, 1]` (MoCo's; an 8 % crop of a 28 px image keeps a few pixels). */
  scale?: [number, number];
  /** Horizontal-flip probability. Default 0.5. */
  flipP?: number;
  /** Colour: jitter strengths (factors ~ U[1 − s, 1 + s]), jitter probability, grayscale probability. Default MoCo v2's 0.4 / 0.4 / 0.4, p 0.8, grayscale 0.2. */
  color?: { brightness?: number; contrast?: number; saturation?: number; p?: number; grayscaleP?: number };
  /** Blur: σ range, probability, odd kernel size. Default `[0.1, 2]`, 0.5, and max(5, 10 % of the side made odd). */
  blur?: { sigma?: [number, number]; p?: number; kernelSize?: number };
}

/**
 * A view maker with explicit parameters: `sample` draws every atomic parameter of a batch, `render` applies
 * crop and flip (always, drawn from `rng` at render time, so independent per view) and then the atomic
 * augmentations with the given parameters, in the fixed order colour → blur → rotation.
 */
export interface AtomicViews {
  readonly augs: readonly AtomicName[];
  /** Draws the parameters of `n` images (in `augs` order, each augmentation all its images). */
  sample(n: number, rng: Rng): AtomicParams;
  /** One view of `x` with `params`; crop and flip draw from `rng`. */
  render(x: tf.Tensor4D, params: AtomicParams, rng: Rng): tf.Tensor4D;
  /** `sample` then `render`: an ordinary view maker (MoCo v2 with the same augmentations uses it for both views). */
  readonly maker: ViewMaker<tf.Tensor4D>;
}

/** Validates an atomic-augmentation list (non-empty, known names, no repeats); `name` is the option or flag. */
export function parseAtomicAugs(value: unknown, name = 'augs'): AtomicName[] {
  const list = typeof value === 'string' ? value.split(',').map((s) => s.trim()) : value;
  if (!Array.isArray(list) || list.length === 0) {
    throw new RangeError(`${name} must list one or more of ${ATOMIC_AUGMENTATIONS.join(', ')}, got ${JSON.stringify(value)}`);
  }
  for (const a of list) {
    if (!(ATOMIC_AUGMENTATIONS as readonly unknown[]).includes(a)) {
      throw new RangeError(`${name}: unknown augmentation ${JSON.stringify(a)}; expected one of ${ATOMIC_AUGMENTATIONS.join(', ')}`);
    }
  }
  if (new Set(list).size !== list.length) throw new RangeError(`${name} lists an augmentation twice: ${list.join(',')}`);
  return list as AtomicName[];
}

/** Builds the {@link AtomicViews} of `opts`. */
export function atomicViews(opts: AtomicViewOptions = {}): AtomicViews {
  const augs = parseAtomicAugs(opts.augs ?? ATOMIC_AUGMENTATIONS, 'atomicViews: augs');
  const { brightness = 0.4, contrast = 0.4, saturation = 0.4, p: colorP = 0.8, grayscaleP = 0.2 } = opts.color ?? {};
  for (const [k, v] of Object.entries({ brightness, contrast, saturation })) {
    if (!(v >= 0 && v <= 1)) throw new RangeError(`atomicViews: color.${k} must be in [0, 1], got ${String(v)}`);
  }
  assertProbability(colorP, 'atomicViews: color.p');
  assertProbability(grayscaleP, 'atomicViews: color.grayscaleP');
  const { sigma = [0.1, 2], p: blurP = 0.5, kernelSize } = opts.blur ?? {};
  assertRange(sigma, 'atomicViews: blur.sigma', Number.MIN_VALUE);
  assertProbability(blurP, 'atomicViews: blur.p');
  const crop = randomResizedCrop({ size: opts.size, scale: opts.scale ?? [0.2, 1] });
  const flip = horizontalFlip({ p: opts.flipP ?? 0.5 });
  const jitter = (s: number, rng: Rng) => rng.range(1 - s, 1 + s);

  const samplers: Record<AtomicName, (n: number, rng: Rng) => AtomicParams[AtomicName]> = {
    color: (n, rng) =>
      Array.from({ length: n }, () => {
        const on = rng.bernoulli(colorP);
        // Always three draws when on, so a stream does not depend on the image's channel count.
        const b = on ? jitter(brightness, rng) : 1;
        const c = on ? jitter(contrast, rng) : 1;
        const s = on ? jitter(saturation, rng) : 1;
        return { brightness: b, contrast: c, saturation: s, grayscale: rng.bernoulli(grayscaleP) };
      }),
    rotation: (n, rng) => Array.from({ length: n }, () => rng.int(4)),
    blur: (n, rng) => Array.from({ length: n }, () => (rng.bernoulli(blurP) ? rng.range(sigma[0], sigma[1]) : 0)),
  };

  const sample = (n: number, rng: Rng): AtomicParams => {
    const out: AtomicParams = {};
    for (const a of augs) (out as Record<string, unknown>)[a] = samplers[a](n, rng);
    return out;
  };

  const render = (x: tf.Tensor4D, params: AtomicParams, rng: Rng): tf.Tensor4D => {
    assertImages(x, 'atomicViews.render');
    const n = x.shape[0];
    for (const a of augs) {
      const v = params[a];
      if (!Array.isArray(v) || v.length !== n) {
        throw new RangeError(
          `atomicViews.render: params.${a} must hold one entry per image (${n}), got ${Array.isArray(v) ? v.length : String(v)}`,
        );
      }
    }
    return tf.tidy(() => {
      let y = flip(crop(x, rng), rng);
      if (params.color && augs.includes('color')) y = applyColor(y, params.color);
      if (params.blur && augs.includes('blur')) {
        y = blurWithSigmas(y, params.blur, kernelSize ?? Math.max(5, 2 * Math.floor(Math.floor(y.shape[1] / 10) / 2) + 1));
      }
      if (params.rotation && augs.includes('rotation')) y = applyRotation(y, params.rotation);
      return y;
    });
  };

  return { augs, sample, render, maker: (x, rng) => render(x, sample(x.shape[0], rng), rng) };
}

/**
 * Colour with explicit per-image parameters, in the fixed order brightness → contrast → saturation →
 * grayscale (torchvision randomises the jitter order; a fixed order keeps the parameter a plain record),
 * clipping to [0, 1] after each step as SimCLR's code does. On one channel saturation and grayscale are
 * the identity (a gray image has no chroma). Identity parameters return the image unchanged.
 */
export function applyColor(x: tf.Tensor4D, params: readonly ColorParams[]): tf.Tensor4D {
  assertImages(x, 'applyColor');
  const n = x.shape[0];
  if (params.length !== n) throw new RangeError(`applyColor: params must hold one entry per image (${n}), got ${params.length}`);
  return tf.tidy(() => {
    // colorJitter's steps (same formulas and clipping), with the factors given instead of drawn.
    let y = adjust(
      'brightness',
      x,
      params.map((p) => p.brightness),
    );
    y = adjust(
      'contrast',
      y,
      params.map((p) => p.contrast),
    );
    if (x.shape[3] === 3) {
      y = adjust(
        'saturation',
        y,
        params.map((p) => p.saturation),
      );
      // grayscale: the luma replicated over the three channels (as randomGrayscale).
      const toGray = tf
        .tensor1d(
          params.map((p) => p.grayscale),
          'bool',
        )
        .reshape([n, 1, 1, 1])
        .broadcastTo(y.shape);
      y = tf.where(toGray, tf.tile(toLuma(y), [1, 1, 1, 3]), y) as tf.Tensor4D;
    }
    return y;
  });
}

/**
 * Rotates image i by `turns[i]`·90° counter-clockwise (`np.rot90(image, k)` on the H, W axes), exactly (no
 * interpolation). Needs square images, so the batch keeps one shape.
 */
export function applyRotation(x: tf.Tensor4D, turns: readonly number[]): tf.Tensor4D {
  assertImages(x, 'applyRotation');
  const [n, h, w] = x.shape;
  if (h !== w) throw new RangeError(`applyRotation: images must be square to rotate by 90°, got ${h}x${w}`);
  if (turns.length !== n) throw new RangeError(`applyRotation: turns must hold one entry per image (${n}), got ${turns.length}`);
  for (const k of turns) {
    if (!Number.isInteger(k) || k < 0 || k > 3)
      throw new RangeError(`applyRotation: every turn must be an integer in 0..3, got ${String(k)}`);
  }
  return tf.tidy(() => {
    let out: tf.Tensor4D = x;
    for (const k of [1, 2, 3]) {
      if (!turns.includes(k)) continue;
      const mask = tf
        .tensor1d(
          turns.map((t) => t === k),
          'bool',
        )
        .reshape([n, 1, 1, 1])
        .broadcastTo(x.shape);
      out = tf.where(mask, rot90(x, k), out) as tf.Tensor4D;
    }
    return out === x ? x.clone() : out;
  });
}

/** `np.rot90` of every image by k quarter turns (counter-clockwise): transpose and/or reverse of H, W. */
function rot90(x: tf.Tensor4D, k: number): tf.Tensor4D {
  if (k === 1) return tf.reverse(tf.transpose(x, [0, 2, 1, 3]), 1);
  if (k === 2) return tf.reverse(x, [1, 2]);
  return tf.reverse(tf.transpose(x, [0, 2, 1, 3]), 2);
}
