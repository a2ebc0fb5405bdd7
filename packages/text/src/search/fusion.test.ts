import { describe, expect, it } from 'vitest';
import type { SearchHit } from '../vector-index/vector-index.js';
import { reciprocalRankFusion, weightedScoreFusion } from './fusion.js';

/** Hits with descending made-up scores in the given key order (RRF ignores scores). */
const ranked = (...keys: number[]): SearchHit[] => keys.map((key, i) => ({ key, score: 100 - i }));

describe('reciprocalRankFusion', () => {
  it('sums 1/(k + rank) over the lists a document appears in', () => {
    const out = reciprocalRankFusion([ranked(1, 2, 3), ranked(3, 1)]);
    expect(out.map((h) => h.key)).toEqual([1, 3, 2]);
    expect(out[0]!.score).toBeCloseTo(1 / 61 + 1 / 62, 12);
    expect(out[1]!.score).toBeCloseTo(1 / 63 + 1 / 61, 12);
    expect(out[2]!.score).toBeCloseTo(1 / 62, 12); // missing from the second list: nothing from it
  });

  it('weights lists, honours k and limit', () => {
    const out = reciprocalRankFusion([ranked(1, 2, 3), ranked(3, 1)], { weights: [2, 1] });
    expect(out.map((h) => h.key)).toEqual([1, 3, 2]);
    expect(out[0]!.score).toBeCloseTo(2 / 61 + 1 / 62, 12);
    expect(out[1]!.score).toBeCloseTo(2 / 63 + 1 / 61, 12);
    expect(out[2]!.score).toBeCloseTo(2 / 62, 12);
    // a zero weight silences a list
    expect(reciprocalRankFusion([ranked(1, 2), ranked(2, 1)], { weights: [0, 1] }).map((h) => h.key)).toEqual([2, 1]);
    expect(reciprocalRankFusion([ranked(7)], { k: 0 })).toEqual([{ key: 7, score: 1 }]);
    expect(reciprocalRankFusion([ranked(1, 2, 3), ranked(3, 1)], { limit: 2 })).toHaveLength(2);
  });

  it('breaks ties by the smaller key and counts a repeated key once, at its best rank', () => {
    expect(reciprocalRankFusion([ranked(5), ranked(4)]).map((h) => h.key)).toEqual([4, 5]);
    expect(reciprocalRankFusion([ranked(9, 8, 9)])).toEqual([
      { key: 9, score: 1 / 61 },
      { key: 8, score: 1 / 62 },
    ]);
  });

  it('handles empty lists without NaN and refuses bad input', () => {
    expect(reciprocalRankFusion([])).toEqual([]);
    expect(reciprocalRankFusion([[], []])).toEqual([]);
    const one = reciprocalRankFusion([[], ranked(3, 4)]);
    expect(one.every((h) => Number.isFinite(h.score))).toBe(true);
    expect(() => reciprocalRankFusion([ranked(1)], { weights: [1, 1] })).toThrow(/2 weights for 1 lists/);
    expect(() => reciprocalRankFusion([ranked(1)], { weights: [-1] })).toThrow(/weights\[0\]/);
    expect(() => reciprocalRankFusion([ranked(1)], { k: Number.NaN })).toThrow(/k must be/);
    expect(() => reciprocalRankFusion([ranked(1)], { limit: 0 })).toThrow(/limit/);
    expect(() => reciprocalRankFusion([[{ key: 1, score: Number.NaN }]])).toThrow(/non-finite score/);
  });
});

describe('weightedScoreFusion', () => {
  const a: SearchHit[] = [
    { key: 1, score: 10 },
    { key: 2, score: 5 },
    { key: 3, score: 0 },
  ];
  const b: SearchHit[] = [
    { key: 2, score: 0.9 },
    { key: 4, score: 0.5 },
  ];

  it('min-max: normalises each list to [0, 1]; a missing document gets the list minimum, 0', () => {
    const out = weightedScoreFusion([a, b]);
    expect(out).toEqual([
      { key: 2, score: 1.5 },
      { key: 1, score: 1 },
      { key: 3, score: 0 },
      { key: 4, score: 0 },
    ]);
    const w = weightedScoreFusion([a, b], { weights: [0.25, 1] });
    expect(w.map((h) => [h.key, h.score])).toEqual([
      [2, 1.125],
      [1, 0.25],
      [3, 0],
      [4, 0],
    ]);
  });

  it('z-score: standardises each list; a missing document gets the list’s smallest z', () => {
    const za = Math.sqrt(50 / 3); // population std of 10, 5, 0
    const out = weightedScoreFusion([a, b], { normalize: 'z-score' });
    expect(out.map((h) => h.key)).toEqual([2, 1, 3, 4]);
    const score = new Map(out.map((h) => [h.key, h.score]));
    expect(score.get(1)).toBeCloseTo(5 / za - 1, 12);
    expect(score.get(2)).toBeCloseTo(0 + 1, 12);
    expect(score.get(3)).toBeCloseTo(-5 / za - 1, 12);
    expect(score.get(4)).toBeCloseTo(-5 / za - 1, 12);
  });

  it('ranks a single-hit or all-tied list’s hits above missing documents, and an empty list adds nothing', () => {
    expect(weightedScoreFusion([[{ key: 7, score: 3 }], b])).toEqual([
      { key: 2, score: 1 },
      { key: 7, score: 1 },
      { key: 4, score: 0 },
    ]);
    const z = weightedScoreFusion([[{ key: 7, score: 3 }], []], { normalize: 'z-score' });
    expect(z).toEqual([{ key: 7, score: 0 }]);
    const tiedZ = weightedScoreFusion(
      [
        [
          { key: 1, score: 2 },
          { key: 2, score: 2 },
        ],
        [{ key: 3, score: 1 }],
      ],
      { normalize: 'z-score' },
    );
    // every document is 0 in the list holding it and -1 in the other: a three-way tie, broken by key
    expect(tiedZ).toEqual([
      { key: 1, score: -1 },
      { key: 2, score: -1 },
      { key: 3, score: -1 },
    ]);
    for (const normalize of ['min-max', 'z-score'] as const) {
      const out = weightedScoreFusion([[], b], { normalize });
      expect(out.map((h) => h.key)).toEqual([2, 4]);
      expect(out.every((h) => Number.isFinite(h.score))).toBe(true);
      expect(weightedScoreFusion([[], []], { normalize })).toEqual([]);
    }
  });

  it('refuses bad options', () => {
    expect(() => weightedScoreFusion([a], { normalize: 'rank' as never })).toThrow(/normalize/);
    expect(() => weightedScoreFusion([a, b], { weights: [1] })).toThrow(/1 weights for 2 lists/);
    expect(() => weightedScoreFusion([[{ key: 1, score: Number.POSITIVE_INFINITY }]])).toThrow(/list 0 hit 0 \(key 1\)/);
  });
});
