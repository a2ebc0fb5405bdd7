import { createRng } from '@contrastive/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cmclBatch, DEFAULT_CMCL_BUDGET } from './cmcl-batch.js';
import type { ImageRewrites } from './tables.js';
import { textKey } from './text-key.js';

const table = (t: Partial<ImageRewrites> & { captions: string[] }): ImageRewrites => ({
  positives: [],
  weakPositives: [],
  sentenceNegatives: [],
  wordNegatives: [],
  ...t,
});

/** The hand example: image ids 0 … 4. */
const TABLES: ImageRewrites[] = [
  table({
    captions: ['A red apple.'],
    positives: ['Una manzana roja.', 'A red apple'], // the second is the caption again (by key): never a new column
    weakPositives: ['apple: fruit with red or yellow or green skin'],
    sentenceNegatives: ['A green apple.'], // image 3's caption
    wordNegatives: ['A red pear.'],
  }),
  table({ captions: ['A frog.'], positives: ['Una rana.'], sentenceNegatives: ['A green frog.'] }),
  // Shares "A frog." with image 1; a bad table: a negative that is its own other caption (by key).
  table({ captions: ['A frog.', 'A frog on a log.'], positives: ['Une grenouille.'], wordNegatives: ['A frog on a log', 'A toad.'] }),
  table({ captions: ['A green apple.'], positives: ['Una manzana verde.'], wordNegatives: ['A green pear.', 'A red apple.'] }), // a bad table: its negative "A red apple." is image 0's caption, fine for 3
  table({ captions: ['A pear.'], positives: ['Una pera.'], wordNegatives: ['A pear.', 'A banana.'] }), // a bad table: a negative equal to its caption
];

const col = (texts: string[], t: string) => {
  const j = texts.indexOf(t);
  expect(j, t).toBeGreaterThanOrEqual(0);
  return j;
};

describe('cmclBatch: the hand example', () => {
  const budget = { positives: 1, weakPositives: 1, hardNegatives: 1 };
  const b = cmclBatch([0, 1, 2, 3, 4], ['A red apple.', 'A frog.', 'A frog.', 'A green apple.', 'A pear.'], TABLES, createRng(3), {
    budget,
  });

  it('the N captions first, in batch order (a repeated caption kept); then each image’s rewrites within its budget', () => {
    expect(b.texts.slice(0, 5)).toEqual(['A red apple.', 'A frog.', 'A frog.', 'A green apple.', 'A pear.']);
    expect(b.kinds.slice(0, 5)).toEqual(['caption', 'caption', 'caption', 'caption', 'caption']);
    expect(b.owners.slice(0, 5)).toEqual([0, 1, 2, 3, 4]);
    // Every pool here has at most one text the batch lacks, so the draw is fixed whatever the generator: image 0's
    // second positive is its caption again and its negative "A green apple." is already a column (image 3's
    // caption) — both skipped without using the budget; image 3's "A red apple." likewise (column 0); image 2's
    // "A frog on a log" is its own caption, never its negative.
    expect(b.texts.slice(5)).toEqual([
      'Una manzana roja.',
      'apple: fruit with red or yellow or green skin',
      'A red pear.',
      'Una rana.',
      'A green frog.',
      'Une grenouille.',
      'A toad.',
      'Una manzana verde.',
      'A green pear.',
      'Una pera.',
      'A banana.',
    ]);
    expect(b.kinds.slice(5)).toEqual([
      'positive',
      'weak',
      'negative',
      'positive',
      'negative',
      'positive',
      'negative',
      'positive',
      'negative',
      'positive',
      'negative',
    ]);
    expect(b.owners.slice(5)).toEqual([0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4]);
    // Texts after the captions are distinct from each other and from the captions (by key).
    const keys = b.texts.map(textKey);
    expect(new Set(keys.slice(5)).size).toBe(keys.length - 5);
    for (const k of keys.slice(5)) expect(keys.slice(0, 5)).not.toContain(k);
  });

  it('positives: the image’s caption, its rewrites, its weak positives — and a shared caption is a positive of both images', () => {
    const P = b.positiveMask;
    const t = b.texts;
    expect(P.map((r) => r.slice(0, 5))).toEqual([
      [1, 0, 0, 0, 0],
      [0, 1, 1, 0, 0], // images 1 and 2 were both drawn with "A frog.": each column is a positive of both
      [0, 1, 1, 0, 0],
      [0, 0, 0, 1, 0],
      [0, 0, 0, 0, 1],
    ]);
    expect(P[0]![col(t, 'Una manzana roja.')]).toBe(1);
    expect(P[0]![col(t, 'apple: fruit with red or yellow or green skin')]).toBe(1);
    expect(P[1]![col(t, 'Una rana.')]).toBe(1);
    expect(P[2]![col(t, 'Une grenouille.')]).toBe(1);
    expect(P[1]![col(t, 'Une grenouille.')]).toBe(0); // image 2's translation is not in image 1's table
  });

  it('hard negatives are candidates and never positives of their image; bad tables cannot make them so', () => {
    const P = b.positiveMask;
    const t = b.texts;
    expect(P.map((r) => r[col(t, 'A red pear.')])).toEqual([0, 0, 0, 0, 0]);
    // Image 0's sentence-level negative is image 3's caption: a negative of 0, a positive of 3.
    expect(P[0]![3]).toBe(0);
    expect(P[3]![3]).toBe(1);
    // Image 4's table lists its own caption as a negative, image 2's its other caption: skipped, the other drawn.
    expect(t.filter((_, j) => b.owners[j] === 4 && b.kinds[j] === 'negative')).toEqual(['A banana.']);
    expect(t.filter((_, j) => b.owners[j] === 2 && b.kinds[j] === 'negative')).toEqual(['A toad.']);
    expect(t.map(textKey)).not.toContain(textKey('A frog on a log'));
    for (let j = 5; j < t.length; j++) if (b.kinds[j] === 'negative') expect(P[b.owners[j]!]![j]).toBe(0);
    expect(b.candidateMask).toEqual(P.map((r) => r.map(() => 1)));
  });

  it('the same generator state gives the same batch; other states other draws', () => {
    const again = cmclBatch([0, 1, 2, 3, 4], ['A red apple.', 'A frog.', 'A frog.', 'A green apple.', 'A pear.'], TABLES, createRng(3), {
      budget,
    });
    expect(again).toEqual(b);
    const big = [table({ captions: ['x'], positives: Array.from({ length: 20 }, (_, i) => `p${i}`) })];
    const draws = new Set([1, 2, 3, 4, 5].map((s) => cmclBatch([0], ['x'], big, createRng(s)).texts.join('|')));
    expect(draws.size).toBeGreaterThan(1);
  });

  it('without rewrites: the identity positives and all candidates (CLIP’s batch); bad input named', () => {
    const plain = cmclBatch([7, 8], ['A frog.', 'A pear.'], [], createRng(0));
    expect(plain).toEqual({
      texts: ['A frog.', 'A pear.'],
      positiveMask: [
        [1, 0],
        [0, 1],
      ],
      candidateMask: [
        [1, 1],
        [1, 1],
      ],
      kinds: ['caption', 'caption'],
      owners: [0, 1],
    });
    expect(() => cmclBatch([0], ['a', 'b'], TABLES, createRng(0))).toThrow(/2 captions for 1 images/);
    expect(() => cmclBatch([-1], ['a'], TABLES, createRng(0))).toThrow(/imageIds\[0\] must be a non-negative integer/);
    expect(() => cmclBatch([0], [''], TABLES, createRng(0))).toThrow(/captions\[0\] must be a non-empty string/);
    expect(() => cmclBatch([0], ['a'], TABLES, createRng(0), { budget: { positives: -1 } })).toThrow(/budget\.positives must be/);
    expect(() => cmclBatch([0], ['a'], TABLES, createRng(0), { budget: { negatives: 1 } as never })).toThrow(
      /unknown budget key 'negatives'/,
    );
  });
});

describe('cmclBatch: invariants over random tables (fast-check)', () => {
  // A small vocabulary so that texts collide across images and kinds, as translations and BM25 neighbours do.
  const word = fc.constantFrom(
    'a frog',
    'A frog.',
    'a pear',
    'an apple',
    'A red apple',
    'una rana',
    'la pera',
    'a log',
    'frog on log',
    'x',
  );
  const words = fc.array(word, { maxLength: 5 });
  const tableArb = fc.record({
    captions: fc.array(word, { minLength: 1, maxLength: 3 }),
    positives: words,
    weakPositives: words,
    sentenceNegatives: words,
    wordNegatives: words,
  });
  const budgetArb = fc.record({ positives: fc.nat(3), weakPositives: fc.nat(2), hardNegatives: fc.nat(3) });

  it('columns, masks and budgets obey the rules for any tables', () => {
    fc.assert(
      fc.property(
        fc.array(tableArb, { minLength: 1, maxLength: 6 }),
        budgetArb,
        fc.integer(),
        fc.array(fc.nat(20), { minLength: 1, maxLength: 6 }),
        (tables, budget, seed, picks) => {
          const ids = picks.map((p) => p % tables.length);
          const captions = ids.map((id, i) => tables[id]!.captions[(i + id) % tables[id]!.captions.length]!);
          const b = cmclBatch(ids, captions, tables, createRng(seed), { budget });
          const n = ids.length;
          const m = b.texts.length;
          const keys = b.texts.map(textKey);
          expect(b.texts.slice(0, n)).toEqual(captions);
          expect(b.positiveMask).toHaveLength(n);
          expect(b.candidateMask.every((r) => r.length === m && r.every((v) => v === 1))).toBe(true);
          expect(new Set(keys.slice(n)).size).toBe(m - n); // rewrites are new texts
          for (const k of keys.slice(n)) expect(keys.slice(0, n)).not.toContain(k);
          ids.forEach((id, i) => {
            const t = tables[id]!;
            const pos = new Set([captions[i]!, ...t.captions, ...t.positives, ...t.weakPositives].map(textKey));
            // Positives are exactly the texts of the image's own table (and its chosen caption).
            expect(b.positiveMask[i]).toEqual(keys.map((k) => (pos.has(k) ? 1 : 0)));
            expect(b.positiveMask[i]![i]).toBe(1);
            const drawn = (kind: string) => b.texts.filter((_, j) => b.kinds[j] === kind && b.owners[j] === i);
            const counts = { positive: budget.positives, weak: budget.weakPositives, negative: budget.hardNegatives };
            for (const [kind, max] of Object.entries(counts)) expect(drawn(kind).length).toBeLessThanOrEqual(max);
            for (const t2 of drawn('negative')) expect(pos.has(textKey(t2))).toBe(false);
            // Budgets are used up unless the pool ran out of texts not already in the batch.
            const pools = {
              positive: t.positives,
              weak: t.weakPositives,
              negative: [...t.sentenceNegatives, ...t.wordNegatives].filter((x) => !pos.has(textKey(x))),
            };
            for (const [kind, max] of Object.entries(counts)) {
              if (drawn(kind).length < max) {
                for (const x of pools[kind as keyof typeof pools]) expect(keys.includes(textKey(x)), `${kind} ${x}`).toBe(true);
              }
            }
          });
        },
      ),
      { seed: 20210801, numRuns: 300 },
    );
  });

  it('the default budget is 2 positives, 1 weak positive, 2 hard negatives', () => {
    expect(DEFAULT_CMCL_BUDGET).toEqual({ positives: 2, weakPositives: 1, hardNegatives: 2 });
  });
});
