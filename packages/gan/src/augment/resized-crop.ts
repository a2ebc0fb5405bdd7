import * as tf from '@tensorflow/tfjs';
import type { Rng, ViewMaker } from '@contrastive/core';
import { assertImages, assertInterval } from './apply.js';

/** Options of {@link differentiableResizedCrop}. */
export interface DifferentiableResizedCropOptions {
  /** Range of the crop's area as a fraction of the image (ContraD's `RandomResizeCropLayer.scale`). Default `[0.2, 1]`. */
  scale?: [number, number];
  /** Range of the crop's aspect ratio w/h, sampled log-uniformly. Default `[3/4, 4/3]` (the code's default). */
  ratio?: [number, number];
}

/**
 * One image's crop as the code's affine `theta = [[sx, 0, tx], [0, sy, ty]]` in normalised coordinates
 * (`affine_grid`, `align_corners=False`): output x ∈ [−1, 1] samples the input at `sx·x + tx`.
 */
export interface CropTransform {
  sx: number;
  sy: number;
  tx: number;
  ty: number;
}

/**
 * Draws a crop the way `augment/spatial.py::RandomResizeCropLayer.forward` does for one image: area
 * ~ U[scale]·H·W, log aspect ratio ~ U[log ratio], `w = round(√(area·r))`, `h = round(√(area/r))`, kept
 * when 0 < w ≤ W and 0 < h ≤ H; the offset is an integer in [w−W, W−w] divided by W (likewise for y).
 *
 * Departure: the code draws 10·N candidates for the whole batch and assigns the valid ones to the first images
 * (the rest keep the identity); here each image gets up to 10 candidates of its own and keeps the identity when
 * none fits (with scale ≤ 1 and ratio [3/4, 4/3] a candidate almost always fits).
 */
export function sampleCropTransform(
  h: number,
  w: number,
  scale: readonly [number, number],
  ratio: readonly [number, number],
  rng: Rng,
): CropTransform {
  const [lr0, lr1] = [Math.log(ratio[0]), Math.log(ratio[1])];
  for (let attempt = 0; attempt < 10; attempt++) {
    const area = rng.range(scale[0], scale[1]) * h * w;
    const r = Math.exp(rng.range(lr0, lr1));
    const cw = Math.round(Math.sqrt(area * r));
    const ch = Math.round(Math.sqrt(area / r));
    if (cw > 0 && cw <= w && ch > 0 && ch <= h) {
      // np.random.randint(lo, hi + 1) = lo + int(hi − lo + 1)
      const bx = cw - w + rng.int(2 * (w - cw) + 1);
      const by = ch - h + rng.int(2 * (h - ch) + 1);
      return { sx: cw / w, sy: ch / h, tx: bx / w, ty: by / h };
    }
  }
  return { sx: 1, sy: 1, tx: 0, ty: 0 };
}

/**
 * The `[size, size]` matrix of bilinear weights that resamples one axis: row o holds the weights of the input
 * pixels at the sampling point of output o, as `grid_sample(mode='bilinear', padding_mode='reflection',
 * align_corners=False)` computes it (the point reflected into [−0.5, size − 0.5], then clipped to
 * [0, size − 1]). Each row sums to 1, so the resampled image stays in the input's range.
 */
export function interpolationMatrix(size: number, scale: number, shift: number): Float32Array {
  const m = new Float32Array(size * size);
  for (let o = 0; o < size; o++) {
    const xn = (2 * o + 1) / size - 1;
    let p = ((scale * xn + shift + 1) * size - 1) / 2;
    // reflect_coordinates(p, −0.5, size − 0.5), then clip_coordinates(p, 0, size − 1)
    const span = size;
    const d = Math.abs(p + 0.5);
    const flips = Math.floor(d / span);
    const extra = d - flips * span;
    p = flips % 2 === 0 ? extra - 0.5 : span - extra - 0.5;
    p = Math.min(Math.max(p, 0), size - 1);
    const i0 = Math.floor(p);
    const i1 = Math.min(i0 + 1, size - 1);
    const frac = p - i0;
    m[o * size + i0] = (m[o * size + i0] ?? 0) + 1 - frac;
    m[o * size + i1] = (m[o * size + i1] ?? 0) + frac;
  }
  return m;
}

/**
 * Applies per-image axis-aligned affine resamplings: `out[n] = Ry[n] · x[n] · Rx[n]ᵀ` for every channel, with
 * `Ry` `[N, H, H]` and `Rx` `[N, W, W]` interpolation matrices. Only batched matMul, reshape and transpose —
 * all differentiable w.r.t. `x` on every backend (tfjs's `cropAndResize` has no gradient).
 */
export function resampleSeparable(x: tf.Tensor4D, ry: tf.Tensor3D, rx: tf.Tensor3D): tf.Tensor4D {
  return tf.tidy(() => {
    const [n, h, w, c] = x.shape;
    const rows = tf.matMul(ry, tf.reshape(x, [n, h, w * c])); // [N, H, W·C]
    const cols = tf.reshape(tf.transpose(tf.reshape(rows, [n, h, w, c]), [0, 2, 1, 3]), [n, w, h * c]);
    const out = tf.matMul(rx, cols); // [N, W, H·C]
    return tf.transpose(tf.reshape(out, [n, w, h, c]), [0, 2, 1, 3]) as tf.Tensor4D;
  });
}

/**
 * Random resized crop that back-propagates to the image — ContraD's `RandomResizeCropLayer`
 * (`augment/spatial.py`: an `affine_grid` + bilinear `grid_sample` with reflection padding). Each image draws
 * its crop ({@link sampleCropTransform}) and is resampled to its own size with separable bilinear interpolation
 * matrices ({@link interpolationMatrix}, {@link resampleSeparable}); values stay in the input's range.
 * `[N, H, W, C]` → `[N, H, W, C]`, randomness from `rng` only.
 */
export function differentiableResizedCrop(opts: DifferentiableResizedCropOptions = {}): ViewMaker<tf.Tensor4D> {
  const { scale = [0.2, 1], ratio = [3 / 4, 4 / 3] } = opts;
  assertInterval(scale, 'differentiableResizedCrop: scale', Number.MIN_VALUE, 1);
  assertInterval(ratio, 'differentiableResizedCrop: ratio', Number.MIN_VALUE);
  return (x, rng) => {
    assertImages(x, 'differentiableResizedCrop');
    const [n, h, w] = x.shape;
    const crops = Array.from({ length: n }, () => sampleCropTransform(h, w, scale, ratio, rng));
    const ry = new Float32Array(n * h * h);
    const rx = new Float32Array(n * w * w);
    crops.forEach((t, i) => {
      ry.set(interpolationMatrix(h, t.sy, t.ty), i * h * h);
      rx.set(interpolationMatrix(w, t.sx, t.tx), i * w * w);
    });
    return tf.tidy(() => resampleSeparable(x, tf.tensor3d(ry, [n, h, h]), tf.tensor3d(rx, [n, w, w])));
  };
}
