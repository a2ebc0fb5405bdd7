import * as tf from '@tensorflow/tfjs';
import { BertEncoder } from './bert.js';
import { countNonFinite, NonFiniteStateError, type NonFiniteVariable } from '@contrastive/core';
import { ModelFileError, SafetensorsError } from '../errors.js';
import { bertWeightShapes, fromHfConfig, toHfConfig } from './bert-config.js';
import { readSafetensorsHeader, readSafetensorsTensor, writeSafetensors } from './safetensors.js';

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
  /** Names the config in error messages. Default `'config.json'`. */
  configSource?: string;
}

/**
 * A trainable {@link BertEncoder} from a Hugging Face `config.json` object and `model.safetensors` bytes
 * (browser-safe: fetch them yourself; `loadBertCheckpoint(dir)` from `@contrastive/text/node` reads a folder).
 * Accepts `BertModel` names and `BertFor*` names (`bert.` prefix); task heads (`cls.*`, `classifier.*`) and
 * buffers (`position_ids`) are ignored. A missing pooler keeps its fresh initialisation (with a warning).
 *
 * Nothing the config describes is allocated before the weights file is checked against it: the safetensors
 * header is validated ({@link readSafetensorsHeader}), then every weight the config implies must be in it with
 * that shape (else a {@link ModelFileError} naming the weight and both shapes), so a `config.json` claiming a
 * huge model is refused for the cost of reading its header. A weight holding NaN or ±Infinity (a diverged
 * model) is a {@link SafetensorsError} naming the file and the weight.
 */
export function bertFromSafetensors(
  configJson: Record<string, unknown>,
  safetensors: Uint8Array,
  options: BertWeightsOptions = {},
): BertEncoder {
  const { warn = (m: string) => console.warn(m), source = 'model.safetensors', configSource = 'config.json' } = options;
  const config = fromHfConfig(configJson, configSource);
  const header = readSafetensorsHeader(safetensors, source);
  const byName = new Map([...header.entries.values()].map((e) => [canonicalName(e.name), e]));
  const values = new Map<string, Float32Array>();
  for (const [name, shape] of bertWeightShapes(config)) {
    const entry = byName.get(name);
    if (!entry) {
      if (name.startsWith('pooler.')) continue;
      throw new ModelFileError(source, `missing weight '${name}' required by ${configSource}`, name);
    }
    if (entry.shape.join() !== shape.join() || entry.dtype === 'I32' || entry.dtype === 'I64') {
      throw new ModelFileError(
        source,
        `weight '${name}' has shape [${entry.shape.join(', ')}] (${entry.dtype}) but ${configSource} implies [${shape.join(', ')}] (float)`,
        name,
      );
    }
  }
  // Every allocation from here on is bounded by the file: each weight is one of its tensors.
  for (const [name] of bertWeightShapes(config)) {
    const entry = byName.get(name);
    if (!entry) continue;
    const data = readSafetensorsTensor(safetensors, header, entry).data as Float32Array;
    const { nan, inf } = countNonFinite(data);
    if (nan + inf > 0) {
      throw new SafetensorsError(
        source,
        `holds ${nan} NaN and ${inf} Infinity values (of ${data.length}): the model is not finite (training diverged?); ` +
          'use an earlier checkpoint or retrain with a lower learning rate',
        entry.name,
      );
    }
    values.set(name, data);
  }
  const encoder = new BertEncoder(config);
  try {
    for (const [name, v] of Object.entries(encoder.stateTensors())) {
      const data = values.get(name);
      if (!data) {
        warn(`${source}: no '${name}'; the pooler keeps a fresh initialisation`);
        continue;
      }
      const value = tf.tensor(data, v.shape);
      v.assign(value);
      value.dispose();
    }
  } catch (e) {
    encoder.dispose();
    throw e;
  }
  return encoder;
}

/**
 * The Hugging Face `config.json` object and `model.safetensors` bytes (F32, `BertModel` names) of `encoder`.
 * A weight holding NaN or ±Infinity is refused with core's `NonFiniteStateError` (a diverged model is never
 * written as a result).
 */
export async function bertToSafetensors(encoder: BertEncoder): Promise<{ config: Record<string, unknown>; safetensors: Uint8Array }> {
  const tensors = new Map<string, { shape: number[]; data: Float32Array }>();
  const bad: NonFiniteVariable[] = [];
  for (const [name, v] of Object.entries(encoder.stateTensors())) {
    const data = (await v.data()) as Float32Array;
    const { nan, inf } = countNonFinite(data);
    if (nan + inf > 0) bad.push({ name, owner: 'variable', nan, inf, size: data.length });
    tensors.set(name, { shape: v.shape, data });
  }
  if (bad.length > 0) throw new NonFiniteStateError(bad, `the BERT '${encoder.name}'`);
  return { config: toHfConfig(encoder.config), safetensors: writeSafetensors(tensors) };
}
