import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { buildWordPieceVocab, wordPieceTokenizerConfig, wordPieceTokenizerJson } from './wordpiece-vocab.js';
import type { WordPieceVocabOptions } from './wordpiece-vocab.js';

/**
 * Writes `tokenizer.json`, `tokenizer_config.json` and `vocab.txt` for `vocab` into `dir`, so that
 * {@link loadTokenizer}, transformers.js's `AutoTokenizer` and Python's `BertTokenizerFast` all load it.
 */
export function writeWordPieceTokenizer(dir: string, vocab: readonly string[], options: { modelMaxLength?: number } = {}): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'tokenizer.json'), JSON.stringify(wordPieceTokenizerJson(vocab)));
  writeFileSync(path.join(dir, 'tokenizer_config.json'), JSON.stringify(wordPieceTokenizerConfig(options), null, 2));
  writeFileSync(path.join(dir, 'vocab.txt'), `${vocab.join('\n')}\n`);
}

/** Builds a vocabulary from `corpus` and writes it as a loadable tokenizer folder (see {@link writeWordPieceTokenizer}). */
export function buildWordPieceTokenizer(dir: string, corpus: Iterable<string>, options: WordPieceVocabOptions = {}): string[] {
  const vocab = buildWordPieceVocab(corpus, options);
  writeWordPieceTokenizer(dir, vocab);
  return vocab;
}
