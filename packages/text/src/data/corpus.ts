import { existsSync, readFileSync } from 'node:fs';
import { parseCorpus, parseRetrievalPairs, parseStsPairs, parseTriplets } from './parse-corpus.js';
import type { RetrievalPair, StsPair, Triplet } from './parse-corpus.js';

function readText(file: string): string {
  if (!existsSync(file)) throw new Error(`${file}: file not found`);
  return readFileSync(file, 'utf8');
}

/**
 * Reads a training corpus: UTF-8 with one passage per line, or JSONL (`.jsonl`/`.json`, or when the first
 * non-empty line starts with `{`) with a `text` field. Blank lines are skipped. Throws on an empty corpus.
 */
export function readCorpus(file: string): string[] {
  return parseCorpus(readText(file), file, { jsonl: /\.jsonl?$/.test(file) });
}

/** Reads JSONL triplets `{"text", "positive", "negative"}` (supervised SimCSE). */
export function readTriplets(file: string): Triplet[] {
  return parseTriplets(readText(file), file);
}

/** Reads retrieval pairs, JSONL `{"query", "document"}`. */
export function readRetrievalPairs(file: string): RetrievalPair[] {
  return parseRetrievalPairs(readText(file), file);
}

/** Reads STS pairs from a TSV `sentence1 \t sentence2 \t score` (a header line naming the columns is skipped). */
export function readStsPairs(file: string): StsPair[] {
  return parseStsPairs(readText(file), file);
}
