import { Bm25Index } from '@contrastive/text';
import { describe, expect, it } from 'vitest';
import { buildRewriteTables, type ImageRewrites, imagesFromRecords } from './tables.js';
import { textKey } from './text-key.js';
import type { TextSearchFactory } from './text-search.js';
import { MINI_WORDNET } from './test-utils/mini-wordnet.js';
import { nounGlossCorpus, parseWordNetLexicon } from './wordnet-lexicon.js';

const lexicon = parseWordNetLexicon(MINI_WORDNET);
const bm25: TextSearchFactory = (docs) => new Bm25Index(docs);

describe('imagesFromRecords', () => {
  it('groups records by image: distinct captions in record order, paraphrases of the chosen locales', () => {
    const records: { caption: string; captions: Record<string, string> }[] = [
      { caption: 'A red apple.', captions: { es: 'Una manzana roja.', en_GB: 'A red apple' } },
      { caption: 'A pear.', captions: { es: 'Una pera.' } },
      { caption: 'A red apple', captions: { es: 'Una manzana roja.', fr: 'Une pomme rouge.' } }, // image 0 again
      { caption: 'An apple on a table.', captions: { es: 'A red apple.' } }, // image 0: a paraphrase equal to its caption
    ];
    expect(imagesFromRecords(records, [0, 1, 0, 0], 2, ['es', 'fr', 'en_GB'])).toEqual([
      { captions: ['A red apple.', 'An apple on a table.'], paraphrases: ['Una manzana roja.', 'Une pomme rouge.'] },
      { captions: ['A pear.'], paraphrases: ['Una pera.'] },
    ]);
    expect(() => imagesFromRecords(records, [0, 1, 0], 2, [])).toThrow(/imageIndex has 3 entries for 4 records/);
    expect(() => imagesFromRecords(records, [0, 1, 0, 5], 2, [])).toThrow(/imageIndex\[3\] = 5 is not an image of 0 … 1/);
    expect(() => imagesFromRecords(records, [0, 0, 0, 0], 2, [])).toThrow(/image 1 has no record/);
  });
});

describe('buildRewriteTables', () => {
  const images = [
    { captions: ['A red apple.'], paraphrases: ['Una manzana roja.', 'A green apple.'] }, // a paraphrase that is image 1's caption
    { captions: ['A green apple.'], paraphrases: ['Una manzana verde.'] },
    { captions: ['A happy penguin.'] },
    { captions: ['A red pear.'] },
  ];
  const build = (seed = 0) => buildRewriteTables(images, { search: bm25, lexicon, corpus: nounGlossCorpus(lexicon) }, { seed });

  it('every kind filled from its source; kinds disjoint; no negative is a positive of its image', () => {
    const tables = build();
    expect(tables.map((t) => t.captions)).toEqual(images.map((im) => im.captions));
    expect(tables[0]!.positives).toEqual(['Una manzana roja.', 'A green apple.']);
    // "A green apple." is a positive of image 0 (its paraphrase), so not its sentence-level negative even though it is
    // the most similar caption of another image.
    expect(tables[0]!.sentenceNegatives).toEqual(['A red pear.']);
    expect(tables[1]!.sentenceNegatives).toContain('A red apple.');
    // Word swaps from the mini WordNet: red → blue/green, apple → banana/pear.
    // Word swaps from the mini WordNet (red → blue/green, apple → banana/pear), less what image 0 already holds:
    // "A green apple." (a positive) and "A red pear." (a sentence-level negative).
    expect(new Set(tables[0]!.wordNegatives)).toEqual(new Set(['A blue apple.', 'A red banana.']));
    expect(tables[2]!.wordNegatives.sort()).toEqual(['A happy gannet.', 'A happy pelican.', 'An unhappy penguin.']);
    expect(tables[2]!.weakPositives.length).toBeGreaterThan(0);
    expect(tables[2]!.weakPositives.every((t) => /penguin/.test(t))).toBe(true);
    for (const t of tables) {
      const kinds = (['captions', 'positives', 'weakPositives', 'sentenceNegatives', 'wordNegatives'] as (keyof ImageRewrites)[]).map((k) =>
        t[k].map(textKey),
      );
      const all = kinds.flat();
      expect(new Set(all).size, JSON.stringify(t)).toBe(all.length);
    }
  });

  it('deterministic; the seed moves the word swaps only', () => {
    const many = { captions: ['A great blue heron and a red apple and a happy tiger.'] };
    const a = buildRewriteTables([many, ...images], { search: bm25, lexicon }, { seed: 1, wordNegatives: 2 });
    expect(buildRewriteTables([many, ...images], { search: bm25, lexicon }, { seed: 1, wordNegatives: 2 })).toEqual(a);
    const others = [2, 3, 4, 5].map((seed) => buildRewriteTables([many, ...images], { search: bm25, lexicon }, { seed, wordNegatives: 2 }));
    expect(others.some((b) => JSON.stringify(b[0]!.wordNegatives) !== JSON.stringify(a[0]!.wordNegatives))).toBe(true);
    for (const b of others) expect(b.map((t) => t.sentenceNegatives)).toEqual(a.map((t) => t.sentenceNegatives));
  });

  it('kinds turn off with 0 or without their source; bad input named', () => {
    const off = buildRewriteTables(images, { search: bm25 }, { sentenceNegatives: 0 });
    expect(off.every((t) => t.sentenceNegatives.length === 0 && t.wordNegatives.length === 0 && t.weakPositives.length === 0)).toBe(true);
    expect(() => buildRewriteTables(images, {} as never)).toThrow(/sources\.search must be a function/);
    expect(() => buildRewriteTables([{ captions: [] }], { search: bm25 })).toThrow(/image 0 has no caption/);
    expect(() => buildRewriteTables(images, { search: bm25 }, { wordNegatives: -1 })).toThrow(
      /wordNegatives must be a non-negative integer/,
    );
  });
});
