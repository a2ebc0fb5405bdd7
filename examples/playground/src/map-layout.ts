/** The embedding map's geometry: 2-D coordinates → canvas pixels (equal scale on both axes), colours by label, hit testing. */

/** Tableau 10: ten distinguishable colours (Fashion-MNIST has ten classes); unlabeled points are grey. */
export const PALETTE = [
  '#4e79a7',
  '#f28e2b',
  '#e15759',
  '#76b7b2',
  '#59a14f',
  '#edc948',
  '#b07aa1',
  '#ff9da7',
  '#9c755f',
  '#bab0ac',
] as const;
export const UNLABELED = '#555555';

export const colourOf = (label: number | null | undefined): string =>
  label === null || label === undefined || label < 0 ? UNLABELED : PALETTE[label % PALETTE.length]!;

/**
 * Pixel positions of the points `coords` (`[x0, y0, x1, y1, …]`) fitted into a `width × height` canvas with
 * `pad` pixels of margin, the same scale on both axes (a PCA map's distances mean something), centred, y up.
 */
export function fitPoints(coords: Float32Array, width: number, height: number, pad: number): Float32Array {
  const n = coords.length / 2;
  const out = new Float32Array(coords.length);
  if (n === 0) return out;
  let [x0, x1, y0, y1] = [Infinity, -Infinity, Infinity, -Infinity];
  for (let i = 0; i < n; i++) {
    const x = coords[2 * i]!;
    const y = coords[2 * i + 1]!;
    if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
    x0 = Math.min(x0, x);
    x1 = Math.max(x1, x);
    y0 = Math.min(y0, y);
    y1 = Math.max(y1, y);
  }
  if (x0 > x1) return out.fill(Number.NaN); // no finite point
  const w = Math.max(width - 2 * pad, 1);
  const h = Math.max(height - 2 * pad, 1);
  const scale = Math.min(w / Math.max(x1 - x0, 1e-12), h / Math.max(y1 - y0, 1e-12));
  const cx = (x0 + x1) / 2;
  const cy = (y0 + y1) / 2;
  for (let i = 0; i < n; i++) {
    out[2 * i] = width / 2 + (coords[2 * i]! - cx) * scale;
    out[2 * i + 1] = height / 2 - (coords[2 * i + 1]! - cy) * scale;
  }
  return out;
}

/** Index of the point of `pixels` (from {@link fitPoints}) nearest to (x, y) within `radius`, or -1. */
export function nearestPoint(pixels: Float32Array, x: number, y: number, radius: number): number {
  let best = -1;
  let bestD = radius * radius;
  for (let i = 0; i < pixels.length / 2; i++) {
    const d = (pixels[2 * i]! - x) ** 2 + (pixels[2 * i + 1]! - y) ** 2;
    if (d <= bestD) {
      best = i;
      bestD = d;
    }
  }
  return best;
}
