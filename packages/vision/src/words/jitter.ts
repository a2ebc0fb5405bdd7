/**
 * The seeded jitter of the word-image dataset, as pure functions: {@link sampleJitter} draws one image's
 * parameters from an {@link Rng}, {@link composeWordImage} maps a rendered word (ink coverage, baseline-aligned
 * and cropped to its ink columns) into a fixed H×W uint8 image with them.
 *
 * What varies and why: handwriting differs from print mostly in slant, baseline drift and letter width, and a
 * scanned page in contrast and noise; stroke width comes from the choice of font (their weights differ a lot)
 * plus a mild gamma on the coverage. The geometry is one inverse map (output pixel → source point), so the word
 * is resampled once, with 2–4×2–4 supersamples per output pixel when it is shrunk (no aliasing of thin strokes).
 *
 * Convention: the IDX convention of (Fashion-)MNIST, **ink bright on a dark background** (0 = no ink,
 * 255 = full ink), so padding is 0 like the rest of vision's data.
 */
import type { Rng } from '@contrastive/core';

/** One image's jitter parameters. Lengths are in source pixels unless said otherwise. */
export interface WordJitter {
  /** Horizontal shear: x moves by `slant · (h/2 − y)` (positive leans right, like italic). */
  slant: number;
  /** Horizontal stretch of the letters (1 = as designed). */
  stretch: number;
  /** Baseline tilt: vertical offset per source pixel along the word. */
  tilt: number;
  /** Baseline wobble amplitude, as a fraction of the rendered line height. */
  wobble: number;
  /** Wobble wavelength, as a multiple of the line height. */
  wavelength: number;
  /** Wobble phase, radians. */
  phase: number;
  /** How much of the largest fitting size the word takes (≤ 1). */
  fill: number;
  /** Where the word sits in the horizontal slack, 0 = left, 1 = right. */
  alignX: number;
  /** Where the word sits in the vertical slack, 0 = top, 1 = bottom. */
  alignY: number;
  /** Exponent on the ink coverage: < 1 thickens strokes, > 1 thins them. */
  gamma: number;
  /** Background level, 0–255. */
  background: number;
  /** Ink level, 0–255. */
  ink: number;
  /** Standard deviation of the additive Gaussian pixel noise, in grey levels. */
  noise: number;
}

/**
 * Ranges of {@link sampleJitter} (uniform in each). The defaults keep every word legible (checked by eye on the
 * sample sheet): ±0.35 shear is about ±19°, a wobble of up to 6 % of the line height.
 */
export const JITTER_RANGES = {
  slant: [-0.35, 0.35],
  stretch: [0.85, 1.15],
  tilt: [-0.04, 0.04],
  wobble: [0, 0.06],
  wavelength: [0.8, 2.5],
  fill: [0.8, 1],
  gamma: [0.7, 1.4],
  background: [0, 50],
  ink: [170, 255],
  noise: [0, 10],
} as const satisfies Record<string, readonly [number, number]>;

/** Draws one image's jitter from `rng` (always the same number of draws, in a fixed order). */
export function sampleJitter(rng: Rng): WordJitter {
  const r = (k: keyof typeof JITTER_RANGES): number => rng.range(JITTER_RANGES[k][0], JITTER_RANGES[k][1]);
  return {
    slant: r('slant'),
    stretch: r('stretch'),
    tilt: r('tilt'),
    wobble: r('wobble'),
    wavelength: r('wavelength'),
    phase: rng.range(0, 2 * Math.PI),
    fill: r('fill'),
    alignX: rng.uniform(),
    alignY: rng.uniform(),
    gamma: r('gamma'),
    background: r('background'),
    ink: r('ink'),
    noise: r('noise'),
  };
}

/** A rendered word: ink coverage 0–255, row-major `height × width`. */
export interface Coverage {
  data: Uint8Array;
  width: number;
  height: number;
}

/** Bilinear sample of `c` at (x, y) (pixel centres at +0.5), 0 outside, as coverage in [0, 1]. */
function sample(c: Coverage, x: number, y: number): number {
  const fx = x - 0.5;
  const fy = y - 0.5;
  const x0 = Math.floor(fx);
  const y0 = Math.floor(fy);
  const ax = fx - x0;
  const ay = fy - y0;
  const at = (xi: number, yi: number): number => (xi < 0 || yi < 0 || xi >= c.width || yi >= c.height ? 0 : c.data[yi * c.width + xi]!);
  const top = at(x0, y0) * (1 - ax) + at(x0 + 1, y0) * ax;
  const bottom = at(x0, y0 + 1) * (1 - ax) + at(x0 + 1, y0 + 1) * ax;
  return (top * (1 - ay) + bottom * ay) / 255;
}

/**
 * The H×W uint8 image of the word `c` under jitter `j` (see the module comment); `normals` supplies the
 * noise's standard normal draws (one per pixel, in row-major order; pass `rng.normal`).
 *
 * Geometry (source → box): `u = x + slant·(h/2 − y)`, `x' = stretch·u`, `y' = y + d(u)` with the baseline
 * displacement `d(u) = tilt·(u − w/2) + wobble·h·sin(2πu/(wavelength·h) + phase)`. The box of the warped word
 * (aspect kept) is scaled by `fill · min(W/boxW, H/boxH)` and placed in the slack by `alignX`, `alignY`; the
 * rest is background. Each output pixel inverts the map exactly (`u = x'/stretch`, `y = y' − d(u)`,
 * `x = u − slant·(h/2 − y)`).
 */
export function composeWordImage(c: Coverage, j: WordJitter, height: number, width: number, normals: () => number): Uint8Array {
  const h = c.height;
  const w = c.width;
  const amp = j.wobble * h;
  const lambda = j.wavelength * h;
  const shearPad = (Math.abs(j.slant) * h) / 2;
  // Bound of |d(u)| over u ∈ [−shearPad, w + shearPad].
  const drift = Math.abs(j.tilt) * (w / 2 + shearPad) + amp;
  const boxW = j.stretch * (w + 2 * shearPad);
  const boxH = h + 2 * drift;
  const scale = j.fill * Math.min(width / boxW, height / boxH);
  const offX = j.alignX * (width - scale * boxW);
  const offY = j.alignY * (height - scale * boxH);
  // Supersampling when shrinking: n×n samples per output pixel, n = ceil(1/scale) capped at 4.
  const n = Math.max(1, Math.min(4, Math.ceil(1 / scale)));
  const out = new Uint8Array(height * width);
  const span = j.ink - j.background;
  for (let Y = 0; Y < height; Y++) {
    for (let X = 0; X < width; X++) {
      let acc = 0;
      for (let sy = 0; sy < n; sy++) {
        const yBox = (Y + (sy + 0.5) / n - offY) / scale - drift;
        for (let sx = 0; sx < n; sx++) {
          const u = (X + (sx + 0.5) / n - offX) / scale / j.stretch - shearPad;
          const y = yBox - (j.tilt * (u - w / 2) + amp * Math.sin((2 * Math.PI * u) / lambda + j.phase));
          const x = u - j.slant * (h / 2 - y);
          const v = sample(c, x, y);
          acc += v > 0 ? v ** j.gamma : 0;
        }
      }
      const value = j.background + span * (acc / (n * n)) + j.noise * normals();
      out[Y * width + X] = Math.max(0, Math.min(255, Math.round(value)));
    }
  }
  return out;
}
