import { describe, expect, it } from 'vitest';
import { cmclBatch } from '../rewrites/cmcl-batch.js';
import { textKey } from '../rewrites/text-key.js';
import { createRng } from '@contrastive/core';
import { cmclRewriteTables } from './rewrites-tables.js';

/** Six train records of five images, Tux Paint-like (translations by locale). */
const records: { caption: string; captions?: Record<string, string>; split: 'train' | 'test' }[] = [
  {
    caption: 'A red apple.',
    captions: { en_GB: 'A red apple.', es: 'Una manzana roja.', fr: 'Une pomme rouge.' },
    split: 'train' as const,
  },
  { caption: 'A green apple.', captions: { es: 'Una manzana verde.' }, split: 'train' },
  { caption: 'A frog.', captions: { es: 'Una rana.', de: 'Ein Frosch.' }, split: 'train' },
  { caption: 'A frog on a log.', captions: { es: 'Una rana en un tronco.' }, split: 'train' },
  { caption: 'A happy penguin.', split: 'train' },
  { caption: 'A red apple', captions: { es: 'Una manzana roja.' }, split: 'train' }, // image 0 again
];
const ds = { records, imageIndex: Int32Array.from([0, 1, 2, 3, 4, 0]), imageCount: 5 };

describe('cmclRewriteTables (BM25 from @contrastive/text, WordNet 3.1, WordNet glosses as the text corpus)', () => {
  it('builds every kind for the train images; the masks follow', async () => {
    const lines: string[] = [];
    const { tables, counts } = await cmclRewriteTables(ds, { locales: ['es', 'en_GB'], seed: 3, log: (l) => lines.push(l) });
    expect(tables).toHaveLength(5);
    expect(tables[0]!.captions).toEqual(['A red apple.']); // "A red apple" is the same text by key
    expect(tables[0]!.positives).toEqual(['Una manzana roja.']); // en_GB equals the caption
    expect(tables[2]!.positives).toEqual(['Una rana.']); // de not chosen
    expect(tables[0]!.sentenceNegatives[0]).toBe('A green apple.');
    expect(tables[2]!.sentenceNegatives).toEqual(['A frog on a log.']);
    expect(tables[4]!.wordNegatives).toContain('An unhappy penguin.');
    expect(tables[2]!.weakPositives.every((t) => /frog/i.test(t))).toBe(true);
    expect(tables[2]!.weakPositives.length).toBe(2);
    expect(counts).toMatchObject({ images: 5, positives: 4 });
    expect(lines.join('\n')).toMatch(/cmcl rewrites: 5 images, 4 positive rewrites/);
    // A batch over them: image 0's sentence-level negative "A green apple." is image 1's caption, a positive of 1 only.
    const b = cmclBatch([0, 1], ['A red apple.', 'A green apple.'], tables, createRng(0));
    expect(b.positiveMask[0]![1]).toBe(0);
    expect(b.positiveMask[1]![1]).toBe(1);
    b.texts.forEach((t, j) => {
      if (b.kinds[j] === 'negative') expect(tables[b.owners[j]!]!.captions.map(textKey)).not.toContain(textKey(t));
    });
  });

  it('refuses records of the test split', async () => {
    const leaky = { ...ds, records: records.map((r, i) => (i === 3 ? { ...r, split: 'test' as const } : r)) };
    await expect(cmclRewriteTables(leaky)).rejects.toThrow(
      /record 3 \(A frog on a log\.\) is in the test split: build the tables from the train split only/,
    );
  });
});
