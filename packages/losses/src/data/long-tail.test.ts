import { describe, expect, it } from 'vitest';
import { classGroups, LongTailError, longTailCounts, longTailIndices } from './long-tail.js';

/** Balanced labels: `perClass` examples of each of `classes` classes, interleaved. */
function balanced(classes: number, perClass: number): Int32Array {
  return Int32Array.from({ length: classes * perClass }, (_, i) => i % classes);
}

describe('longTailCounts', () => {
  it('gives Fashion-MNIST-LT (ρ = 100, 6000 per class): 6000 … 60, 14,891 in all', () => {
    const counts = longTailCounts(10, 6000, 100);
    expect(counts).toEqual([6000, 3597, 2156, 1293, 775, 465, 278, 167, 100, 60]);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(14891);
  });

  it('is balanced at ρ = 1 and never drops a class to 0', () => {
    expect(longTailCounts(4, 50, 1)).toEqual([50, 50, 50, 50]);
    expect(longTailCounts(3, 5, 1000).at(-1)).toBe(1);
    expect(longTailCounts(1, 7, 10)).toEqual([7]);
  });

  it('refuses ρ < 1, NaN and a bad n_max', () => {
    expect(() => longTailCounts(10, 6000, 0.5)).toThrow(/ratio must be a finite number >= 1.*0\.5/);
    expect(() => longTailCounts(10, 6000, Number.NaN)).toThrow(LongTailError);
    expect(() => longTailCounts(10, 0, 10)).toThrow(/nMax/);
  });
});

describe('classGroups', () => {
  it('is 3 / 4 / 3 for 10 classes, 1 / 1 / 1 for 3, 1 / 0 / 1 for 2, head only for 1', () => {
    expect(classGroups(10)).toEqual({ head: [0, 1, 2], medium: [3, 4, 5, 6], tail: [7, 8, 9] });
    expect(classGroups(3)).toEqual({ head: [0], medium: [1], tail: [2] });
    expect(classGroups(2)).toEqual({ head: [0], medium: [], tail: [1] });
    expect(classGroups(1)).toEqual({ head: [0], medium: [], tail: [] });
    const g = classGroups(100);
    expect([g.head.length, g.medium.length, g.tail.length]).toEqual([30, 40, 30]);
  });
});

describe('longTailIndices', () => {
  it('keeps 14,891 of the 60,000-image Fashion-MNIST train labels at ρ = 100', () => {
    const labels = balanced(10, 6000);
    const lt = longTailIndices(labels, { ratio: 100, seed: 0 });
    expect(lt.indices.length).toBe(14891);
    const per = new Array(10).fill(0);
    for (const i of lt.indices) per[labels[i]!]++;
    expect(per).toEqual(lt.counts);
    expect(new Set(lt.indices).size).toBe(14891);
    expect(Array.from(lt.indices)).toEqual([...lt.indices].sort((a, b) => a - b));
  });

  it('is determined by the seed', () => {
    const labels = balanced(5, 40);
    const a = longTailIndices(labels, { ratio: 10, seed: 3 });
    const b = longTailIndices(labels, { ratio: 10, seed: 3 });
    const c = longTailIndices(labels, { ratio: 10, seed: 4 });
    expect(Array.from(a.indices)).toEqual(Array.from(b.indices));
    expect(Array.from(a.indices)).not.toEqual(Array.from(c.indices));
    expect(a.counts).toEqual(c.counts);
  });

  it('takes n_max from the smallest class unless given', () => {
    const labels = Int32Array.from([0, 0, 0, 0, 1, 1, 1, 2, 2, 2, 2, 2]);
    expect(longTailIndices(labels, { ratio: 1 }).counts).toEqual([3, 3, 3]);
    expect(longTailIndices(labels, { ratio: 2, nMax: 2 }).counts).toEqual([2, 1, 1]);
    expect(() => longTailIndices(labels, { ratio: 2, nMax: 4 })).toThrow(/nMax 4 is above the smallest class's 3/);
  });

  it('refuses missing labels, an empty class, a bad label and ρ < 1', () => {
    expect(() => longTailIndices(null, { ratio: 10 })).toThrow(/needs class labels/);
    expect(() => longTailIndices([], { ratio: 10 })).toThrow(/empty/);
    expect(() => longTailIndices([0, 0, 2, 2], { ratio: 10 })).toThrow(/class 1 has no example/);
    expect(() => longTailIndices([0, -1], { ratio: 10 })).toThrow(/label 1 is -1/);
    try {
      longTailIndices([0, 1], { ratio: 0.5 });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(LongTailError);
      expect((err as LongTailError).field).toBe('ratio');
    }
  });
});
