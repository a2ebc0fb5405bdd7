import * as tf from '@tensorflow/tfjs';
import { createRng } from '@contrastive/core';
import { describe, expect, it } from 'vitest';
import { useCpuLeakCheck } from '@contrastive/test-utils';
import {
  byolViews,
  colorJitter,
  compose,
  cutout,
  gaussianBlur,
  gaussianNoise,
  horizontalFlip,
  mocoV1Views,
  mocoV2Views,
  multiView,
  randomGrayscale,
  randomResizedCrop,
  randomRotation,
  simclrViews,
  solarize,
} from './index.js';

useCpuLeakCheck();

/** A deterministic, non-constant batch `[n, h, w, c]` in [0, 1]. */
function batch(n = 4, h = 12, w = 12, c = 3): tf.Tensor4D {
  return tf.tidy(() => {
    const v = Float32Array.from({ length: n * h * w * c }, (_, i) => (Math.sin(i * 0.37) + 1) / 2);
    return tf.tensor4d(v, [n, h, w, c]);
  });
}
const maxAbsDiff = (a: tf.Tensor, b: tf.Tensor) => tf.tidy(() => a.sub(b).abs().max().dataSync()[0]!);
const minMax = (a: tf.Tensor) => tf.tidy(() => [a.min().dataSync()[0]!, a.max().dataSync()[0]!]);

const ALL = {
  crop: randomResizedCrop({ size: [10, 10] }),
  flip: horizontalFlip(),
  rotation: randomRotation({ degrees: 30 }),
  cutout: cutout({ p: 1 }),
  jitter: colorJitter({ brightness: 0.8, contrast: 0.8, saturation: 0.8, hue: 0.2, p: 1 }),
  gray: randomGrayscale({ p: 0.5 }),
  blur: gaussianBlur({ p: 1 }),
  noise: gaussianNoise({ p: 1, std: 0.2 }),
  solarize: solarize({ p: 1 }),
};

describe('every augmentation', () => {
  for (const [name, maker] of Object.entries(ALL)) {
    it(`${name}: shape, [0, 1] range, same seed → same view, other seed → other view, input untouched`, () => {
      for (const c of [1, 3]) {
        const x = batch(6, 12, 12, c);
        const copy = x.clone();
        const a = maker(x, createRng(7));
        const b = maker(x, createRng(7));
        const d = maker(x, createRng(8));
        const expected = name === 'crop' ? [6, 10, 10, c] : [6, 12, 12, c];
        expect(a.shape).toEqual(expected);
        const [lo, hi] = minMax(a);
        expect(lo).toBeGreaterThanOrEqual(-1e-6);
        expect(hi).toBeLessThanOrEqual(1 + 1e-6);
        expect(maxAbsDiff(a, b)).toBe(0);
        // The gray op is the identity on grayscale input; every other op must depend on the seed.
        if (!(name === 'gray' && c === 1) && name !== 'solarize') expect(maxAbsDiff(a, d)).toBeGreaterThan(0);
        expect(maxAbsDiff(x, copy)).toBe(0);
        tf.dispose([x, copy, a, b, d]);
      }
    });
  }

  it('rejects a wrong channel count naming the op and the shape', () => {
    const x = tf.zeros([2, 8, 8, 4]) as tf.Tensor4D;
    expect(() => ALL.flip(x, createRng(1))).toThrow(/horizontalFlip: images must have 1 or 3 channels.*\[2, 8, 8, 4\]/);
    const y = tf.zeros([8, 8, 3]);
    expect(() => ALL.crop(y as unknown as tf.Tensor4D, createRng(1))).toThrow(/randomResizedCrop: images must have rank 4/);
    tf.dispose([x, y]);
    expect(() => colorJitter({ hue: 0.7 })).toThrow(/hue must be in \[0, 0.5\]/);
    expect(() => gaussianBlur({ kernelSize: 4 })).toThrow(/kernelSize must be an odd integer/);
  });
});

describe('invariants and extremes', () => {
  it('flip twice is the identity; p = 0 is the identity', () => {
    const x = batch();
    const always = horizontalFlip({ p: 1 });
    const once = always(x, createRng(1));
    const twice = always(once, createRng(2));
    expect(maxAbsDiff(twice, x)).toBe(0);
    expect(maxAbsDiff(once, x)).toBeGreaterThan(0);
    const never = horizontalFlip({ p: 0 })(x, createRng(1));
    expect(maxAbsDiff(never, x)).toBe(0);
    tf.dispose([x, once, twice, never]);
  });

  it('crop with scale 1 and ratio 1 is the identity on a square image', () => {
    const x = batch(3, 9, 9, 3);
    const y = randomResizedCrop({ scale: [1, 1], ratio: [1, 1] })(x, createRng(3));
    expect(maxAbsDiff(x, y)).toBeLessThan(1e-5);
    tf.dispose([x, y]);
  });

  it('grayscale with p = 1 makes the three channels equal; blur/rotation at zero strength are exact', () => {
    const x = batch();
    const g = randomGrayscale({ p: 1 })(x, createRng(1));
    const [r, gg, b] = tf.split(g, 3, 3);
    expect(maxAbsDiff(r!, gg!)).toBe(0);
    expect(maxAbsDiff(r!, b!)).toBe(0);
    const rot = randomRotation({ degrees: 0 })(x, createRng(1));
    expect(maxAbsDiff(rot, x)).toBeLessThan(1e-5);
    const noBlur = gaussianBlur({ p: 0 })(x, createRng(1));
    expect(maxAbsDiff(noBlur, x)).toBe(0);
    tf.dispose([x, g, r!, gg!, b!, rot, noBlur]);
  });

  it('blur smooths (lower total variation) and keeps a constant image constant', () => {
    const x = tf.tidy(() =>
      tf.tensor4d(
        Float32Array.from({ length: 2 * 256 }, (_, i) => ((i + Math.floor(i / 16)) % 2 ? 0.9 : 0.1)),
        [2, 16, 16, 1],
      ),
    );
    const y = gaussianBlur({ p: 1, sigma: [1.5, 2] })(x, createRng(1));
    const tv = (t: tf.Tensor4D) =>
      tf.tidy(
        () =>
          t
            .slice([0, 1, 0, 0], [-1, -1, -1, -1])
            .sub(t.slice([0, 0, 0, 0], [-1, 15, -1, -1]))
            .abs()
            .mean()
            .dataSync()[0]!,
      );
    expect(tv(y)).toBeLessThan(tv(x) * 0.6);
    const flat = tf.fill([1, 16, 16, 3], 0.3) as tf.Tensor4D;
    const fb = gaussianBlur({ p: 1 })(flat, createRng(2));
    expect(maxAbsDiff(fb, flat)).toBeLessThan(1e-6);
    tf.dispose([x, y, flat, fb]);
  });

  it('solarize inverts exactly the pixels at or above the threshold; cutout zeroes a square', () => {
    const x = tf.tensor4d([0.1, 0.5, 0.9, 0.49], [1, 2, 2, 1]);
    const s = solarize({ p: 1, threshold: 0.5 })(x, createRng(1));
    const sv = Array.from(s.dataSync());
    [0.1, 0.5, 0.1, 0.49].forEach((v, i) => expect(sv[i]).toBeCloseTo(v, 6));
    const ones = tf.ones([2, 10, 10, 1]) as tf.Tensor4D;
    const c = cutout({ p: 1, size: [0.4, 0.4] })(ones, createRng(5));
    const zeros = tf.tidy(() => tf.sum(tf.equal(c, 0).cast('float32'), [1, 2, 3]).arraySync() as number[]);
    for (const z of zeros) expect(z).toBeGreaterThan(0);
    for (const z of zeros) expect(z).toBeLessThanOrEqual(16);
    tf.dispose([x, s, ones, c]);
  });

  it('colour jitter on grayscale uses only brightness and contrast; with zero strength it is the identity', () => {
    const x = batch(4, 8, 8, 1);
    const y = colorJitter({ brightness: 0, contrast: 0, saturation: 0.9, hue: 0.4, p: 1 })(x, createRng(1));
    expect(maxAbsDiff(x, y)).toBe(0);
    const z = colorJitter({ brightness: 0.5, contrast: 0, saturation: 0, hue: 0, p: 1 })(x, createRng(1));
    // Multiplicative brightness: each image is scaled by one factor (before clipping).
    const ratio = tf.tidy(() => z.div(x.add(1e-9)).reshape([4, -1]).slice([0, 0], [4, 4]).arraySync() as number[][]);
    for (const row of ratio) if (row.every((v) => v * 0.9 < 1)) expect(Math.max(...row) - Math.min(...row)).toBeLessThan(1e-4);
    const rgb = batch(2, 6, 6, 3);
    const h = colorJitter({ brightness: 0, contrast: 0, saturation: 0, hue: 0.5, p: 1 })(rgb, createRng(4));
    // Hue rotation keeps luma (up to clipping) and changes colour.
    expect(maxAbsDiff(h, rgb)).toBeGreaterThan(0.01);
    tf.dispose([x, y, z, rgb, h]);
  });

  it('noise has roughly the requested std', () => {
    const x = tf.fill([2, 32, 32, 1], 0.5) as tf.Tensor4D;
    const y = gaussianNoise({ p: 1, std: 0.1 })(x, createRng(1));
    const std = tf.tidy(() => tf.moments(y.sub(x)).variance.sqrt().dataSync()[0]!);
    expect(std).toBeGreaterThan(0.09);
    expect(std).toBeLessThan(0.11);
    tf.dispose([x, y]);
  });
});

describe('composition and presets', () => {
  it('multiView makes independent, reproducible views; presets run on RGB and grayscale', () => {
    for (const [name, pair] of Object.entries({ simclr: simclrViews(), mocoV1: mocoV1Views(), mocoV2: mocoV2Views(), byol: byolViews() })) {
      for (const c of [1, 3]) {
        const x = batch(4, 16, 16, c);
        const make = multiView(pair);
        const [a, b] = make(x, createRng(11));
        const [a2, b2] = make(x, createRng(11));
        expect(a!.shape, name).toEqual([4, 16, 16, c]);
        expect(maxAbsDiff(a!, a2!)).toBe(0);
        expect(maxAbsDiff(b!, b2!)).toBe(0);
        expect(maxAbsDiff(a!, b!)).toBeGreaterThan(0);
        tf.dispose([x, a!, b!, a2!, b2!]);
      }
    }
  });

  it('compose frees its intermediates and applies in order', () => {
    const x = batch();
    const flipTwice = compose(horizontalFlip({ p: 1 }), horizontalFlip({ p: 1 }));
    const y = flipTwice(x, createRng(1));
    expect(maxAbsDiff(x, y)).toBe(0);
    tf.dispose([x, y]);
  });
});
