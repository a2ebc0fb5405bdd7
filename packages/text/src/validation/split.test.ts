import { describe, expect, it } from 'vitest';
import { halvesPair, holdOut, splittable, tripletPair, VALIDATION_MAX, validationSize } from './split.js';
import { participationRatio } from './participation-ratio.js';

describe('validation slice', () => {
  it('sizes the default slice as 5 % capped at 1000, none below 20; honours an explicit size', () => {
    expect([validationSize(100), validationSize(399), validationSize(400), validationSize(10_000), validationSize(1e6)]).toEqual([
      0,
      0,
      20,
      500,
      VALIDATION_MAX,
    ]);
    expect(validationSize(30, 10)).toBe(10);
    expect(validationSize(30, 0)).toBe(0);
    expect(() => validationSize(30, 16)).toThrow(/fewer training items/);
    expect(() => validationSize(30, -1)).toThrow(/integer >= 0/);
  });

  it('holds out a seeded, reproducible set of eligible items that never train', () => {
    const items = Array.from({ length: 50 }, (_, i) => i);
    const a = holdOut(items, 10, 7, (x) => x % 2 === 0);
    const b = holdOut(items, 10, 7, (x) => x % 2 === 0);
    const c = holdOut(items, 10, 8, (x) => x % 2 === 0);
    expect(a).toEqual(b);
    expect(a.heldOut).not.toEqual(c.heldOut);
    expect(a.heldOut).toHaveLength(10);
    expect(a.heldOut.every((i) => i % 2 === 0)).toBe(true);
    expect(a.train).toHaveLength(40);
    expect(a.train.some((x) => a.heldOut.includes(x))).toBe(false);
    expect(a.train).toEqual([...a.train].sort((x, y) => x - y)); // original order kept
    expect(() => holdOut(items, 30, 0, (x) => x % 2 === 0)).toThrow(/only 25 of 50 are eligible/);
  });

  it('splits a passage into a first-half query and a second-half document', () => {
    expect(halvesPair('  the dog barked   all night ')).toEqual({ query: 'the dog', document: 'barked all night' });
    expect(splittable('one two three')).toBe(false);
    expect(() => halvesPair('one two three')).toThrow(/4 words/);
    expect(tripletPair({ text: 'q', positive: 'p', negative: 'n' })).toEqual({ query: 'q', document: 'p' });
  });
});

describe('participationRatio', () => {
  it('is the dimension for isotropic vectors and 1 for vectors on a line', () => {
    const basis = (d: number) =>
      Array.from({ length: 2 * d }, (_, i) => Float32Array.from({ length: d }, (_, j) => (j === i % d ? (i < d ? 1 : -1) : 0)));
    expect(participationRatio(basis(8))).toBeCloseTo(8, 6);
    const line = Array.from({ length: 20 }, (_, i) => Float32Array.from([i, 2 * i, -i]));
    expect(participationRatio(line)).toBeCloseTo(1, 6);
    expect(participationRatio([Float32Array.from([1, 2])])).toBe(0);
    expect(participationRatio([Float32Array.from([1, 2]), Float32Array.from([1, 2])])).toBe(0);
  });

  it('gives the same value through the Gram matrix (n < d) and the covariance (n >= d)', () => {
    let s = 1;
    const rand = () => {
      s = (s * 16807) % 2147483647;
      return (s / 2147483647) * 2 - 1;
    };
    const rows = Array.from({ length: 12 }, () => Float32Array.from({ length: 6 }, rand));
    const padded = rows.map((r) => Float32Array.from({ length: 40 }, (_, j) => (j < 6 ? r[j]! : 0)));
    expect(participationRatio(padded)).toBeCloseTo(participationRatio(rows), 5);
    expect(participationRatio(rows)).toBeGreaterThan(3);
  });
});
