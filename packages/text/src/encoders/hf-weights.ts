import * as tf from '@tensorflow/tfjs';
import { BertEncoder } from './bert.js';
import { fromHfConfig, toHfConfig } from './bert-config.js';
import { readSafetensors, writeSafetensors } from './safetensors.js';

/** Maps a stored HF name to ours: drops a `bert.` model prefix and renames TF-era `gamma`/`beta`. */
function canonicalName(name: string): string {
  return name
    .replace(/^bert\./, '')
    .replace(/LayerNorm\.gamma$/, 'LayerNorm.weight')
    .replace(/LayerNorm\.beta$/, 'LayerNorm.bias');
}

/** Options of {@link bertFromSafetensors}. */
export interface BertWeightsOptions {
  /** Receives the warning about a missing pooler. Default `console.warn`. */
  warn?: (message: string) => void;
  /** Names the weights in error messages (a file path, a URL). Default `'model.safetensors'`. */
  source?: string;
}

/**
 * A trainable {@link BertEncoder} from a Hugging Face `config.json` object and `model.safetensors` bytes
 * (browser-safe: fetch them yourself; `loadBertCheckpoint(dir)` from `@contrastive/text/node` reads a folder).
 * Accepts `BertModel` names and `BertFor*` names (`bert.` prefix); task heads (`cls.*`, `classifier.*`) and
 * buffers (`position_ids`) are ignored. A missing pooler keeps its fresh initialisation (with a warning);
 * any other missing weight or a shape that does not match the config throws, naming the weight and both shapes.
 */
export function bertFromSafetensors(
  configJson: Record<string, unknown>,
  safetensors: Uint8Array,
  options: BertWeightsOptions = {},
): BertEncoder {
  const { warn = (m: string) => console.warn(m), source = 'model.safetensors' } = options;
  const config = fromHfConfig(configJson);
  const { tensors } = readSafetensors(safetensors, source);
  const byName = new Map([...tensors].map(([n, t]) => [canonicalName(n), t]));
  const encoder = new BertEncoder(config);
  try {
    for (const [name, v] of Object.entries(encoder.stateTensors())) {
      const t = byName.get(name);
      if (!t) {
        if (name.startsWith('pooler.')) {
          warn(`${source}: no '${name}'; the pooler keeps a fresh initialisation`);
          continue;
        }
        throw new RangeError(`${source}: missing weight '${name}' required by config.json`);
      }
      if (t.shape.join() !== v.shape.join() || !(t.data instanceof Float32Array)) {
        throw new RangeError(
          `${source}: weight '${name}' has shape [${t.shape.join(', ')}] (${t.dtype}) but config.json implies [${v.shape.join(', ')}] (float)`,
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

/** The Hugging Face `config.json` object and `model.safetensors` bytes (F32, `BertModel` names) of `encoder`. */
export async function bertToSafetensors(encoder: BertEncoder): Promise<{ config: Record<string, unknown>; safetensors: Uint8Array }> {
  const tensors = new Map<string, { shape: number[]; data: Float32Array }>();
  for (const [name, v] of Object.entries(encoder.stateTensors())) {
    tensors.set(name, { shape: v.shape, data: (await v.data()) as Float32Array });
  }
  return { config: toHfConfig(encoder.config), safetensors: writeSafetensors(tensors) };
}
