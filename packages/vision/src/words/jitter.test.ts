import { createRng } from '@contrastive/core';
import { describe, expect, it } from 'vitest';
import { type Coverage, composeWordImage, JITTER_RANGES, sampleJitter, type WordJitter } from './jitter.js';

/** A 40×20 coverage with a full-ink 3×3 block in each corner. */
function corners(): Coverage {
  const width = 40;
  const height = 20;
  const data = new Uint8Array(width * height);
  for (const [x0, y0] of [
    [0, 0],
    [37, 0],
    [0, 17],
    [37, 17],
  ] as const) {
    for (let y = y0; y < y0 + 3; y++) for (let x = x0; x < x0 + 3; x++) data[y * width + x] = 255;
  }
  return { data, width, height };
}

const plain: WordJitter = {
  slant: 0,
  stretch: 1,
  tilt: 0,
  wobble: 0,
  wavelength: 1,
  phase: 0,
  fill: 1,
  alignX: 0,
  alignY: 0,
  gamma: 1,
  background: 0,
  ink: 255,
  noise: 0,
};

/** Ink in each quadrant of the inked area (its bounding box) of an H×W image. */
function quadrants(img: Uint8Array, height: number, width: number): number[] {
  let [x0, x1, y0, y1] = [width, -1, height, -1];
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (img[y * width + x]! > 0) [x0, x1, y0, y1] = [Math.min(x0, x), Math.max(x1, x), Math.min(y0, y), Math.max(y1, y)];
    }
  }
  const [cx, cy] = [(x0 + x1 + 1) / 2, (y0 + y1 + 1) / 2];
  const q = [0, 0, 0, 0];
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) q[(y + 0.5 < cy ? 0 : 2) + (x + 0.5 < cx ? 0 : 1)]! += img[y * width + x]!;
  }
  return q;
}

describe('composeWordImage', () => {
  it('without jitter scales the word to fit, aspect kept, at the top-left', () => {
    // 40×20 into 16×64: the height limits, scale 0.8 → the word covers 32×16 of the left half.
    const img = composeWordImage(corners(), plain, 16, 64, () => 0);
    for (let y = 0; y < 16; y++) for (let x = 34; x < 64; x++) expect(img[y * 64 + x]).toBe(0);
    expect(img[0]).toBeGreaterThan(200);
    expect(img[15 * 64 + 31]).toBeGreaterThan(100);
  });

  it('keeps the whole word inside the image under the largest slant, tilt and wobble', () => {
    // Wavelength 2 (= 40 px) and phase π/2 put the wobble's crest on both ends of the word, where the corners are.
    const j: WordJitter = {
      ...plain,
      slant: JITTER_RANGES.slant[1],
      tilt: JITTER_RANGES.tilt[0],
      wobble: JITTER_RANGES.wobble[1],
      wavelength: 2,
      phase: Math.PI / 2,
      alignX: 1,
      alignY: 1,
    };
    for (const s of [j, { ...j, slant: JITTER_RANGES.slant[0], tilt: JITTER_RANGES.tilt[1], alignX: 0, alignY: 0.5 }]) {
      const img = composeWordImage(corners(), s, 32, 128, () => 0);
      // Shear, tilt and wobble keep the blocks' areas, so each quadrant holds about the same ink; a block cut
      // off at the border would leave its quadrant short.
      const q = quadrants(img, 32, 128);
      const mean = q.reduce((a, b) => a + b) / 4;
      expect(mean).toBeGreaterThan(0);
      for (const v of q) expect(Math.abs(v / mean - 1)).toBeLessThan(0.25);
    }
  });

  it('maps coverage to background … ink levels, adds the noise, and clips to 0..255', () => {
    const blank: Coverage = { data: new Uint8Array(40 * 20), width: 40, height: 20 };
    const img = composeWordImage(blank, { ...plain, background: 30 }, 8, 16, () => 0);
    expect(new Set(img)).toEqual(new Set([30]));
    const noisy = composeWordImage(blank, { ...plain, background: 30, noise: 100 }, 8, 16, () => 1);
    expect(new Set(noisy)).toEqual(new Set([130]));
    const clipped = composeWordImage(blank, { ...plain, background: 250, noise: 10 }, 8, 16, () => 1);
    expect(new Set(clipped)).toEqual(new Set([255]));
    const full: Coverage = { data: new Uint8Array(40 * 20).fill(255), width: 40, height: 20 };
    const inked = composeWordImage(full, { ...plain, background: 20, ink: 200, fill: 1 }, 10, 20, () => 0);
    expect(inked[5 * 20 + 10]).toBe(200);
  });

  it('is a function of the rng seed: the same seed gives the same image, another seed another', () => {
    const make = (seed: number): Uint8Array => {
      const rng = createRng(seed);
      return composeWordImage(corners(), sampleJitter(rng), 32, 128, rng.normal);
    };
    expect(make(3)).toEqual(make(3));
    expect(make(3)).not.toEqual(make(4));
  });
});

describe('sampleJitter', () => {
  it('draws every parameter inside its range', () => {
    const rng = createRng(1);
    for (let i = 0; i < 200; i++) {
      const j = sampleJitter(rng);
      for (const [k, [lo, hi]] of Object.entries(JITTER_RANGES)) {
        const v = j[k as keyof WordJitter];
        expect(v).toBeGreaterThanOrEqual(lo);
        expect(v).toBeLessThan(hi);
      }
      expect(j.alignX).toBeGreaterThanOrEqual(0);
      expect(j.alignX).toBeLessThan(1);
    }
  });
});
