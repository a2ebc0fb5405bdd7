import { Bm25Index } from '@contrastive/text';
import { describe, expect, it } from 'vitest';
import { sentenceHardNegatives } from './sentence-negatives.js';
import type { TextSearchFactory } from './text-search.js';

const bm25: TextSearchFactory = (docs) => new Bm25Index(docs);

describe('sentenceHardNegatives (BM25 from @contrastive/text)', () => {
  const images = [
    ['A red apple on a table.'], // 0
    ['A green apple on a table.'], // 1
    ['A red apple.'], // 2
    ['A frog on a log.'], // 3
    ['A red apple on a table'], // 4: image 0's caption again (no full stop)
    ['A bowl of fruit.', 'A red apple in a bowl.'], // 5: two captions
  ];

  it('the most similar captions of other images, best first, without the caption itself or its duplicates', () => {
    const negatives = sentenceHardNegatives(images, bm25, { perCaption: 2 });
    // Image 0: "A red apple on a table" (image 4) is its own caption by key, so it is skipped, not a negative.
    expect(negatives[0]).toHaveLength(2);
    expect(negatives[0]).not.toContain('A red apple on a table');
    expect(negatives[0]).not.toContain('A red apple on a table.');
    expect(negatives[0]![0]).toBe('A green apple on a table.'); // shares "apple", "table" and more
    expect(negatives[4]).toEqual(negatives[0]);
    // The frog shares no content word with the others (stop words are dropped): BM25 returns nothing.
    expect(negatives[3]).toEqual([]);
    // Image 5 has two captions: up to 2 per caption, merged, none of its own.
    expect(negatives[5]!.length).toBeGreaterThan(0);
    expect(negatives[5]!.length).toBeLessThanOrEqual(4);
    for (const t of negatives[5]!) expect(['A bowl of fruit.', 'A red apple in a bowl.']).not.toContain(t);
    expect(negatives[5]).toContain('A red apple.');
  });

  it('ranks by the injected engine and asks for enough documents to fill perCaption after skipping', () => {
    const calls: [string, number][] = [];
    const fake: TextSearchFactory = (docs) => ({
      search: (q, limit) => {
        calls.push([q, limit]);
        // Every document, in reverse order (the last is "best").
        return docs.map((_, i) => [docs.length - 1 - i, 1] as [number, number]).slice(0, limit);
      },
    });
    const out = sentenceHardNegatives([['x one'], ['x two'], ['x three'], ['x one.']], fake, { perCaption: 1 });
    // Docs (distinct keys): "x one", "x two", "x three". Reverse order: three, two, one.
    expect(out).toEqual([['x three'], ['x three'], ['x two'], ['x three']]);
    expect(calls.map(([, l]) => l)).toEqual([2, 2, 2, 2]);
  });

  it('perCaption 0 turns it off; bad input is named', () => {
    expect(sentenceHardNegatives(images, bm25, { perCaption: 0 })).toEqual(images.map(() => []));
    expect(() => sentenceHardNegatives([['a'], []], bm25)).toThrow(/image 1 has no caption/);
    expect(() => sentenceHardNegatives([['a'], [' ']], bm25)).toThrow(/image 1 has an empty caption/);
    expect(() => sentenceHardNegatives(images, bm25, { perCaption: 1.5 })).toThrow(/perCaption must be a non-negative integer/);
    const liar: TextSearchFactory = () => ({ search: () => [[99, 1]] });
    expect(() => sentenceHardNegatives(images, liar)).toThrow(/returned document 99/);
  });
});
