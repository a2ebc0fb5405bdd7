import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { BertEncoder } from './bert.js';
import { fromHfConfig, toHfConfig } from './bert-config.js';
import { readSafetensors, writeSafetensors } from './safetensors.js';

/** Maps a stored HF name to ours: drops a `bert.` model prefix and renames TF-era `gamma`/`beta`. */
function canonicalName(name: string): string {
  return name.replace(/^bert\./, '').replace(/LayerNorm\.gamma$/, 'LayerNorm.weight').replace(/LayerNorm\.beta$/, 'LayerNorm.bias');
}

/**
 * Loads a Hugging Face BERT checkpoint folder (`config.json` + `model.safetensors`) into a trainable
 * {@link BertEncoder}. Accepts `BertModel` names and `BertFor*` names (`bert.` prefix); task heads
 * (`cls.*`, `classifier.*`) and buffers (`position_ids`) are ignored. A missing pooler keeps its fresh
 * initialisation (with a warning); any other missing weight or a shape that does not match `config.json`
 * throws, naming the weight and both shapes.
 */
export function loadBertCheckpoint(dir: string, options: { warn?: (m: string) => void } = {}): BertEncoder {
  const { warn = (m: string) => console.warn(m) } = options;
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
  const config = fromHfConfig(cfgJson);
  const { tensors } = readSafetensors(readFileSync(stPath), stPath);
  const byName = new Map([...tensors].map(([n, t]) => [canonicalName(n), t]));
  const encoder = new BertEncoder(config);
  try {
    for (const [name, v] of Object.entries(encoder.stateTensors())) {
      const t = byName.get(name);
      if (!t) {
        if (name.startsWith('pooler.')) {
          warn(`${stPath}: no '${name}'; the pooler keeps a fresh initialisation`);
          continue;
        }
        throw new RangeError(`${stPath}: missing weight '${name}' required by config.json`);
      }
      if (t.shape.join() !== v.shape.join() || !(t.data instanceof Float32Array)) {
        throw new RangeError(
          `${stPath}: weight '${name}' has shape [${t.shape.join(', ')}] (${t.dtype}) but config.json implies [${v.shape.join(', ')}] (float)`,
        );
      }
      const value = tf.tensor(t.data, t.shape);
      v.assign(value);
      value.dispose();
    }
  } catch (e) {
    encoder.dispose();
    throw e;
  }
  return encoder;
}

/** Writes `config.json` + `model.safetensors` (F32, `BertModel` names) loadable by Hugging Face `BertModel`. */
export async function saveBertCheckpoint(dir: string, encoder: BertEncoder): Promise<void> {
  mkdirSync(dir, { recursive: true });
  const tensors = new Map<string, { shape: number[]; data: Float32Array }>();
  for (const [name, v] of Object.entries(encoder.stateTensors())) {
    tensors.set(name, { shape: v.shape, data: (await v.data()) as Float32Array });
  }
  writeFileSync(path.join(dir, 'config.json'), `${JSON.stringify(toHfConfig(encoder.config), null, 2)}\n`);
  writeFileSync(path.join(dir, 'model.safetensors'), writeSafetensors(tensors));
}
