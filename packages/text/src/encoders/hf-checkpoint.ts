import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { BertEncoder } from './bert.js';
import { bertFromSafetensors, bertToSafetensors } from './hf-weights.js';

/**
 * Loads a Hugging Face BERT checkpoint folder (`config.json` + `model.safetensors`) into a trainable
 * {@link BertEncoder} (see {@link bertFromSafetensors} for the names accepted and the checks).
 */
export function loadBertCheckpoint(dir: string, options: { warn?: (m: string) => void } = {}): BertEncoder {
  const cfgPath = path.join(dir, 'config.json');
  const stPath = path.join(dir, 'model.safetensors');
  if (!existsSync(cfgPath)) throw new Error(`checkpoint ${dir} has no config.json`);
  if (!existsSync(stPath)) {
    const bin = existsSync(path.join(dir, 'pytorch_model.bin')) ? ' (pytorch_model.bin found: convert it to safetensors first)' : '';
    throw new Error(`checkpoint ${dir} has no model.safetensors${bin}`);
  }
  let cfgJson: Record<string, unknown>;
  try {
    cfgJson = JSON.parse(readFileSync(cfgPath, 'utf8'));
  } catch (e) {
    throw new Error(`${cfgPath}: not valid JSON (${(e as Error).message})`);
  }
  return bertFromSafetensors(cfgJson, readFileSync(stPath), { ...options, source: stPath });
}

/** Writes `config.json` + `model.safetensors` (F32, `BertModel` names) loadable by Hugging Face `BertModel`. */
export async function saveBertCheckpoint(dir: string, encoder: BertEncoder): Promise<void> {
  const { config, safetensors } = await bertToSafetensors(encoder);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'config.json'), `${JSON.stringify(config, null, 2)}\n`);
  writeFileSync(path.join(dir, 'model.safetensors'), safetensors);
}
