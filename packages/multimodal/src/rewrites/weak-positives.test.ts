import { Bm25Index } from '@contrastive/text';
import { describe, expect, it } from 'vitest';
import type { TextSearchFactory } from './text-search.js';
import { retrieveWeakPositives } from './weak-positives.js';

const bm25: TextSearchFactory = (docs) => new Bm25Index(docs);

describe('retrieveWeakPositives', () => {
  const corpus = [
    'frog: a tailless amphibian with long hind legs for leaping',
    'tree frog: an arboreal frog with adhesive toes',
    'apple: fruit with red or yellow or green skin',
    'A frog.', // a caption of image 0: never a weak positive of anyone
    'log: a segment of the trunk of a tree',
    'table: a piece of furniture with a flat top',
  ];
  it('related corpus texts by BM25, best first, never a caption of any image', () => {
    const weak = retrieveWeakPositives([['A frog.'], ['A green frog on a log.'], ['A red apple.']], corpus, bm25, { perCaption: 2 });
    expect(weak[0]).toHaveLength(2);
    expect(weak[0]!.every((t) => t.includes('frog') && t !== 'A frog.')).toBe(true);
    expect(weak[1]).not.toContain('A frog.');
    expect(weak[2]).toEqual(['apple: fruit with red or yellow or green skin']); // the only text sharing a term
  });
  it('nothing without a corpus or with perCaption 0; bad input named', () => {
    expect(retrieveWeakPositives([['A frog.']], [], bm25)).toEqual([[]]);
    expect(retrieveWeakPositives([['A frog.']], corpus, bm25, { perCaption: 0 })).toEqual([[]]);
    expect(() => retrieveWeakPositives([['A frog.']], 'frogs' as never, bm25)).toThrow(/corpus must be an array/);
  });
});
