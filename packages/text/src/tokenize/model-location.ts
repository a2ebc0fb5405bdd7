import { existsSync } from 'node:fs';
import path from 'node:path';
import type { ModelIoOptions } from './options.js';

/** Where a model (or tokenizer) named by a path or an id is looked for. */
export interface ModelLocation {
  /** The model id (the folder's name when a folder path was given). */
  id: string;
  /** The folder ids are resolved against, with a trailing `/`. */
  localModelPath: string;
  /** The local folder `localModelPath/id`, or `null` when it does not exist (then only a hub could serve it). */
  dir: string | null;
}

/**
 * Resolves `dirOrId` as {@link loadTokenizer} and `OnnxSentenceEncoder.load` do: an existing folder path is split
 * into parent (`localModelPath`) and name (`id`) unless `localModelPath` is given, in which case `dirOrId` is an
 * id inside it; an id that is not a folder is resolved against the current working folder.
 */
export function resolveModelLocation(dirOrId: string, options: ModelIoOptions = {}): ModelLocation {
  if (typeof dirOrId !== 'string' || dirOrId.length === 0)
    throw new TypeError(`dirOrId must be a non-empty string, got ${JSON.stringify(dirOrId)}`);
  const isDir = options.localModelPath === undefined && existsSync(dirOrId);
  const root = options.localModelPath ?? (isDir ? path.dirname(path.resolve(dirOrId)) : process.cwd());
  const id = isDir ? path.basename(path.resolve(dirOrId)) : dirOrId;
  const localModelPath = root.endsWith('/') ? root : `${root}/`;
  const candidate = path.resolve(localModelPath, id);
  return { id, localModelPath, dir: existsSync(candidate) ? candidate : null };
}
