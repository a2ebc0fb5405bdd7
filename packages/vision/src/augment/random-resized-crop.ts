import * as tf from '@tensorflow/tfjs';
import type { Rng, ViewMaker } from '@contrastive/core';
import { assertImages, assertRange } from './apply.js';

/** Options for {@link randomResizedCrop}. */
export interface RandomResizedCropOptions {
  /** Output size `[height, width]`; default: the input's size. */
  size?: [number, number];
  /** Range of the crop's area as a fraction of the image. Default `[0.08, 1]` (SimCLR, torchvision). */
  scale?: [number, number];
  /** Range of the crop's aspect ratio w/h, sampled log-uniformly. Default `[3/4, 4/3]`. */
  ratio?: [number, number];
}

/**
 * Picks a crop box the torchvision way (`RandomResizedCrop.get_params`): up to 10 tries of area ~ U[scale]
 * and log-ratio ~ U[log ratio]; when none fits, the largest centred crop with the ratio clamped. Returns
 * a normalised box `[y1, x1, y2, x2]` for `tf.image.cropAndResize`.
 */
export function sampleCropBox(
  h: number,
  w: number,
  scale: readonly [number, number],
  ratio: readonly [number, number],
  rng: Rng,
): [number, number, number, number] {
  const area = h * w;
  const [lr0, lr1] = [Math.log(ratio[0]), Math.log(ratio[1])];
  for (let attempt = 0; attempt < 10; attempt++) {
    const target = area * rng.range(scale[0], scale[1]);
    const ar = Math.exp(rng.range(lr0, lr1));
    const cw = Math.round(Math.sqrt(target * ar));
    const ch = Math.round(Math.sqrt(target / ar));
    if (cw > 0 && ch > 0 && cw <= w && ch <= h) {
      const top = rng.int(h - ch + 1);
      const left = rng.int(w - cw + 1);
      return toBox(top, left, ch, cw, h, w);
    }
  }
  const inRatio = w / h;
  let cw = w;
  let ch = h;
  if (inRatio < ratio[0]) ch = Math.round(w / ratio[0]);
  else if (inRatio > ratio[1]) cw = Math.round(h * ratio[1]);
  return toBox(Math.floor((h - ch) / 2), Math.floor((w - cw) / 2), ch, cw, h, w);
}

/**
 * Pixel rows top..top+ch-1 map to normalised coordinates so that cropAndResize samples exactly the pixel
 * centres of the crop (a full-image crop at the same size is the identity).
 */
function toBox(top: number, left: number, ch: number, cw: number, h: number, w: number): [number, number, number, number] {
  const ny = (v: number) => (h > 1 ? v / (h - 1) : 0);
  const nx = (v: number) => (w > 1 ? v / (w - 1) : 0);
  return [ny(top), nx(left), ny(top + ch - 1), nx(left + cw - 1)];
}

/**
 * Random resized crop (Szegedy et al. 2015; the main augmentation of SimCLR, Chen et al. 2020): each
 * image gets its own box (area fraction ~ U[scale], aspect ratio log-uniform in `ratio`), bilinearly
 * resized to `size` with one batched `tf.image.cropAndResize`. `[N,H,W,C]` → `[N,h,w,C]`.
 */
export function randomResizedCrop(opts: RandomResizedCropOptions = {}): ViewMaker<tf.Tensor4D> {
  const { scale = [0.08, 1], ratio = [3 / 4, 4 / 3] } = opts;
  assertRange(scale, 'randomResizedCrop: scale', 0);
  if (scale[1] > 1 || scale[1] <= 0) throw new RangeError(`randomResizedCrop: scale must lie in (0, 1], got ${JSON.stringify(scale)}`);
  assertRange(ratio, 'randomResizedCrop: ratio', Number.MIN_VALUE);
  return (x, rng) => {
    assertImages(x, 'randomResizedCrop');
    const [n, h, w] = x.shape;
    const size = opts.size ?? [h, w];
    const boxes = Array.from({ length: n }, () => sampleCropBox(h, w, scale, ratio, rng));
    return tf.tidy(() =>
      tf.image.cropAndResize(x, tf.tensor2d(boxes, [n, 4]), tf.range(0, n, 1, 'int32') as tf.Tensor1D, size, 'bilinear'),
    );
  };
}
