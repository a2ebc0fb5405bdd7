import * as tf from '@tensorflow/tfjs';
import type { ViewMaker } from '@contrastive/core';
import { assertImages, assertRange, selectPerImage } from '../augment/apply.js';
import { gaussianBlur } from '../augment/gaussian-blur.js';
import type { ViewPair } from '../augment/presets.js';

/**
 * Sequence-preserving augmentations of SeqCLR (Aberdam et al., CVPR 2021, §3.1 "augmentations"): the two
 * views must keep the characters in the same left-to-right places, or instance t of one view no longer
 * matches instance t of the other. So: no horizontal flip, no rotation, no large horizontal crop or
 * translation. Every maker is `(batch, rng) => batch` on `[N, H, W, C]` in [0, 1], shape-preserving, one
 * random draw per image from `rng`.
 *
 * The operations and ranges follow the imgaug recipe that the reimplementations of the paper use (the
 * paper's own list: linear contrast, blur, sharpen, vertical and slight horizontal crop, perspective,
 * piecewise affine; no official code). Where a range is ours, the maker's doc says why.
 */

/** Options for {@link linearContrast}. */
export interface LinearContrastOptions {
  /** α ~ U[alpha]; `out = 0.5 + α·(x − 0.5)` (imgaug `LinearContrast` about mid-grey). Default `[0.5, 1]`. */
  alpha?: [number, number];
}

/** imgaug's `LinearContrast`: scales each image's contrast about mid-grey by its own α, clipped to [0, 1]. */
export function linearContrast(opts: LinearContrastOptions = {}): ViewMaker<tf.Tensor4D> {
  const { alpha = [0.5, 1] } = opts;
  assertRange(alpha, 'linearContrast: alpha', 0);
  return (x, rng) => {
    assertImages(x, 'linearContrast');
    const a = Array.from({ length: x.shape[0] }, () => rng.range(alpha[0], alpha[1]));
    return tf.tidy(() => {
      const av = tf.tensor1d(a).reshape([-1, 1, 1, 1]);
      return tf.clipByValue(tf.add(tf.mul(tf.sub(x, 0.5), av), 0.5), 0, 1) as tf.Tensor4D;
    });
  };
}

/** Options for {@link sequenceBlur}. */
export interface SequenceBlurOptions {
  /** σ ~ U[sigma] in pixels. Default `[0.5, 1.5]` (imgaug `GaussianBlur` of the SeqCLR recipes). */
  sigma?: [number, number];
}

/** Gaussian blur with σ ∈ [0.5, 1.5] (vision's {@link gaussianBlur}, kernel 2⌈2σ_max⌉+1 so σ = 1.5 is not truncated). */
export function sequenceBlur(opts: SequenceBlurOptions = {}): ViewMaker<tf.Tensor4D> {
  const { sigma = [0.5, 1.5] } = opts;
  assertRange(sigma, 'sequenceBlur: sigma', Number.MIN_VALUE);
  return gaussianBlur({ sigma, p: 1, kernelSize: 2 * Math.ceil(2 * sigma[1]) + 1 });
}

/** Options for {@link verticalCrop} and {@link horizontalCrop}. */
export interface AxisCropOptions {
  /**
   * Fraction of the axis removed, ~ U[cut], split between the two ends at random, then resized back.
   * Defaults: vertical `[0, 0.4]` (top + bottom up to 40 %), horizontal `[0, 0.02]` (left + right up to 2 %).
   */
  cut?: [number, number];
}

/** Crops rows (top and bottom together lose a fraction ~ U[cut], default up to 40 %) and resizes back. */
export function verticalCrop(opts: AxisCropOptions = {}): ViewMaker<tf.Tensor4D> {
  return axisCrop('verticalCrop', 'rows', opts.cut ?? [0, 0.4]);
}

/**
 * Crops columns (left and right together lose up to 2 % by default) and resizes back: a slight horizontal
 * crop moves a character by at most 2 % of the width, keeping it in the same window of window-to-instance.
 */
export function horizontalCrop(opts: AxisCropOptions = {}): ViewMaker<tf.Tensor4D> {
  return axisCrop('horizontalCrop', 'cols', opts.cut ?? [0, 0.02]);
}

function axisCrop(op: string, axis: 'rows' | 'cols', cut: [number, number]): ViewMaker<tf.Tensor4D> {
  assertRange(cut, `${op}: cut`, 0);
  if (cut[1] >= 1) throw new RangeError(`${op}: cut must lie in [0, 1), got ${JSON.stringify(cut)}`);
  return (x, rng) => {
    assertImages(x, op);
    const [n, h, w] = x.shape;
    const len = axis === 'rows' ? h : w;
    const boxes = Array.from({ length: n }, () => {
      const keep = Math.max(1, Math.round(len * (1 - rng.range(cut[0], cut[1]))));
      const start = rng.int(len - keep + 1);
      // Normalised so cropAndResize samples the pixel centres start..start+keep-1 (keep = len is the identity).
      const [a, b] = len > 1 ? [start / (len - 1), (start + keep - 1) / (len - 1)] : [0, 0];
      return axis === 'rows' ? [a, 0, b, 1] : [0, a, 1, b];
    });
    return tf.tidy(() =>
      tf.image.cropAndResize(x, tf.tensor2d(boxes.flat(), [n, 4]), tf.range(0, n, 1, 'int32') as tf.Tensor1D, [h, w], 'bilinear'),
    );
  };
}

/** Options for {@link sharpen}. */
export interface SharpenOptions {
  /** Blend α ~ U[alpha] between the image and the sharpened image. Default `[0, 0.5]` (the SeqCLR recipes). */
  alpha?: [number, number];
  /**
   * Lightness L ~ U[lightness] of the sharpening kernel's centre `8 + L`. Default `[0.8, 1.2]`, imgaug's default:
   * the kernel's sum is `(1 − α) + α·L`, so the `[0, 0.5]` quoted for the recipes would darken the whole image
   * by up to 50 % rather than sharpen it.
   */
  lightness?: [number, number];
}

/**
 * imgaug's `Sharpen`: a 3×3 kernel `(1 − α)·δ + α·[[−1,−1,−1],[−1,8+L,−1],[−1,−1,−1]]` per image (edge-padded),
 * clipped to [0, 1]. One depthwise convolution with the batch folded into the channels.
 */
export function sharpen(opts: SharpenOptions = {}): ViewMaker<tf.Tensor4D> {
  const { alpha = [0, 0.5], lightness = [0.8, 1.2] } = opts;
  assertRange(alpha, 'sharpen: alpha', 0);
  if (alpha[1] > 1) throw new RangeError(`sharpen: alpha must lie in [0, 1], got ${JSON.stringify(alpha)}`);
  assertRange(lightness, 'sharpen: lightness', 0);
  return (x, rng) => {
    assertImages(x, 'sharpen');
    const [n, h, w, c] = x.shape;
    const taps: number[][] = [];
    for (let i = 0; i < n; i++) {
      const a = rng.range(alpha[0], alpha[1]);
      const l = rng.range(lightness[0], lightness[1]);
      const k = Array.from({ length: 9 }, (_, t) => (t === 4 ? 1 - a + a * (8 + l) : -a));
      for (let ch = 0; ch < c; ch++) taps.push(k);
    }
    return tf.tidy(() => {
      const kern = tf
        .tensor2d(taps, [n * c, 9])
        .transpose()
        .reshape([3, 3, n * c, 1]) as tf.Tensor4D;
      const folded = x.transpose([1, 2, 0, 3]).reshape([1, h, w, n * c]) as tf.Tensor4D;
      const padded = tf.mirrorPad(
        folded,
        [
          [0, 0],
          [1, 1],
          [1, 1],
          [0, 0],
        ],
        'symmetric',
      );
      const y = tf.depthwiseConv2d(padded, kern, 1, 'valid');
      return tf.clipByValue(y.reshape([h, w, n, c]).transpose([2, 0, 1, 3]), 0, 1) as tf.Tensor4D;
    });
  };
}

/** Options for {@link perspective}. */
export interface PerspectiveOptions {
  /** σ ~ U[scale] of the corner jitter, as a fraction of the side (imgaug `PerspectiveTransform`). Default `[0.01, 0.02]`. */
  scale?: [number, number];
}

/**
 * imgaug's `PerspectiveTransform` (keep size): each corner moves inwards by |N(0, σ)| of the side, and the
 * quadrilateral is warped back onto the whole image (bilinear, edge pixels repeated). Corners move by ~1–2 %,
 * so columns stay in order. One `tf.image.transform` per image (tfjs 4.22's cpu kernel mis-indexes batches).
 */
export function perspective(opts: PerspectiveOptions = {}): ViewMaker<tf.Tensor4D> {
  const { scale = [0.01, 0.02] } = opts;
  assertRange(scale, 'perspective: scale', 0);
  if (scale[1] > 0.2)
    throw new RangeError(`perspective: scale must be at most 0.2 (a sequence-preserving warp), got ${JSON.stringify(scale)}`);
  return (x, rng) => {
    assertImages(x, 'perspective');
    const [n, h, w] = x.shape;
    const rows = Array.from({ length: n }, () => {
      const s = rng.range(scale[0], scale[1]);
      const dx = () => Math.abs(rng.normal()) * s * (w - 1);
      const dy = () => Math.abs(rng.normal()) * s * (h - 1);
      // Output corners (the full image) → input corners moved inwards: TL, TR, BR, BL.
      const out: [number, number][] = [
        [0, 0],
        [w - 1, 0],
        [w - 1, h - 1],
        [0, h - 1],
      ];
      const inp: [number, number][] = [
        [dx(), dy()],
        [w - 1 - dx(), dy()],
        [w - 1 - dx(), h - 1 - dy()],
        [dx(), h - 1 - dy()],
      ];
      return homography(out, inp);
    });
    return tf.tidy(() => {
      const parts = tf
        .split(x, n, 0)
        .map((xi, i) => tf.image.transform(xi as tf.Tensor4D, tf.tensor2d([rows[i]!], [1, 8]), 'bilinear', 'nearest'));
      return tf.concat(parts, 0) as tf.Tensor4D;
    });
  };
}

/**
 * The 8 coefficients `[a0..a7]` of the projective map sending each `from[k]` to `to[k]` (x' = (a0x + a1y + a2)/k,
 * y' = (a3x + a4y + a5)/k, k = a6x + a7y + 1; `tf.image.transform`'s convention), by Gaussian elimination.
 */
export function homography(from: readonly [number, number][], to: readonly [number, number][]): number[] {
  const a: number[][] = [];
  for (let k = 0; k < 4; k++) {
    const [x, y] = from[k]!;
    const [u, v] = to[k]!;
    a.push([x, y, 1, 0, 0, 0, -u * x, -u * y, u]);
    a.push([0, 0, 0, x, y, 1, -v * x, -v * y, v]);
  }
  for (let col = 0; col < 8; col++) {
    let piv = col;
    for (let r = col + 1; r < 8; r++) if (Math.abs(a[r]![col]!) > Math.abs(a[piv]![col]!)) piv = r;
    [a[col], a[piv]] = [a[piv]!, a[col]!];
    const p = a[col]![col]!;
    if (Math.abs(p) < 1e-12) throw new RangeError('homography: degenerate corner points');
    for (let r = 0; r < 8; r++) {
      if (r === col) continue;
      const f = a[r]![col]! / p;
      for (let c = col; c < 9; c++) a[r]![c]! -= f * a[col]![c]!;
    }
  }
  return a.map((row, i) => row[8]! / row[i]!);
}

/** Options for {@link gridWarp}. */
export interface GridWarpOptions {
  /** σ ~ U[scale] of the control-point jitter, as a fraction of the height / width. Default `[0.02, 0.03]`. */
  scale?: [number, number];
  /** Control points per axis (imgaug `PiecewiseAffine`'s `nb_rows` = `nb_cols` = 4). Default 4. */
  points?: number;
}

/**
 * A small local warp standing in for imgaug's `PiecewiseAffine(scale 0.02–0.03)`: a regular grid of
 * `points × points` control points is jittered by N(0, σ) of the height / width, and the displacement is
 * interpolated bilinearly between them (imgaug interpolates linearly inside triangles; both agree at the
 * control points and are equally smooth at this scale). Sampling is bilinear with edge clamping.
 */
export function gridWarp(opts: GridWarpOptions = {}): ViewMaker<tf.Tensor4D> {
  const { scale = [0.02, 0.03], points = 4 } = opts;
  assertRange(scale, 'gridWarp: scale', 0);
  if (scale[1] > 0.1)
    throw new RangeError(`gridWarp: scale must be at most 0.1 (a sequence-preserving warp), got ${JSON.stringify(scale)}`);
  if (!Number.isInteger(points) || points < 2) throw new RangeError(`gridWarp: points must be an integer >= 2, got ${String(points)}`);
  return (x, rng) => {
    assertImages(x, 'gridWarp');
    const [n, h, w, c] = x.shape;
    const idx = new Int32Array(n * h * w * 4);
    const wt = new Float32Array(n * h * w * 4);
    // Bilinear interpolation of the control grid: the cell and fraction of each row and column, once.
    const rows = cellsOf(h, points);
    const cols = cellsOf(w, points);
    const gx = new Float64Array(points * points);
    const gy = new Float64Array(points * points);
    for (let i = 0; i < n; i++) {
      const s = rng.range(scale[0], scale[1]);
      for (let k = 0; k < points * points; k++) gx[k] = rng.normal() * s * w;
      for (let k = 0; k < points * points; k++) gy[k] = rng.normal() * s * h;
      const base = i * h * w;
      for (let y = 0; y < h; y++) {
        const r0 = rows.cell[y]!;
        const ty = rows.frac[y]!;
        for (let xx = 0; xx < w; xx++) {
          const c0 = cols.cell[xx]!;
          const tx = cols.frac[xx]!;
          const a = r0 * points + c0;
          const b = a + points;
          const w00 = (1 - ty) * (1 - tx);
          const w01 = (1 - ty) * tx;
          const w10 = ty * (1 - tx);
          const w11 = ty * tx;
          const dx = w00 * gx[a]! + w01 * gx[a + 1]! + w10 * gx[b]! + w11 * gx[b + 1]!;
          const dy = w00 * gy[a]! + w01 * gy[a + 1]! + w10 * gy[b]! + w11 * gy[b + 1]!;
          const sy = clamp(y + dy, 0, h - 1);
          const sx = clamp(xx + dx, 0, w - 1);
          const y0 = Math.floor(sy);
          const x0 = Math.floor(sx);
          const y1 = Math.min(y0 + 1, h - 1);
          const x1 = Math.min(x0 + 1, w - 1);
          const fy = sy - y0;
          const fx = sx - x0;
          const o = (base + y * w + xx) * 4;
          idx[o] = base + y0 * w + x0;
          idx[o + 1] = base + y0 * w + x1;
          idx[o + 2] = base + y1 * w + x0;
          idx[o + 3] = base + y1 * w + x1;
          wt[o] = (1 - fy) * (1 - fx);
          wt[o + 1] = (1 - fy) * fx;
          wt[o + 2] = fy * (1 - fx);
          wt[o + 3] = fy * fx;
        }
      }
    }
    return tf.tidy(() => {
      const flat = x.reshape([n * h * w, c]);
      const g = tf.gather(flat, tf.tensor1d(idx, 'int32')).reshape([n * h * w, 4, c]);
      return tf.sum(tf.mul(g, tf.tensor2d(wt, [n * h * w, 4]).expandDims(2)), 1).reshape([n, h, w, c]) as tf.Tensor4D;
    });
  };
}

/** For each of `len` pixels: the control-grid cell (0..points−2) it falls in and its fraction inside it. */
function cellsOf(len: number, points: number): { cell: Int32Array; frac: Float64Array } {
  const cell = new Int32Array(len);
  const frac = new Float64Array(len);
  for (let v = 0; v < len; v++) {
    const f = (len > 1 ? v / (len - 1) : 0) * (points - 1);
    cell[v] = Math.min(Math.floor(f), points - 2);
    frac[v] = f - cell[v]!;
  }
  return { cell, frac };
}

const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));

/** Options for {@link someOf}. */
export interface SomeOfOptions {
  /** Each image gets k ~ U{min..max} distinct operations (imgaug `SomeOf((1, 5), …)`). Default `[1, 5]`. */
  count?: [number, number];
}

/**
 * imgaug's `SomeOf`: each image draws its own number k of operations and which k, and they run in list
 * order. Every operation runs once on the batch (when any image picked it) and is kept only for the images
 * that picked it.
 */
export function someOf(ops: readonly ViewMaker<tf.Tensor4D>[], opts: SomeOfOptions = {}): ViewMaker<tf.Tensor4D> {
  const { count = [1, 5] } = opts;
  if (ops.length === 0) throw new RangeError('someOf: ops must hold at least one view maker');
  if (!Number.isInteger(count[0]) || !Number.isInteger(count[1]) || count[0] < 0 || count[1] < count[0] || count[1] > ops.length) {
    throw new RangeError(`someOf: count must be integers [lo, hi] with 0 <= lo <= hi <= ${ops.length}, got ${JSON.stringify(count)}`);
  }
  return (x, rng) => {
    assertImages(x, 'someOf');
    const n = x.shape[0];
    const picked = Array.from({ length: n }, () => {
      const k = count[0] + rng.int(count[1] - count[0] + 1);
      return new Set(rng.permutation(ops.length).slice(0, k));
    });
    return tf.tidy(() => {
      let y = x;
      ops.forEach((op, j) => {
        const mask = picked.map((s) => s.has(j));
        if (!mask.some(Boolean)) return;
        y = selectPerImage(mask, op(y, rng), y);
      });
      return y === x ? x.clone() : y;
    });
  };
}

/**
 * SeqCLR's view maker, the same for both views: `someOf([1, 5])` of linear contrast (α 0.5–1), Gaussian blur
 * (σ 0.5–1.5), vertical crop (up to 40 %), slight horizontal crop (up to 2 %), sharpen (α 0–0.5), perspective
 * (1–2 %) and a small grid warp (2–3 %, for piecewise affine). No flip, rotation or large horizontal crop.
 */
export function seqclrViews(): ViewPair {
  const m = someOf([linearContrast(), sequenceBlur(), verticalCrop(), horizontalCrop(), sharpen(), perspective(), gridWarp()], {
    count: [1, 5],
  });
  return [m, m];
}
