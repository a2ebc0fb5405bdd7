import { readFileSync } from 'node:fs';
import { TextDataError } from '../errors.js';
import { parseCorpusEntries, parseRetrievalPairs, parseStsPairs, parseTriplets } from './parse-corpus.js';
import type { CorpusEntry, RetrievalPair, StsPair, Triplet } from './parse-corpus.js';

/** The file's text; a missing or unreadable file (a folder, no permission) is a {@link TextDataError} naming it. */
function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new TextDataError(file, code === 'ENOENT' ? 'file not found' : `cannot be read (${code ?? (e as Error).message})`);
  }
}

/**
 * Reads a training corpus: UTF-8 with one passage per line, or JSONL (`.jsonl`/`.json`, or when the first
 * non-empty line starts with `{`) with a `text` field. Blank lines are skipped. Throws on an empty corpus.
 */
export function readCorpus(file: string): string[] {
  return readCorpusEntries(file).map((e) => e.text);
}

/** {@link readCorpus} with the 1-based line number of each passage. */
export function readCorpusEntries(file: string): CorpusEntry[] {
  return parseCorpusEntries(readText(file), file, { jsonl: /\.jsonl?$/.test(file) });
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
