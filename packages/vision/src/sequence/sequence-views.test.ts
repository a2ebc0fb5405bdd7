import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs';
import { createRng } from '@contrastive/core';
import type { ViewMaker } from '@contrastive/core';
import { useLeakCheck } from '@contrastive/test-utils';
import { describe, expect, it } from 'vitest';
import {
  gridWarp,
  homography,
  horizontalCrop,
  linearContrast,
  perspective,
  seqclrViews,
  sequenceBlur,
  sharpen,
  someOf,
  verticalCrop,
} from './sequence-views.js';

useLeakCheck({ backend: 'wasm' });

const H = 16;
const W = 64;
/** Grey images with two column markers: a bright bar at column `a` and a dark one at column `b` (a < b). */
function markers(n: number, a: number, b: number): tf.Tensor4D {
  const data = new Float32Array(n * H * W).fill(0.5);
  for (let i = 0; i < n; i++)
    for (let y = 0; y < H; y++) {
      data[(i * H + y) * W + a] = 1;
      data[(i * H + y) * W + b] = 0;
    }
  return tf.tensor4d(data, [n, H, W, 1]);
}
/**
 * Per image and marker: the centroid of |column mean − background| within ±8 columns of where the marker was
 * drawn (background = the median column mean). Contrast scales the deviation, blur and sharpen spread it
 * symmetrically, so the centroid tracks where the marker went.
 */
function markerColumns(x: tf.Tensor4D, at: readonly number[]): number[][] {
  const cols = tf.tidy(() => x.mean([1, 3]).arraySync() as number[][]);
  return cols.map((c) => {
    const bg = [...c].sort((p, q) => p - q)[Math.floor(c.length / 2)]!;
    return at.map((m) => {
      let num = 0;
      let den = 0;
      for (let k = Math.max(0, m - 8); k <= Math.min(c.length - 1, m + 8); k++) {
        const d = Math.abs(c[k]! - bg);
        num += k * d;
        den += d;
      }
      return den > 0 ? num / den : Number.NaN;
    });
  });
}

const OPS: [string, ViewMaker<tf.Tensor4D>][] = [
  ['linearContrast', linearContrast()],
  ['sequenceBlur', sequenceBlur()],
  ['verticalCrop', verticalCrop()],
  ['horizontalCrop', horizontalCrop()],
  ['sharpen', sharpen()],
  ['perspective', perspective()],
  ['gridWarp', gridWarp()],
  ['someOf (seqclrViews)', seqclrViews()[0]],
];

describe('sequence-preserving views', () => {
  for (const [name, op] of OPS) {
    it(`${name}: same shape, values in [0, 1], same seed → same view, column markers stay in order and near their place`, () => {
      const x = markers(8, 16, 40);
      const y = op(x, createRng(7));
      const y2 = op(x, createRng(7));
      try {
        expect(y.shape).toEqual(x.shape);
        expect(tf.tidy(() => y.sub(y2).abs().max().dataSync()[0])).toBe(0);
        const [lo, hi] = tf.tidy(() => [y.min().dataSync()[0]!, y.max().dataSync()[0]!]);
        expect(lo).toBeGreaterThanOrEqual(-1e-6);
        expect(hi).toBeLessThanOrEqual(1 + 1e-6);
        for (const [a, b] of markerColumns(y, [16, 40])) {
          // Each marker within ±3 columns (≈ 5 % of the width) of where it was, so left-to-right order is kept.
          expect(Math.abs(a! - 16)).toBeLessThanOrEqual(3);
          expect(Math.abs(b! - 40)).toBeLessThanOrEqual(3);
          expect(a).toBeLessThan(b!);
        }
      } finally {
        tf.dispose([x, y, y2]);
      }
    });
  }

  it('the ops change the image (not identities), and a mirror image would fail the order check', () => {
    // Noise, so that every op (the vertical crop too) has something to change.
    const x = tf.randomUniform([4, H, W, 1], 0, 1, 'float32', 5) as tf.Tensor4D;
    for (const [name, op] of OPS) {
      const y = op(x, createRng(3));
      const d = tf.tidy(() => y.sub(x).abs().max().dataSync()[0]!);
      expect(d, name).toBeGreaterThan(1e-3);
      y.dispose();
    }
    // The marker check above fails for a mirrored image (markers 16 and 40 land at 47 and 23).
    const m = markers(2, 16, 40);
    const flipped = tf.reverse(m, 2) as tf.Tensor4D;
    expect(markerColumns(flipped, [16, 40]).every(([a, b]) => Math.abs(a! - 16) > 3 && Math.abs(b! - 40) > 3)).toBe(true);
    tf.dispose([x, m, flipped]);
  });

  it('horizontal crop moves a column by at most 2 % of the width; vertical crop keeps the column profile', () => {
    const x = markers(16, 5, 60);
    const y = horizontalCrop()(x, createRng(11));
    for (const [a, b] of markerColumns(y, [5, 60])) {
      expect(Math.abs(a! - 5)).toBeLessThanOrEqual(Math.ceil(0.02 * W));
      expect(Math.abs(b! - 60)).toBeLessThanOrEqual(Math.ceil(0.02 * W));
    }
    const v = verticalCrop()(x, createRng(11));
    expect(markerColumns(v, [5, 60])).toEqual(markerColumns(x, [5, 60]));
    tf.dispose([x, y, v]);
  });

  it('someOf: each image gets between min and max ops; count [0, 0] is the identity', () => {
    const x = markers(6, 10, 30);
    const id = someOf([linearContrast(), sharpen()], { count: [0, 0] })(x, createRng(1));
    expect(tf.tidy(() => id.sub(x).abs().max().dataSync()[0])).toBe(0);
    // One op that adds 0.25: each image changes by 0.25·k with k in [1, 2].
    const add: ViewMaker<tf.Tensor4D> = (t) => tf.tidy(() => t.add(0.25));
    const two = someOf([add, add], { count: [1, 2] })(x, createRng(2));
    const shift = tf.tidy(() => two.sub(x).mean([1, 2, 3]).arraySync() as number[]);
    for (const s of shift) expect([0.25, 0.5].some((v) => Math.abs(s - v) < 1e-6)).toBe(true);
    expect(() => someOf([add], { count: [1, 2] })).toThrow(/count must be integers/);
    tf.dispose([x, id, two]);
  });

  it('homography maps the four corners exactly; ranges are validated with the option named', () => {
    const from: [number, number][] = [
      [0, 0],
      [9, 0],
      [9, 4],
      [0, 4],
    ];
    const to: [number, number][] = [
      [0.2, 0.1],
      [8.7, 0.3],
      [8.9, 3.8],
      [0.1, 3.6],
    ];
    const a = homography(from, to);
    from.forEach(([x, y], k) => {
      const d = a[6]! * x + a[7]! * y + 1;
      expect((a[0]! * x + a[1]! * y + a[2]!) / d).toBeCloseTo(to[k]![0], 9);
      expect((a[3]! * x + a[4]! * y + a[5]!) / d).toBeCloseTo(to[k]![1], 9);
    });
    expect(() => perspective({ scale: [0.1, 0.5] })).toThrow(/perspective: scale must be at most 0.2/);
    expect(() => horizontalCrop({ cut: [0, 1] })).toThrow(/horizontalCrop: cut must lie in \[0, 1\)/);
    expect(() => linearContrast({ alpha: [1, 0.5] })).toThrow(/linearContrast: alpha/);
  });
});
