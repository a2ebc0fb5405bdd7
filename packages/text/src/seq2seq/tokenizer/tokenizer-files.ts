import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomic } from '@contrastive/core/node';
import { TokenizerFileError } from '../../errors.js';
import { Seq2SeqTokenizer } from './seq2seq-tokenizer.js';

/** File name of a saved {@link Seq2SeqTokenizer} inside its folder. */
export const SEQ2SEQ_TOKENIZER_FILE = 'tokenizer.json';

/** Options of {@link saveSeq2SeqTokenizer}. */
export interface SaveSeq2SeqTokenizerOptions {
  /** Replace an existing `tokenizer.json`. Default false: an existing file is an error (never overwrite silently). */
  overwrite?: boolean;
}

/**
 * Writes `dir/tokenizer.json` atomically (temp file in the same folder, then rename), creating `dir`. Refuses to
 * replace an existing file unless `overwrite`. Returns the file's path.
 */
export async function saveSeq2SeqTokenizer(
  tokenizer: Seq2SeqTokenizer,
  dir: string,
  options: SaveSeq2SeqTokenizerOptions = {},
): Promise<string> {
  const file = path.join(dir, SEQ2SEQ_TOKENIZER_FILE);
  if (!options.overwrite && existsSync(file)) throw new TokenizerFileError(file, 'already exists (pass overwrite to replace it)');
  await mkdir(dir, { recursive: true });
  await writeFileAtomic(file, `${JSON.stringify(tokenizer.toJSON())}\n`);
  return file;
}

/**
 * Reads `dir/tokenizer.json` written by {@link saveSeq2SeqTokenizer}; a missing, unreadable, non-JSON or invalid
 * file is a {@link TokenizerFileError} naming it.
 */
export async function loadSeq2SeqTokenizer(dir: string): Promise<Seq2SeqTokenizer> {
  const file = path.join(dir, SEQ2SEQ_TOKENIZER_FILE);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new TokenizerFileError(file, code === 'ENOENT' ? 'file not found' : `cannot be read (${code ?? (e as Error).message})`, {
      cause: e,
    });
  }
  let obj: unknown;
  try {
    obj = JSON.parse(text);
  } catch (e) {
    throw new TokenizerFileError(file, `not valid JSON (${(e as Error).message})`, { cause: e });
  }
  try {
    return Seq2SeqTokenizer.fromJSON(obj);
  } catch (e) {
    throw new TokenizerFileError(file, (e as Error).message, { cause: e });
  }
}
