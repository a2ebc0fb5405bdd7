import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { AutoTokenizer, env } from '@huggingface/transformers';
import { TokenizerFileError } from '../errors.js';
import type { ModelIoOptions } from './options.js';
import { TextTokenizer } from './text-tokenizer.js';

/** Reads `file` as a JSON object, or throws a {@link TokenizerFileError} naming it (unreadable, not JSON, not an object). */
function readJsonObject(file: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new TokenizerFileError(file, code ? `cannot be read (${code})` : `not valid JSON (${(e as Error).message})`, { cause: e });
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw new TokenizerFileError(file, `must be a JSON object, got ${JSON.stringify(value)?.slice(0, 60)}`);
  return value as Record<string, unknown>;
}

/**
 * Checks what transformers.js would trust in a `tokenizer.json`: a `model` object, and token ids that are
 * non-negative integers not far above the number of tokens. transformers.js builds an array indexed by id, so
 * one id of 1e9 in a 1 KB file would allocate gigabytes: the largest id (of `model.vocab` and `added_tokens`)
 * must be below `2 × tokens + 1024` — real vocabularies are dense (ids 0..n-1, added tokens right after, gaps of
 * a few hundred at most).
 */
function checkTokenizerJson(file: string, json: Record<string, unknown>): void {
  const model = json.model;
  if (model === null || typeof model !== 'object' || Array.isArray(model))
    throw new TokenizerFileError(
      file,
      `"model" must be an object (a Hugging Face tokenizers file), got ${JSON.stringify(model)?.slice(0, 60) ?? 'nothing'}`,
    );
  const ids: [string, unknown][] = [];
  const vocab = (model as Record<string, unknown>).vocab;
  if (vocab !== null && typeof vocab === 'object' && !Array.isArray(vocab)) {
    for (const [token, id] of Object.entries(vocab)) ids.push([`model.vocab[${JSON.stringify(token)}]`, id]);
  }
  const added = json.added_tokens;
  if (added !== undefined && added !== null && !Array.isArray(added))
    throw new TokenizerFileError(file, `"added_tokens" must be an array, got ${JSON.stringify(added)?.slice(0, 60)}`);
  for (const [i, t] of (Array.isArray(added) ? added : []).entries()) {
    if (t === null || typeof t !== 'object') throw new TokenizerFileError(file, `added_tokens[${i}] must be an object {id, content}`);
    ids.push([`added_tokens[${i}].id`, (t as Record<string, unknown>).id]);
  }
  const bound = 2 * ids.length + 1024;
  for (const [where, id] of ids) {
    if (!Number.isInteger(id) || (id as number) < 0)
      throw new TokenizerFileError(file, `${where} must be a non-negative integer token id, got ${JSON.stringify(id)}`);
    if ((id as number) >= bound)
      throw new TokenizerFileError(
        file,
        `${where} is ${id as number}, far above the ${ids.length} tokens the file holds (bound: ids < ${bound}, 2 × tokens + 1024)`,
      );
  }
}

/**
 * Loads a tokenizer from a local folder (or, with `allowRemoteModels`, a hub id) through transformers.js.
 * transformers.js keeps its I/O policy in a global `env`; we set it from `options` for this call.
 *
 * For a folder, `tokenizer.json` (and `tokenizer_config.json` when present) are checked to be JSON objects
 * first (token ids bounded, see `checkTokenizerJson`), and every failure — unreadable or invalid JSON, a file
 * transformers.js rejects, a vocabulary without [CLS]/[SEP], a tokenizer that cannot encode a probe text — is a
 * {@link TokenizerFileError} naming the file.
 *
 * @param dirOrId A folder with `tokenizer.json`, or a model id resolved against `localModelPath`.
 */
export async function loadTokenizer(dirOrId: string, options: ModelIoOptions = {}): Promise<TextTokenizer> {
  const { allowRemoteModels = false } = options;
  const isDir = options.localModelPath === undefined && existsSync(dirOrId);
  const tokenizerFile = path.join(dirOrId, 'tokenizer.json');
  if (isDir) {
    if (!existsSync(tokenizerFile)) throw new TokenizerFileError(tokenizerFile, `tokenizer folder ${dirOrId} has no tokenizer.json`);
    checkTokenizerJson(tokenizerFile, readJsonObject(tokenizerFile));
    const configFile = path.join(dirOrId, 'tokenizer_config.json');
    if (existsSync(configFile)) readJsonObject(configFile);
  }
  const localModelPath = options.localModelPath ?? (isDir ? path.dirname(path.resolve(dirOrId)) : env.localModelPath);
  const id = isDir ? path.basename(path.resolve(dirOrId)) : dirOrId;
  env.allowLocalModels = true;
  env.allowRemoteModels = allowRemoteModels;
  env.localModelPath = localModelPath.endsWith('/') ? localModelPath : `${localModelPath}/`;
  try {
    const hf = await AutoTokenizer.from_pretrained(id, { local_files_only: !allowRemoteModels });
    const tokenizer = new TextTokenizer(hf);
    // Some broken files load and only fail on the first text (a post-processor without its template): find out now.
    tokenizer.encode('Probe text, 2 words.');
    return tokenizer;
  } catch (e) {
    // transformers.js resolves the folder's name as a URL path: a space, '+' or '%' in it makes the files unreadable.
    const hint =
      isDir && encodeURIComponent(id) !== id
        ? `; transformers.js cannot read a folder whose name holds characters such as a space, '+' or '%': rename '${id}' or copy the folder`
        : '';
    const message = `could not load a tokenizer '${id}' from ${env.localModelPath} (allowRemoteModels=${allowRemoteModels}): ${(e as Error)?.message ?? String(e)}${hint}`;
    throw new TokenizerFileError(isDir ? tokenizerFile : id, message, { cause: e });
  }
}
