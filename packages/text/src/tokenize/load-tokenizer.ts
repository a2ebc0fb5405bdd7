import { existsSync } from 'node:fs';
import path from 'node:path';
import { AutoTokenizer, env } from '@huggingface/transformers';
import type { ModelIoOptions } from './options.js';
import { TextTokenizer } from './text-tokenizer.js';

/**
 * Loads a tokenizer from a local folder (or, with `allowRemoteModels`, a hub id) through transformers.js.
 * transformers.js keeps its I/O policy in a global `env`; we set it from `options` for this call.
 *
 * @param dirOrId A folder with `tokenizer.json`, or a model id resolved against `localModelPath`.
 */
export async function loadTokenizer(dirOrId: string, options: ModelIoOptions = {}): Promise<TextTokenizer> {
  const { allowRemoteModels = false } = options;
  const isDir = options.localModelPath === undefined && existsSync(dirOrId);
  if (isDir && !existsSync(path.join(dirOrId, 'tokenizer.json'))) {
    throw new Error(`tokenizer folder ${dirOrId} has no tokenizer.json`);
  }
  const localModelPath = options.localModelPath ?? (isDir ? path.dirname(path.resolve(dirOrId)) : env.localModelPath);
  const id = isDir ? path.basename(path.resolve(dirOrId)) : dirOrId;
  env.allowLocalModels = true;
  env.allowRemoteModels = allowRemoteModels;
  env.localModelPath = localModelPath.endsWith('/') ? localModelPath : `${localModelPath}/`;
  try {
    const hf = await AutoTokenizer.from_pretrained(id, { local_files_only: !allowRemoteModels });
    return new TextTokenizer(hf);
  } catch (e) {
    throw new Error(
      `could not load a tokenizer '${id}' from ${env.localModelPath} (allowRemoteModels=${allowRemoteModels}): ${(e as Error).message}`,
    );
  }
}
