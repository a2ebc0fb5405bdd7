/**
 * Seq2seq model folders (Node only): `seq2seq.json` (architecture, config, what trained it), `weights/` (core's
 * checkpoint format: manifest + weights, SHA-256 checked on load) and `tokenizer.json`. Written weights first and
 * `seq2seq.json` last, each atomically, so a folder with a `seq2seq.json` is complete.
 */
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { assertFiniteState } from '@contrastive/core';
import { loadCheckpoint, saveCheckpoint, writeFileAtomic } from '@contrastive/core/node';
import { ModelFileError } from '../../errors.js';
import { Seq2SeqGru } from '../gru/index.js';
import type { GruConfig } from '../gru/index.js';
import type { Seq2SeqConfig } from '../model/config.js';
import type { Seq2SeqModel } from '../model/seq2seq-model.js';
import { Seq2SeqTransformer } from '../model/transformer.js';
import type { Seq2SeqTokenizer } from '../tokenizer/index.js';
import { loadSeq2SeqTokenizer, SEQ2SEQ_TOKENIZER_FILE, saveSeq2SeqTokenizer } from '../tokenizer/tokenizer-files.js';

/** The model's description file. */
export const SEQ2SEQ_META = 'seq2seq.json';
const WEIGHTS_DIR = 'weights';

/** The two architectures. */
export const SEQ2SEQ_ARCHITECTURES = ['transformer', 'gru'] as const;
export type Seq2SeqArchitecture = (typeof SEQ2SEQ_ARCHITECTURES)[number];

/** Contents of `seq2seq.json`. */
export interface Seq2SeqModelMeta {
  kind: 'seq2seq';
  architecture: Seq2SeqArchitecture;
  /** The constructor's config (vocabulary size and special ids from the tokenizer). */
  config: Record<string, unknown>;
  /** Free-form provenance (method, step, validation NLL). */
  trainedWith?: Record<string, unknown>;
}

/** A fresh model of `architecture` (the caller disposes it). */
export function createSeq2SeqModel(architecture: Seq2SeqArchitecture, config: Record<string, unknown>): Seq2SeqModel {
  if (architecture === 'transformer') return new Seq2SeqTransformer(config as unknown as Seq2SeqConfig);
  if (architecture === 'gru') return new Seq2SeqGru(config as unknown as GruConfig);
  throw new RangeError(`unknown seq2seq architecture ${JSON.stringify(architecture)} (${SEQ2SEQ_ARCHITECTURES.join(' | ')})`);
}

/** Options of {@link saveSeq2SeqModel}. */
export interface SaveSeq2SeqOptions {
  /** Replace the model files of a non-empty folder (other files are kept). Default false. */
  overwrite?: boolean;
  trainedWith?: Record<string, unknown>;
}

/**
 * Saves `model` and `tokenizer` as the folder `dir`. Non-finite weights are refused before anything is written; a
 * non-empty folder is refused unless `overwrite`.
 */
export async function saveSeq2SeqModel(
  dir: string,
  architecture: Seq2SeqArchitecture,
  model: Seq2SeqModel,
  tokenizer: Seq2SeqTokenizer,
  options: SaveSeq2SeqOptions = {},
): Promise<void> {
  const state = { stateTensors: () => model.stateTensors(), optimizers: () => ({}) };
  await assertFiniteState(state, 'the seq2seq model');
  if (existsSync(dir) && !options.overwrite) {
    const files = await readdir(dir);
    if (files.length > 0) throw new Error(`cannot save the model into ${dir}: the folder is not empty (${files.slice(0, 3).join(', ')}…)`);
  }
  await mkdir(dir, { recursive: true });
  await saveCheckpoint(path.join(dir, WEIGHTS_DIR), state, {}, { overwrite: true });
  await saveSeq2SeqTokenizer(tokenizer, dir, { overwrite: true });
  const meta: Seq2SeqModelMeta = {
    kind: 'seq2seq',
    architecture,
    config: { ...model.config } as Record<string, unknown>,
    ...(options.trainedWith ? { trainedWith: options.trainedWith } : {}),
  };
  await writeFileAtomic(path.join(dir, SEQ2SEQ_META), `${JSON.stringify(meta, null, 2)}\n`);
}

async function readJson(file: string, what: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new ModelFileError(file, code === 'ENOENT' ? `not found: not a seq2seq model folder (no ${what})` : `cannot be read (${code})`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new ModelFileError(file, `is not JSON (${(e as Error).message})`);
  }
}

/** Reads and checks `dir/seq2seq.json`. */
export async function readSeq2SeqMeta(dir: string): Promise<Seq2SeqModelMeta> {
  const file = path.join(dir, SEQ2SEQ_META);
  const json = (await readJson(file, SEQ2SEQ_META)) as Partial<Seq2SeqModelMeta> | null;
  if (json === null || typeof json !== 'object' || json.kind !== 'seq2seq')
    throw new ModelFileError(file, `"kind" must be "seq2seq", got ${JSON.stringify(json?.kind)}`, 'kind');
  if (!SEQ2SEQ_ARCHITECTURES.includes(json.architecture as Seq2SeqArchitecture))
    throw new ModelFileError(
      file,
      `"architecture" must be ${SEQ2SEQ_ARCHITECTURES.join(' or ')}, got ${JSON.stringify(json.architecture)}`,
    );
  if (json.config === null || typeof json.config !== 'object') throw new ModelFileError(file, '"config" must be an object', 'config');
  return json as Seq2SeqModelMeta;
}

/** The model and tokenizer of a folder written by {@link saveSeq2SeqModel}. The caller disposes the model. */
export async function loadSeq2SeqModel(dir: string): Promise<{ model: Seq2SeqModel; tokenizer: Seq2SeqTokenizer; meta: Seq2SeqModelMeta }> {
  const meta = await readSeq2SeqMeta(dir);
  const tokFile = path.join(dir, SEQ2SEQ_TOKENIZER_FILE);
  const tokenizer = await loadSeq2SeqTokenizer(dir);
  if (tokenizer.vocabSize !== meta.config.vocabSize)
    throw new ModelFileError(
      tokFile,
      `vocabulary of ${tokenizer.vocabSize} tokens, but ${SEQ2SEQ_META} says ${String(meta.config.vocabSize)}`,
    );
  let model: Seq2SeqModel;
  try {
    model = createSeq2SeqModel(meta.architecture, meta.config);
  } catch (e) {
    throw new ModelFileError(path.join(dir, SEQ2SEQ_META), (e as Error).message, 'config');
  }
  try {
    await loadCheckpoint(path.join(dir, WEIGHTS_DIR), { stateTensors: () => model.stateTensors(), optimizers: () => ({}) });
  } catch (e) {
    model.dispose();
    throw e;
  }
  return { model, tokenizer, meta };
}
