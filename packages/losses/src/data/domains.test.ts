import * as tf from '@tensorflow/tfjs';
import { useCpuLeakCheck } from '@contrastive/test-utils';
import { describe, expect, it } from 'vitest';
import { applyDomain, DOMAIN_NAMES, NOISE_STD, parseDomains } from './domains.js';

useCpuLeakCheck();

/** One 3×3 image 1…9 (scaled to [0, 1]), `[1, 3, 3, 1]`. */
const image = (): tf.Tensor4D =>
  tf.tensor4d(
    [1, 2, 3, 4, 5, 6, 7, 8, 9].map((v) => v / 10),
    [1, 3, 3, 1],
  );
const rows = (t: tf.Tensor): number[][] =>
  (tf.tidy(() => t.reshape([3, 3]).arraySync()) as number[][]).map((r) => r.map((v) => Math.round(v * 10)));

describe('applyDomain', () => {
  it('rotates 90° clockwise and 180°, inverts, keeps upright', () => {
    const x = image();
    const out = Object.fromEntries(DOMAIN_NAMES.filter((d) => d !== 'noise' && d !== 'blur').map((d) => [d, applyDomain(d, x)]));
    expect(rows(out.upright!)).toEqual([
      [1, 2, 3],
      [4, 5, 6],
      [7, 8, 9],
    ]);
    expect(rows(out.rot90!)).toEqual([
      [7, 4, 1],
      [8, 5, 2],
      [9, 6, 3],
    ]);
    expect(rows(out.rot180!)).toEqual([
      [9, 8, 7],
      [6, 5, 4],
      [3, 2, 1],
    ]);
    expect(rows(out.invert!)).toEqual([
      [9, 8, 7],
      [6, 5, 4],
      [3, 2, 1],
    ]);
    // rot90 four times is the identity.
    let r = x.clone();
    for (let i = 0; i < 4; i++) {
      const next = applyDomain('rot90', r);
      r.dispose();
      r = next;
    }
    expect(rows(r)).toEqual(rows(x));
    tf.dispose([x, r, ...Object.values(out)]);
  });

  it('noise is seeded, stays in [0, 1] and has roughly σ 0.4 away from the bounds', () => {
    const x = tf.fill([4, 16, 16, 1], 0.5) as tf.Tensor4D;
    const a = applyDomain('noise', x, 3);
    const b = applyDomain('noise', x, 3);
    const c = applyDomain('noise', x, 4);
    expect(Array.from(a.dataSync())).toEqual(Array.from(b.dataSync()));
    expect(Array.from(a.dataSync())).not.toEqual(Array.from(c.dataSync()));
    const v = Array.from(a.dataSync());
    expect(Math.min(...v)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...v)).toBeLessThanOrEqual(1);
    // Clipping at 0 and 1 (1.25 σ from 0.5) shrinks the spread a little: between 0.3 and 0.4.
    const mean = v.reduce((s, t) => s + t, 0) / v.length;
    const std = Math.sqrt(v.reduce((s, t) => s + (t - mean) ** 2, 0) / v.length);
    expect(std).toBeGreaterThan(0.3);
    expect(std).toBeLessThan(NOISE_STD);
    tf.dispose([x, a, b, c]);
  });

  it('rot30 turns counter-clockwise about the centre: a pixel 4 right of centre moves to row −2, column +3.46 (nearest)', () => {
    const b = tf.buffer([1, 15, 15, 1]);
    b.set(1, 0, 7, 11, 0);
    b.set(1, 0, 7, 7, 0);
    const x = b.toTensor() as tf.Tensor4D;
    const y = applyDomain('rot30', x);
    const lit: [number, number][] = [];
    (tf.tidy(() => y.reshape([15, 15]).arraySync()) as number[][]).forEach((row, i) => {
      row.forEach((v, j) => {
        if (v > 0) lit.push([i, j]);
      });
    });
    expect(lit).toEqual([
      [5, 10],
      [7, 7],
    ]);
    tf.dispose([x, y]);
  });

  it('blur averages a 5 × 5 window and refuses rot90 of a non-square image', () => {
    const x = tf.tidy(() => tf.oneHot(40, 81).reshape([1, 9, 9, 1]).toFloat()) as tf.Tensor4D;
    const y = applyDomain('blur', x);
    expect(y.dataSync()[40]).toBeCloseTo(1 / 25, 6);
    const wide = tf.zeros([1, 2, 3, 1]) as tf.Tensor4D;
    expect(() => applyDomain('rot90', wide)).toThrow(/square/);
    tf.dispose([x, y, wide]);
  });
});

describe('parseDomains', () => {
  it('reads a list and refuses unknown, repeated or single domains', () => {
    expect(parseDomains('upright, rot90,invert')).toEqual(['upright', 'rot90', 'invert']);
    expect(() => parseDomains('upright,sideways')).toThrow(/unknown domain 'sideways'.*known: upright/);
    expect(() => parseDomains('upright,rot90,upright')).toThrow(/'upright' is listed twice/);
    expect(() => parseDomains('upright')).toThrow(/at least two domains/);
  });
});
