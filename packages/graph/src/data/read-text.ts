import { readFileSync, statSync } from 'node:fs';
import { GraphDataError } from './errors.js';

/**
 * The largest text file the readers take (bytes): they read a file whole into one string, and V8 caps a
 * string at about 512 M characters, so a larger file would fail with a raw "Cannot create a string longer
 * than …" error that names no file. 500 MB of edge list is ~40 M edges.
 */
export const MAX_TEXT_FILE_BYTES = 500_000_000;

/** Reads a UTF-8 text input whole, refusing (naming the file and the bound) one over {@link MAX_TEXT_FILE_BYTES}. */
export function readTextFile(path: string, what: string): string {
  const { size } = statSync(path);
  if (size > MAX_TEXT_FILE_BYTES)
    throw new GraphDataError(
      'ETOOLARGE',
      `${path}: ${what} of ${(size / 1e6).toFixed(0)} MB; text inputs are read whole and refused over ${MAX_TEXT_FILE_BYTES / 1e6} MB`,
      { file: path },
    );
  return readFileSync(path, 'utf8');
}
