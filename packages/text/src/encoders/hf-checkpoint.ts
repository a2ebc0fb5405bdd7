import { existsSync, readFileSync, statSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomic } from '@contrastive/core/node';
import { ModelFileError } from '../errors.js';
import type { BertEncoder } from './bert.js';
import { bertFromSafetensors, bertToSafetensors } from './hf-weights.js';

/** Reads and parses a JSON file of a model folder; a missing, unreadable or invalid file is a {@link ModelFileError} naming it. */
export function readModelJson(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new ModelFileError(file, `cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new ModelFileError(file, `not valid JSON (${(e as Error).message})`);
  }
}

/**
 * Loads a Hugging Face BERT checkpoint folder (`config.json` + `model.safetensors`) into a trainable
 * {@link BertEncoder} (see {@link bertFromSafetensors} for the names accepted and the checks: the config is
 * checked against the weights file before anything is allocated). Errors name the file.
 */
export function loadBertCheckpoint(dir: string, options: { warn?: (m: string) => void } = {}): BertEncoder {
  const cfgPath = path.join(dir, 'config.json');
  const stPath = path.join(dir, 'model.safetensors');
  if (!existsSync(cfgPath)) throw new ModelFileError(cfgPath, `checkpoint ${dir} has no config.json`);
  if (!existsSync(stPath)) {
    const bin = existsSync(path.join(dir, 'pytorch_model.bin')) ? ' (pytorch_model.bin found: convert it to safetensors first)' : '';
    throw new ModelFileError(stPath, `checkpoint ${dir} has no model.safetensors${bin}`);
  }
  const cfgJson = readModelJson(cfgPath) as Record<string, unknown>;
  let bytes: Uint8Array;
  try {
    if (!statSync(stPath).isFile()) throw Object.assign(new Error('not a file'), { code: 'EISDIR' });
    bytes = readFileSync(stPath);
  } catch (e) {
    throw new ModelFileError(stPath, `cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  return bertFromSafetensors(cfgJson, bytes, { ...options, source: stPath, configSource: cfgPath });
}

/**
 * Writes `config.json` + `model.safetensors` (F32, `BertModel` names) loadable by Hugging Face `BertModel`.
 * A non-finite weight is refused (core's `NonFiniteStateError`) before anything is written; each file is
 * written atomically (a crash leaves the old file or the new one, and no temporary file).
 */
export async function saveBertCheckpoint(dir: string, encoder: BertEncoder): Promise<void> {
  const { config, safetensors } = await bertToSafetensors(encoder);
  await mkdir(dir, { recursive: true });
  await writeFileAtomic(path.join(dir, 'model.safetensors'), safetensors);
  await writeFileAtomic(path.join(dir, 'config.json'), `${JSON.stringify(config, null, 2)}\n`);
}
