import { readFileSync } from 'node:fs';
import { TextDataError } from '../../errors.js';
import { parseParallelJsonl, parseParallelText } from './parallel-parse.js';
import type { ParallelJsonlOptions, ParallelTexts } from './parallel-parse.js';

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new TextDataError(file, code === 'ENOENT' ? 'file not found' : `cannot be read (${code ?? (e as Error).message})`);
  }
}

/**
 * Reads JSONL parallel data (catalogs-data's `train.jsonl` / `test.jsonl` by default; manpages-data's
 * `pairs.jsonl` with `{ sourceField: 'document', targetField: 'query' }`). Errors name the file and 1-based line
 * (see {@link parseParallelJsonl}).
 */
export function readParallelJsonl(file: string, options: ParallelJsonlOptions = {}): ParallelTexts {
  return parseParallelJsonl(readText(file), file, options);
}

/** Reads two line-aligned text files as parallel data (see {@link parseParallelText} for the errors). */
export function readParallelText(sourceFile: string, targetFile: string): ParallelTexts {
  return parseParallelText(readText(sourceFile), readText(targetFile), sourceFile, targetFile);
}
