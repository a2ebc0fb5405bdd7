/**
 * Image batches laid out as one grid image (Node: `RasterCanvas`, pngjs): GAN sample grids and interpolation strips,
 * retrieval contact sheets, nearest-neighbour views.
 */
import type * as tf from '@tensorflow/tfjs';
import { RasterCanvas } from './canvas.js';

/** Options of {@link imageGridPng}. */
export interface ImageGridOptions {
  /** Images per row. Default: ⌈√N⌉. */
  columns?: number;
  /** Pixels between images (and around the grid). Default 2. */
  padding?: number;
  /** Each image pixel drawn as scale × scale screen pixels. Default 2. */
  scale?: number;
  /** Background between the images, grey level 0–255. Default 255 (white). */
  background?: number;
}

/** {@link imageGridCanvas} encoded as PNG. */
export function imageGridPng(images: tf.Tensor4D, opts: ImageGridOptions = {}): Buffer {
  return imageGridCanvas(images, opts).toPng();
}

/**
 * `images` `[N, H, W, C]` (C = 1 or 3, values in [0, 1]; clipped, NaN drawn black) laid out in a grid. Reads the
 * tensor once (`dataSync`); the caller keeps ownership of it.
 */
export function imageGridCanvas(images: tf.Tensor4D, opts: ImageGridOptions = {}): RasterCanvas {
  const [n, h, w, c] = images.shape;
  if (n < 1) throw new RangeError('imageGridPng: no images');
  if (c !== 1 && c !== 3) throw new RangeError(`imageGridPng: images must have 1 or 3 channels, got ${c}`);
  const columns = opts.columns ?? Math.ceil(Math.sqrt(n));
  const padding = opts.padding ?? 2;
  const scale = opts.scale ?? 2;
  const bg = opts.background ?? 255;
  for (const [name, v, min] of [
    ['columns', columns, 1],
    ['padding', padding, 0],
    ['scale', scale, 1],
  ] as const) {
    if (!Number.isInteger(v) || v < min) throw new RangeError(`imageGridPng: ${name} must be an integer >= ${min}, got ${String(v)}`);
  }
  const rows = Math.ceil(n / columns);
  const cellW = w * scale;
  const cellH = h * scale;
  const canvas = new RasterCanvas(columns * (cellW + padding) + padding, rows * (cellH + padding) + padding, [bg, bg, bg]);
  const data = images.dataSync();
  const byte = (v: number): number => Math.round(Math.min(1, Math.max(0, Number.isFinite(v) ? v : 0)) * 255);
  for (let i = 0; i < n; i++) {
    const x0 = padding + (i % columns) * (cellW + padding);
    const y0 = padding + Math.floor(i / columns) * (cellH + padding);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const o = ((i * h + y) * w + x) * c;
        const r = byte(data[o]!);
        const color: [number, number, number] = c === 1 ? [r, r, r] : [r, byte(data[o + 1]!), byte(data[o + 2]!)];
        canvas.fillRect(x0 + x * scale, y0 + y * scale, scale, scale, color);
      }
    }
  }
  return canvas;
}
