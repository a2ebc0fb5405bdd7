import { describe, expect, it } from 'vitest';
import type { CaptionRecord } from './caption-record.js';
import { splitCounts, splitRecords } from './split.js';

const images = (n: number, prefix = 'img'): CaptionRecord[] =>
  Array.from({ length: n }, (_, i) => ({ image: `${prefix}/${i}.png`, caption: `picture ${i}` }));
const testSet = (records: readonly { image: string; split: string }[]): string[] =>
  records
    .filter((r) => r.split === 'test')
    .map((r) => r.image)
    .sort();

describe('splitRecords', () => {
  it('holds out round(testFraction · images), and the same seed gives the same split', () => {
    const records = images(200);
    const a = splitRecords(records, { testFraction: 0.2, seed: 7 });
    const b = splitRecords(records, { testFraction: 0.2, seed: 7 });
    expect(testSet(a)).toHaveLength(40);
    expect(testSet(a)).toEqual(testSet(b));
    expect(a.map((r) => r.image)).toEqual(records.map((r) => r.image)); // order kept
    expect(records[0]).not.toHaveProperty('split'); // input untouched
  });

  it('gives a different split for another seed', () => {
    const records = images(200);
    const a = new Set(testSet(splitRecords(records, { seed: 0 })));
    const b = testSet(splitRecords(records, { seed: 1 }));
    const overlap = b.filter((x) => a.has(x)).length;
    // Independent 20% draws overlap on ~8 of 40; identical splits would overlap on 40.
    expect(overlap).toBeLessThan(25);
  });

  it('does not depend on the order of the records', () => {
    const records = images(150);
    const shuffled = [...records].reverse();
    expect(testSet(splitRecords(shuffled, { seed: 3 }))).toEqual(testSet(splitRecords(records, { seed: 3 })));
  });

  it('puts every record of an image on the side of that image', () => {
    const records = images(60).flatMap((r) => [r, { ...r, caption: `${r.caption}, again` }, { ...r, caption: 'third' }]);
    const split = splitRecords(records, { testFraction: 0.25, seed: 11 });
    const side = new Map<string, string>();
    for (const r of split) {
      expect(side.get(r.image) ?? r.split).toBe(r.split);
      side.set(r.image, r.split);
    }
    expect([...side.values()].filter((s) => s === 'test')).toHaveLength(15); // 25% of 60 images, not of 180 records
    const counts = splitCounts(split);
    expect(counts.test).toEqual({ images: 15, records: 45 });
    expect(counts.train).toEqual({ images: 45, records: 135 });
  });

  it('keeps a group together (groupOf)', () => {
    const records = images(40).map((r, i) => ({ ...r, class: `g${Math.floor(i / 4)}` }));
    const split = splitRecords(records, { testFraction: 0.3, seed: 2, groupOf: (r) => r.class! });
    const byGroup = new Map<string, Set<string>>();
    for (const r of split) byGroup.set(r.class!, (byGroup.get(r.class!) ?? new Set()).add(r.split));
    expect([...byGroup.values()].every((s) => s.size === 1)).toBe(true);
    expect(split.filter((r) => r.split === 'test')).toHaveLength(12); // 3 of 10 groups × 4
  });

  it('moves only a few images when images are added (no reshuffle)', () => {
    const before = new Set(testSet(splitRecords(images(500), { seed: 5 })));
    const after = testSet(splitRecords([...images(500), ...images(10, 'new')], { seed: 5 }));
    const kept = after.filter((x) => before.has(x)).length;
    expect(before.size).toBe(100);
    expect(after).toHaveLength(102);
    expect(kept).toBeGreaterThanOrEqual(95);
  });

  it('holds out at least one and never all images, and none for testFraction 0', () => {
    expect(testSet(splitRecords(images(3), { testFraction: 0.01 }))).toHaveLength(1);
    expect(testSet(splitRecords(images(2), { testFraction: 0.9 }))).toHaveLength(1);
    expect(testSet(splitRecords(images(1), { testFraction: 0.5 }))).toHaveLength(0);
    expect(testSet(splitRecords(images(50), { testFraction: 0 }))).toHaveLength(0);
  });

  it('refuses a fraction outside [0, 1) and a non-finite seed, naming the option', () => {
    expect(() => splitRecords(images(5), { testFraction: 1 })).toThrow(/testFraction must be a number in \[0, 1\), got 1/);
    expect(() => splitRecords(images(5), { testFraction: -0.1 })).toThrow(/testFraction/);
    expect(() => splitRecords(images(5), { testFraction: Number.NaN })).toThrow(/testFraction/);
    expect(() => splitRecords(images(5), { seed: Number.POSITIVE_INFINITY })).toThrow(/seed must be a finite number/);
  });
});
