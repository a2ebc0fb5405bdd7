import * as tf from '@tensorflow/tfjs';
import type { BertConfig } from '../encoders/bert-config.js';
import type { BertEncoder } from '../encoders/bert.js';

/**
 * A copy of a BERT's weights at one step: its config and every variable by Hugging Face name as a plain
 * `Float32Array` (transferable to a worker thread without a copy). What ANCE's async refresher sends its
 * inferencer, like the checkpoint the paper's Trainer writes for the Inferencer.
 */
export interface WeightSnapshot {
  config: BertConfig;
  weights: Record<string, Float32Array>;
}

/**
 * Copies the encoder's current weights (`await data()` per variable: call between steps, not inside one). Each
 * array owns its buffer (a backend may hand out its own storage from `data()`), so it can be transferred.
 */
export async function snapshotWeights(encoder: BertEncoder): Promise<WeightSnapshot> {
  const weights: Record<string, Float32Array> = {};
  for (const [name, v] of Object.entries(encoder.stateTensors())) weights[name] = ((await v.data()) as Float32Array).slice();
  return { config: { ...encoder.config }, weights };
}

/**
 * Writes a snapshot into an encoder of the same architecture (every weight, checked by name and size).
 * @throws RangeError naming the first missing or mis-sized weight.
 */
export function applyWeightSnapshot(encoder: BertEncoder, snapshot: WeightSnapshot): void {
  const vars = encoder.stateTensors();
  for (const [name, v] of Object.entries(vars)) {
    const w = snapshot.weights[name];
    if (w === undefined) throw new RangeError(`weight snapshot has no '${name}'`);
    if (w.length !== v.size) throw new RangeError(`weight snapshot '${name}' has ${w.length} values, the encoder needs ${v.size}`);
  }
  for (const [name, v] of Object.entries(vars)) {
    tf.tidy(() => v.assign(tf.tensor(snapshot.weights[name]!, v.shape, 'float32')));
  }
}
