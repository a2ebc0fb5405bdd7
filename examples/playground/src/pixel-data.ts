/**
 * Operations on {@link PixelData} (images as bytes) shared by the page and the worker. No import of
 * @contrastive/core here: its root loads tfjs, which the page's main thread never needs (only the worker does).
 */
import type { PixelData } from './protocol.js';
import type { IdxBytes } from './idx.js';

/** Bytes per image. */
export const imageBytes = (d: PixelData): number => d.height * d.width * d.channels;

/** A data set from an IDX images array `[n, h, w]` and an optional labels array `[n]` (grayscale). */
export function fromIdx(images: IdxBytes, labels: IdxBytes | null, classNames: string[] | null): PixelData {
  if (images.dims.length !== 3) throw new Error(`an IDX images file has 3 dims [n, height, width], got [${images.dims.join(', ')}]`);
  const [n, height, width] = images.dims as [number, number, number];
  if (labels !== null && (labels.dims.length !== 1 || labels.dims[0] !== n)) {
    throw new Error(`the IDX labels file holds [${labels.dims.join(', ')}], not ${n} labels`);
  }
  return {
    pixels: images.data,
    n,
    height,
    width,
    channels: 1,
    labels: labels === null ? null : Int32Array.from(labels.data),
    classNames,
  };
}

/** The images at `indices` (in that order) as a new data set. */
export function selectImages(d: PixelData, indices: ArrayLike<number>): PixelData {
  const size = imageBytes(d);
  const pixels = new Uint8Array(indices.length * size);
  const labels = d.labels === null ? null : new Int32Array(indices.length);
  for (let i = 0; i < indices.length; i++) {
    const j = indices[i]!;
    if (!(j >= 0 && j < d.n)) throw new RangeError(`index ${j} is outside the ${d.n} images`);
    pixels.set(d.pixels.subarray(j * size, (j + 1) * size), i * size);
    if (labels !== null) labels[i] = d.labels![j]!;
  }
  return { ...d, pixels, n: indices.length, labels };
}

/** A seeded Fisher–Yates permutation of 0..n-1 (mulberry32). */
export function shuffled(n: number, seed: number): number[] {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  return order;
}

/**
 * Splits one data set into training images and a held-out slice of about `fraction` of them, by a seeded
 * shuffle within each class (stratified, as core's `stratifiedSplit`: a class of 2+ images gives at least
 * one, a class of one gives none) or over all images when there are no labels. Both sides keep the original
 * order. Throws when fewer than 2 images.
 */
export function holdOut(d: PixelData, fraction: number, seed: number): { train: PixelData; heldOut: PixelData } {
  if (d.n < 2) throw new Error(`need at least 2 images to hold some out, got ${d.n}`);
  if (!(fraction > 0 && fraction < 1)) throw new RangeError(`fraction must be in (0, 1), got ${fraction}`);
  const groups = new Map<number, number[]>();
  for (let i = 0; i < d.n; i++) {
    const y = d.labels?.[i] ?? 0;
    const members = groups.get(y);
    if (members) members.push(i);
    else groups.set(y, [i]);
  }
  const held = new Set<number>();
  for (const [y, members] of [...groups].sort((a, b) => a[0] - b[0])) {
    const count = members.length < 2 ? 0 : Math.min(members.length - 1, Math.max(1, Math.round(fraction * members.length)));
    for (const k of shuffled(members.length, seed + y).slice(0, count)) held.add(members[k]!);
  }
  if (held.size === 0) held.add(d.n - 1); // every class has one image: hold out the last
  const all = Array.from({ length: d.n }, (_, i) => i);
  return {
    train: selectImages(
      d,
      all.filter((i) => !held.has(i)),
    ),
    heldOut: selectImages(
      d,
      all.filter((i) => held.has(i)),
    ),
  };
}

/** The first `count` images (all when there are fewer). */
export const firstImages = (d: PixelData, count: number): PixelData =>
  count >= d.n
    ? d
    : selectImages(
        d,
        Array.from({ length: count }, (_, i) => i),
      );

/** Image `index` as RGBA bytes for an `ImageData` (grayscale repeated over R, G and B). */
export function toRgba(d: PixelData, index: number): Uint8ClampedArray<ArrayBuffer> {
  const px = d.height * d.width;
  const out = new Uint8ClampedArray(px * 4);
  const base = index * px * d.channels;
  for (let p = 0; p < px; p++) {
    for (let c = 0; c < 3; c++) out[p * 4 + c] = d.pixels[base + p * d.channels + (d.channels === 1 ? 0 : c)]!;
    out[p * 4 + 3] = 255;
  }
  return out;
}
