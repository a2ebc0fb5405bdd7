import * as tf from '@tensorflow/tfjs';
import type { Rng, ViewMaker } from '@contrastive/core';
import { assertImages, assertProbability } from './apply.js';
import { toLuma } from './grayscale.js';

/**
 * InvCLR's colour distortion with continuous parameters α as tensor ops (Foster, Pukdee & Rainforth,
 * ICLR 2021; `ae-foster/invclr` `data/augmentation.py`), so that a representation can be differentiated
 * with respect to α.
 *
 * Per image, α = (brightness, contrast, saturation, hue) factors drawn from SimCLR's jitter ranges of
 * strength s: brightness, contrast, saturation ~ U[max(0, 1 − 0.8s), 1 + 0.8s], hue ~ U[−0.2s, 0.2s].
 * The adjustments run in the official code's **fixed order** (brightness → contrast → saturation → hue;
 * torchvision/SimCLR shuffle it, the official tensor version does not), each clamped to [0, 1] except hue
 * (as in the code). The jitter is applied with p = 0.8 and grayscale with p = 0.2 afterwards: both are
 * Bernoulli draws, not part of α (the code mixes `y·1[apply] + x·(1 − 1[apply])`, so an image without jitter
 * has ∂/∂α = 0). Crop and flip happen before this, outside the penalty.
 *
 * Grayscale images (C = 1): saturation and hue are the identity on a gray image (their ∂/∂α is 0), so α
 * holds only (brightness, contrast) and the grayscale draw does nothing.
 */
export interface DifferentiableColorOptions {
  /** Colour strength s of SimCLR's recipe (0.8s, 0.8s, 0.8s, 0.2s). Default 0.5 (the official code's CIFAR value, `get_datasets(s=0.5)`). */
  strength?: number;
  /** Probability that an image is jittered at all. Default 0.8. */
  p?: number;
  /** Probability that an RGB image is turned gray after the jitter. Default 0.2. */
  grayscaleP?: number;
}

/** Names of the entries of α, in order, for images of `channels` channels. */
export function colorParamNames(channels: number): readonly string[] {
  return channels === 3 ? ['brightness', 'contrast', 'saturation', 'hue'] : ['brightness', 'contrast'];
}

/** One draw of the colour distortion for a batch: α `[N, P]` (row-major) and the two Bernoulli masks. */
export interface ColorDraw {
  /** Images in the batch. */
  n: number;
  /** Entries per image: 4 for RGB, 2 for grayscale. */
  params: number;
  /** α, `n × params`, row-major. */
  alpha: Float32Array;
  /** 1 where the jitter is applied (p), else 0. */
  apply: Float32Array;
  /** 1 where an RGB image is made gray (grayscaleP), else 0 (always 0 for C = 1). */
  gray: Float32Array;
}

/** Resolved options, validated. */
export function resolveColorOptions(opts: DifferentiableColorOptions = {}): Required<DifferentiableColorOptions> {
  const { strength = 0.5, p = 0.8, grayscaleP = 0.2 } = opts;
  if (!(strength >= 0 && strength <= 2.5) || !Number.isFinite(strength)) {
    // 0.2s ≤ 0.5 keeps the hue shift within half a turn, as torchvision requires.
    throw new RangeError(`differentiable colour: strength must be in [0, 2.5], got ${String(strength)}`);
  }
  assertProbability(p, 'differentiable colour: p');
  assertProbability(grayscaleP, 'differentiable colour: grayscaleP');
  return { strength, p, grayscaleP };
}

/** The `[lo, hi]` range of each entry of α (the official `_check_input` ranges for strength s). */
export function colorParamRanges(channels: number, strength: number): [number, number][] {
  const f = 0.8 * strength;
  const factor: [number, number] = [Math.max(0, 1 - f), 1 + f];
  const all: [number, number][] = [factor, factor, factor, [-0.2 * strength, 0.2 * strength]];
  return all.slice(0, colorParamNames(channels).length);
}

/**
 * Draws α for `n` images (uniform in {@link colorParamRanges}; every image gets a full α, jittered or not, as
 * `sample_random_numbers` does) and the apply / grayscale masks.
 */
export function sampleColorDraw(n: number, channels: number, rng: Rng, opts: DifferentiableColorOptions = {}): ColorDraw {
  const { strength, p, grayscaleP } = resolveColorOptions(opts);
  const ranges = colorParamRanges(channels, strength);
  const params = ranges.length;
  const alpha = new Float32Array(n * params);
  const apply = new Float32Array(n);
  const gray = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < params; j++) alpha[i * params + j] = rng.range(ranges[j]![0], ranges[j]![1]);
    apply[i] = p >= 1 || (p > 0 && rng.bernoulli(p)) ? 1 : 0;
    gray[i] = channels === 3 && grayscaleP > 0 && (grayscaleP >= 1 || rng.bernoulli(grayscaleP)) ? 1 : 0;
  }
  return { n, params, alpha, apply, gray };
}

/**
 * Draws `k` further α′ for each of `n` images: `[k, n, P]` row-major (the code's `rn_extra`, K = 100 rows
 * per image). Only α is resampled; the apply / grayscale draws stay those of the view.
 */
export function sampleColorParams(k: number, n: number, channels: number, rng: Rng, strength = 0.5): Float32Array {
  const ranges = colorParamRanges(channels, strength);
  const out = new Float32Array(k * n * ranges.length);
  for (let i = 0; i < out.length; i++) {
    const r = ranges[i % ranges.length]!;
    out[i] = rng.range(r[0], r[1]);
  }
  return out;
}

// YIQ ↔ RGB as in the official `adjust_hue` (T_yiq, T_rgb).
const T_YIQ = [
  [0.299, 0.587, 0.114],
  [0.596, -0.274, -0.321],
  [0.211, -0.523, 0.311],
];
const T_RGB = [
  [1, 0.956, 0.621],
  [1, -0.272, -0.647],
  [1, -1.107, 1.705],
];

/**
 * The colour distortion t(x, α) with the masks of `draw`: differentiable in `alpha` `[N, P]` (and in `x`).
 * `x` is `[N, H, W, C]` in [0, 1]. Call inside `tf.tidy` (or a gradient function).
 */
export function applyDifferentiableColor(x: tf.Tensor4D, alpha: tf.Tensor2D, apply: tf.Tensor1D, gray: tf.Tensor1D): tf.Tensor4D {
  assertImages(x, 'applyDifferentiableColor');
  const [n, h, w, c] = x.shape;
  const params = colorParamNames(c).length;
  if (alpha.rank !== 2 || alpha.shape[0] !== n || alpha.shape[1] !== params) {
    throw new RangeError(
      `applyDifferentiableColor: alpha must be [${n}, ${params}] for ${c}-channel images, got [${alpha.shape.join(', ')}]`,
    );
  }
  const col = (j: number) => alpha.slice([0, j], [n, 1]).reshape([n, 1, 1, 1]);
  const clip = (t: tf.Tensor) => tf.clipByValue(t, 0, 1) as tf.Tensor4D;
  // brightness: x·b
  let y = clip(x.mul(col(0)));
  // contrast: x·c + mean(luma(x))·(1 − c)
  const cf = col(1);
  y = clip(y.mul(cf).add(toLuma(y).mean([1, 2, 3], true).mul(tf.scalar(1).sub(cf))));
  if (c === 3) {
    // saturation: x·s + luma(x)·(1 − s)
    const sf = col(2);
    y = clip(y.mul(sf).add(toLuma(y).mul(tf.scalar(1).sub(sf))));
    // hue: pixels × (T_rgb · R(2πh) · T_yiq)ᵀ, no clamp (as in the code)
    y = hueRotate(y, alpha.slice([0, 3], [n, 1]).reshape([n]));
  }
  const on = apply.reshape([n, 1, 1, 1]);
  let out = y.mul(on).add(x.mul(tf.scalar(1).sub(on))) as tf.Tensor4D;
  if (c === 3) {
    const g = gray.reshape([n, 1, 1, 1]);
    out = out.mul(tf.scalar(1).sub(g)).add(toLuma(out).mul(g)) as tf.Tensor4D;
  }
  return out.reshape([n, h, w, c]) as tf.Tensor4D;
}

/** Per-image hue rotation in YIQ space by `2π·shift`, differentiable in `shift` `[N]`. */
function hueRotate(x: tf.Tensor4D, shift: tf.Tensor1D): tf.Tensor4D {
  const [n, h, w] = x.shape;
  const t = shift.mul(2 * Math.PI);
  const cos = tf.cos(t);
  const sin = tf.sin(t);
  const one = tf.onesLike(t);
  const zero = tf.zerosLike(t);
  const rot = tf.stack([one, zero, zero, zero, cos, sin.neg(), zero, sin, cos], 1).reshape([n, 3, 3]);
  const m = tf.matMul(tf.matMul(tf.tensor2d(T_RGB).expandDims(0).tile([n, 1, 1]), rot), tf.tensor2d(T_YIQ).expandDims(0).tile([n, 1, 1]));
  // pixel rows [N, HW, 3] × Mᵀ
  return tf.matMul(x.reshape([n, h * w, 3]), m, false, true).reshape([n, h, w, 3]) as tf.Tensor4D;
}

/** The tensors of a draw: α `[N, P]`, apply `[N]`, gray `[N]` (the caller disposes them). */
export function drawTensors(draw: ColorDraw): { alpha: tf.Tensor2D; apply: tf.Tensor1D; gray: tf.Tensor1D } {
  return {
    alpha: tf.tensor2d(draw.alpha, [draw.n, draw.params]),
    apply: tf.tensor1d(draw.apply),
    gray: tf.tensor1d(draw.gray),
  };
}

/**
 * The colour distortion as an ordinary view maker (draw α and the masks from `rng`, apply): InvCLR's second
 * view, and the colour part of its views for scoring and test-time feature averaging.
 */
export function differentiableColorJitter(opts: DifferentiableColorOptions = {}): ViewMaker<tf.Tensor4D> {
  const o = resolveColorOptions(opts);
  return (x, rng) => {
    assertImages(x, 'differentiableColorJitter');
    const draw = sampleColorDraw(x.shape[0], x.shape[3], rng, o);
    return tf.tidy(() => {
      const t = drawTensors(draw);
      return applyDifferentiableColor(x, t.alpha, t.apply, t.gray);
    });
  };
}
