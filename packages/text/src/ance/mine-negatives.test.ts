import { createRng } from '@contrastive/core';
import { describe, expect, it } from 'vitest';
import { Bm25Index } from '../eval/bm25.js';
import { bm25Negatives, mineNegatives, normalizePassageText, textGroups } from './mine-negatives.js';

const texts = ['alpha beta', 'gamma delta', 'Alpha  BETA ', 'epsilon', 'zeta eta', 'theta', 'iota kappa', 'lambda'];

describe('mineNegatives', () => {
  it('drops the positive key, passages with the positive’s text under another key, and duplicates; keeps n', () => {
    // Query 0's positive is 0; passage 2 is the same text (case, spaces): a false negative.
    const hits = [[0, 2, 1, 1, 3, 4, 5]];
    const r = mineNegatives(hits, [0], texts, { count: 3, rng: createRng(1), shuffle: false });
    expect(Array.from(r.keys)).toEqual([1, 3, 4]);
    expect(r.stats).toMatchObject({
      queries: 1,
      mined: 3,
      positiveHits: 1,
      falseNegatives: 1,
      duplicates: 1,
      filled: 0,
      positivesRetrieved: 1,
    });
    // Without the text check, passage 2 is a negative.
    const loose = mineNegatives(hits, [0], texts, { count: 3, rng: createRng(1), shuffle: false, dropEqualText: false });
    expect(Array.from(loose.keys)).toEqual([2, 1, 3]);
  });

  it('accepts VectorIndex hits and several positives per query', () => {
    const hits = [
      [
        { key: 4, score: 3 },
        { key: 5, score: 2 },
        { key: 6, score: 1 },
        { key: 7, score: 0 },
      ],
    ];
    const r = mineNegatives(hits, [[5, 6]], texts, { count: 2, rng: createRng(1), shuffle: false });
    expect(Array.from(r.keys)).toEqual([4, 7]);
    expect(r.stats.positiveHits).toBe(2);
  });

  it('shuffles the top-k (seeded) before taking n; topK bounds the pool', () => {
    const hits = [[1, 3, 4, 5, 6, 7]];
    const a = mineNegatives(hits, [0], texts, { count: 3, topK: 6, rng: createRng(5) });
    const b = mineNegatives(hits, [0], texts, { count: 3, topK: 6, rng: createRng(5) });
    expect(Array.from(a.keys)).toEqual(Array.from(b.keys));
    const seen = new Set<string>();
    for (let s = 0; s < 20; s++)
      seen.add(Array.from(mineNegatives(hits, [0], texts, { count: 3, topK: 6, rng: createRng(s) }).keys).join());
    expect(seen.size).toBeGreaterThan(5); // not always the top 3
    for (let s = 0; s < 20; s++) {
      const k = Array.from(mineNegatives(hits, [0], texts, { count: 2, topK: 2, rng: createRng(s) }).keys).sort();
      expect(k).toEqual([1, 3]); // only the top 2 are eligible
    }
  });

  it('fills from random passages (seeded, under the same exclusions) when too few hits are usable, and says so', () => {
    const r = mineNegatives(
      [
        [0, 2],
        [0, 3],
      ],
      [0, 3],
      texts,
      { count: 4, rng: createRng(3) },
    );
    expect(r.stats).toMatchObject({ mined: 1, filled: 7, queriesFilled: 2, falseNegatives: 1 });
    const q0 = Array.from(r.keys.subarray(0, 4));
    const q1 = Array.from(r.keys.subarray(4, 8));
    for (const k of q0) expect([0, 2]).not.toContain(k);
    expect(q1).not.toContain(3);
    expect(q1[0]).toBe(0); // the one usable hit comes first
    expect(new Set(q0).size).toBe(4);
    expect(new Set(q1).size).toBe(4);
    expect(
      Array.from(
        mineNegatives(
          [
            [0, 2],
            [0, 3],
          ],
          [0, 3],
          texts,
          { count: 4, rng: createRng(3) },
        ).keys,
      ),
    ).toEqual(Array.from(r.keys));
  });

  it('refuses bad input with a message naming it', () => {
    const opts = { count: 2, rng: createRng(0) };
    expect(() => mineNegatives([[1]], [0], texts, { ...opts, count: 0 })).toThrow(
      /count \(negatives per query\) must be an integer >= 1, got 0/,
    );
    expect(() => mineNegatives([[1]], [[]], texts, opts)).toThrow(/query 0 has no positive passage/);
    expect(() => mineNegatives([[1]], [9], texts, opts)).toThrow(/positive key 9 is not a passage key in \[0, 8\)/);
    expect(() => mineNegatives([[1], [2]], [0], texts, opts)).toThrow(/2 hit lists for 1 queries/);
    expect(() => mineNegatives([[12]], [0], texts, opts)).toThrow(/hit key 12/);
    expect(() => mineNegatives([[1]], [0], texts, { ...opts, topK: 0 })).toThrow(/topK must be an integer >= 1/);
    // Passages 0 and 2 are the positive's text: 6 others, so 7 negatives cannot be found.
    expect(() => mineNegatives([[1]], [0], texts, { ...opts, count: 7 })).toThrow(
      /only 6 that are neither a positive nor its text; need 7/,
    );
  });

  it('normalises text by case, Unicode form and whitespace only', () => {
    expect(normalizePassageText('  Ｃafé\tAU  lait ')).toBe('café au lait');
    expect(normalizePassageText('C++')).not.toBe(normalizePassageText('C'));
    expect(Array.from(textGroups(texts))).toEqual([0, 1, 0, 3, 4, 5, 6, 7]);
  });
});

describe('bm25Negatives', () => {
  const corpus = [
    'the cat sat on the mat',
    'a dog chased the cat',
    'The  cat sat on the MAT',
    'stock markets fell sharply today',
    'the mat was red',
    'cats and dogs are pets',
    'bond yields rose',
    'a red mat and a cat',
  ];

  it('takes lexical neighbours of the query, without the positive or its text', () => {
    const r = bm25Negatives(['cat mat'], [0], corpus, { count: 3, rng: createRng(0), shuffle: false });
    const keys = Array.from(r.keys);
    expect(keys).not.toContain(0);
    expect(keys).not.toContain(2);
    const bm25 = new Bm25Index(corpus).search('cat mat', 200).map(([k]) => k);
    expect(keys).toEqual(bm25.filter((k) => k !== 0 && k !== 2).slice(0, 3));
    expect(r.stats.falseNegatives).toBe(1);
    expect(r.stats.filled).toBe(0);
  });

  it('fills when BM25 finds too few passages sharing a term', () => {
    const r = bm25Negatives(['yields'], [6], corpus, { count: 2, rng: createRng(0) });
    expect(r.stats.filled).toBe(2);
    expect(Array.from(r.keys)).not.toContain(6);
  });
});
