import { describe, expect, it } from 'vitest';
import { planetoidSplit, trainingLabels } from './node-split.js';

/** `counts[c]` nodes of class c, then `unlabelled` nodes with label −1. */
function truthOf(counts: number[], unlabelled = 0): Int32Array {
  return Int32Array.from([...counts.flatMap((n, c) => new Array(n).fill(c)), ...new Array(unlabelled).fill(-1)]);
}

describe('planetoidSplit', () => {
  it('draws 20 per class, 500 validation and 1,000 test nodes on a large graph, disjoint, never an unlabelled node', () => {
    const truth = truthOf([800, 900, 700], 50);
    const s = planetoidSplit(truth, 3);
    expect(s.labelsPerClass).toBe(20);
    expect(s.capped).toEqual([]);
    expect([s.train.length, s.validation.length, s.test.length]).toEqual([60, 500, 1000]);
    for (const c of [0, 1, 2]) expect(Array.from(s.train).filter((i) => truth[i] === c)).toHaveLength(20);
    const all = [...s.train, ...s.validation, ...s.test];
    expect(new Set(all).size).toBe(all.length);
    expect(all.every((i) => truth[i]! >= 0)).toBe(true);
    expect(Array.from(s.test)).toEqual([...s.test].sort((a, b) => a - b));
    const labels = trainingLabels(truth, s);
    expect(Array.from(labels).filter((y) => y >= 0)).toHaveLength(60);
    s.train.forEach((i) => expect(labels[i]).toBe(truth[i]));
  });
  it('is a function of the seed', () => {
    const truth = truthOf([300, 300]);
    expect(planetoidSplit(truth, 1)).toEqual(planetoidSplit(truth, 1));
    expect(Array.from(planetoidSplit(truth, 1).train)).not.toEqual(Array.from(planetoidSplit(truth, 2).train));
  });
  it('stays sane on small graphs: a class gets at most half its nodes, validation a third of the rest', () => {
    const s = planetoidSplit(truthOf([16, 18]), 0);
    expect(s.capped).toEqual([
      [0, 8],
      [1, 9],
    ]);
    expect([s.train.length, s.validation.length, s.test.length]).toEqual([17, 5, 12]);
    // Only the small class is capped; the others keep 20.
    const u = planetoidSplit(truthOf([30, 400, 400]), 0);
    expect(u.capped).toEqual([[0, 15]]);
    expect(u.train.length).toBe(55);
    const t = planetoidSplit(truthOf([100, 100]), 0, { labelsPerClass: 5, validation: 10, test: 'all' });
    expect([t.train.length, t.validation.length, t.test.length]).toEqual([10, 10, 180]);
  });
  it('refuses one class, nothing left to test, and bad options', () => {
    expect(() => planetoidSplit(truthOf([10]), 0)).toThrow(/at least two classes/);
    expect(() => planetoidSplit(truthOf([1, 1]), 0)).toThrow(/no labelled node is left to test/);
    expect(() => planetoidSplit(truthOf([9, 9]), 0, { labelsPerClass: 0 })).toThrow(/labelsPerClass must be an integer >= 1/);
    expect(() => planetoidSplit(truthOf([9, 9]), 0, { test: 0 })).toThrow(/test must be an integer >= 1 or 'all'/);
  });
});
