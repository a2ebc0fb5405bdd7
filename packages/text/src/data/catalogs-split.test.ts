import { describe, expect, it } from 'vitest';
import { DEFAULT_HELD_OUT_FRACTION, splitPackages } from './catalogs-split.js';

/** 40 packages of 10..400 pairs (sizes vary, as real catalogs do), and one without pairs. */
const COUNTS = new Map<string, number>([
  ...Array.from({ length: 40 }, (_, i) => [`pkg${i}`, 10 + ((i * 37) % 40) * 10] as const),
  ['empty', 0],
]);
const TOTAL = [...COUNTS.values()].reduce((a, b) => a + b, 0);

describe('splitPackages', () => {
  it('holds out whole packages close to 7.5 % of the pairs by default, never above 10 %', () => {
    for (const seed of [0, 1, 2, 3, 4]) {
      const s = splitPackages(COUNTS, { seed });
      expect(s.target).toBe(Math.round(TOTAL * DEFAULT_HELD_OUT_FRACTION));
      expect(s.heldOutPairs / TOTAL).toBeGreaterThanOrEqual(0.075);
      expect(s.heldOutPairs / TOTAL).toBeLessThanOrEqual(0.1);
      const held = [...s.split].filter(([, side]) => side === 'held-out');
      expect(held.reduce((a, [p]) => a + COUNTS.get(p)!, 0)).toBe(s.heldOutPairs);
      expect(s.trainPairs + s.heldOutPairs).toBe(TOTAL);
      expect(s.split.get('empty')).toBe('none');
    }
  });

  it('is seeded: the same seed gives the same split whatever the map order; another seed another one', () => {
    const reversed = new Map([...COUNTS].reverse());
    expect(splitPackages(reversed, { seed: 7 }).split).toEqual(splitPackages(COUNTS, { seed: 7 }).split);
    const held = (seed: number): string[] => [...splitPackages(COUNTS, { seed }).split].filter(([, s]) => s === 'held-out').map(([p]) => p);
    expect(held(7)).not.toEqual(held(8));
  });

  it('holds out evalPackages packages, or about evalSize pairs', () => {
    const byCount = splitPackages(COUNTS, { evalPackages: 3, seed: 1 });
    expect([...byCount.split.values()].filter((s) => s === 'held-out')).toHaveLength(3);
    expect(byCount.target).toBeNull();
    const bySize = splitPackages(COUNTS, { evalSize: 2000, seed: 1 });
    expect(bySize.heldOutPairs).toBeGreaterThanOrEqual(2000);
    expect(bySize.heldOutPairs).toBeLessThanOrEqual(2666);
  });

  it('holds out the smallest package when none fits under the bound', () => {
    const s = splitPackages(
      new Map([
        ['big', 1000],
        ['bigger', 2000],
        ['small', 500],
      ]),
      { evalSize: 10 },
    );
    expect(s.split.get('small')).toBe('held-out');
    expect(s.heldOutPairs).toBe(500);
  });

  it('refuses splits that cannot hold a package out on each side', () => {
    expect(() =>
      splitPackages(
        new Map([
          ['only', 10],
          ['empty', 0],
        ]),
      ),
    ).toThrow(/1 package\(s\) with pairs/);
    expect(() => splitPackages(COUNTS, { evalPackages: 40 })).toThrow(/evalPackages must be an integer from 1 to 39/);
    expect(() => splitPackages(COUNTS, { evalSize: TOTAL })).toThrow(/evalSize must be an integer from 1 to/);
    expect(() => splitPackages(COUNTS, { evalSize: 5, evalPackages: 1 })).toThrow(/not both/);
  });
});
