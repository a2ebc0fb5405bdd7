import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { TokenizerFileError } from '../errors.js';
import { resolveModelLocation } from './model-location.js';
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
 * Checks what the tokenizer library would trust in a `tokenizer.json`: a `model` object, and token ids that are
 * non-negative integers not far above the number of tokens. `@huggingface/tokenizers` builds an array indexed by id, so
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

/** The hub that `allowRemoteModels` downloads from (transformers.js's `env.remoteHost` + `remotePathTemplate`). */
const HUB = 'https://huggingface.co';

/** Downloads `file` of hub model `id` as a JSON object; `undefined` for a 404 when `optional`. */
async function fetchJsonObject(id: string, file: string, optional: boolean): Promise<Record<string, unknown> | undefined> {
  const url = `${HUB}/${id.split('/').map(encodeURIComponent).join('/')}/resolve/main/${file}`;
  let response: Response;
  try {
    response = await fetch(url);
  } catch (e) {
    throw new TokenizerFileError(url, `could not be downloaded (${(e as Error)?.message ?? String(e)})`, { cause: e });
  }
  if (optional && response.status === 404) return undefined;
  if (!response.ok) throw new TokenizerFileError(url, `could not be downloaded (HTTP ${response.status} ${response.statusText})`);
  let value: unknown;
  try {
    value = await response.json();
  } catch (e) {
    throw new TokenizerFileError(url, `not valid JSON (${(e as Error).message})`, { cause: e });
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw new TokenizerFileError(url, `must be a JSON object, got ${JSON.stringify(value)?.slice(0, 60)}`);
  return value as Record<string, unknown>;
}

/**
 * Loads a tokenizer from a folder holding `tokenizer.json` (+ `tokenizer_config.json`, the special tokens), run by
 * `@huggingface/tokenizers` (see {@link TextTokenizer}). With `allowRemoteModels`, an id that is not a local folder is
 * downloaded from the Hugging Face hub (the two files, not cached).
 *
 * Both files are checked to be JSON objects first (token ids bounded, see `checkTokenizerJson`), and every failure —
 * unreadable or invalid JSON, a file the tokenizer library rejects, a vocabulary without [CLS]/[SEP], a tokenizer
 * that cannot encode a probe text — is a {@link TokenizerFileError} naming the file.
 *
 * @param dirOrId A folder with `tokenizer.json`, or a model id resolved against `localModelPath`.
 */
export async function loadTokenizer(dirOrId: string, options: ModelIoOptions = {}): Promise<TextTokenizer> {
  const { allowRemoteModels = false } = options;
  const loc = resolveModelLocation(dirOrId, options);
  let source: string;
  let tokenizerJson: Record<string, unknown>;
  let tokenizerConfig: Record<string, unknown>;
  if (loc.dir !== null) {
    source = path.join(loc.dir, 'tokenizer.json');
    if (!existsSync(source)) throw new TokenizerFileError(source, `tokenizer folder ${loc.dir} has no tokenizer.json`);
    tokenizerJson = readJsonObject(source);
    const configFile = path.join(loc.dir, 'tokenizer_config.json');
    tokenizerConfig = existsSync(configFile) ? readJsonObject(configFile) : {};
  } else if (allowRemoteModels) {
    source = `${HUB}/${loc.id}/resolve/main/tokenizer.json`;
    tokenizerJson = (await fetchJsonObject(loc.id, 'tokenizer.json', false))!;
    tokenizerConfig = (await fetchJsonObject(loc.id, 'tokenizer_config.json', true)) ?? {};
  } else {
    throw new TokenizerFileError(
      path.join(loc.localModelPath, loc.id, 'tokenizer.json'),
      `no tokenizer folder '${loc.id}' in ${loc.localModelPath} and allowRemoteModels is false (pass a folder with tokenizer.json, or set allowRemoteModels: true to download '${loc.id}' from the hub)`,
    );
  }
  checkTokenizerJson(source, tokenizerJson);
  try {
    const tokenizer = new TextTokenizer(tokenizerJson, tokenizerConfig);
    // Some broken files load and only fail on the first text (a post-processor without its template): find out now.
    tokenizer.encode('Probe text, 2 words.');
    return tokenizer;
  } catch (e) {
    const message = `could not load a tokenizer '${loc.id}' from ${loc.localModelPath} (allowRemoteModels=${allowRemoteModels}): ${(e as Error)?.message ?? String(e)}`;
    throw new TokenizerFileError(source, message, { cause: e });
  }
}
