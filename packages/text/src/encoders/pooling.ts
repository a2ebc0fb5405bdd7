import * as tf from '@tensorflow/tfjs';
import type { BertEncoder, BertOutput } from './bert.js';

/** How a sequence `[B, L, H]` becomes one vector per text. */
export const POOLINGS = ['cls', 'cls-mlp', 'mean', 'last2avg'] as const;
/**
 * - `cls`: the last layer's [CLS] vector (SimCSE `cls_before_pooler`, its unsupervised test-time pooler).
 * - `cls-mlp`: `tanh(W·cls + b)` with BERT's pooler weights (SimCSE's `cls` pooler with `MLPLayer`).
 * - `mean`: average over real (unpadded) tokens of the last layer (ConSERT training, Sentence-BERT).
 * - `last2avg`: the `mean` of the last layer and the `mean` of the layer before it, averaged — ConSERT's
 *   evaluation pooling (`last2avg=True`, `Pooling.pooling_mode_mean_last_2_tokens`). It reads the
 *   encoder's `hiddenStates`, so pass the whole {@link BertOutput}. On a 1-layer BERT the layer before
 *   the last is the embedding output (as HF's `hidden_states[-2]` is).
 */
export type Pooling = (typeof POOLINGS)[number];

/** Masked mean over the real tokens `[B, L, H]` → `[B, H]` (padding is excluded; an empty row gives 0). */
function maskedMean(hidden: tf.Tensor3D, mask: tf.Tensor2D): tf.Tensor2D {
  const m = mask.cast('float32').expandDims(-1);
  return hidden.mul(m).sum(1).div(m.sum(1).maximum(1e-9)) as tf.Tensor2D;
}

/**
 * Pools an encoder output under `mask` `[B, L]` into `[B, H]`. `output` is the forward pass's
 * {@link BertOutput} (every pooling), or just the last hidden state `[B, L, H]` (all but `last2avg`).
 */
export function pool(
  encoder: BertEncoder,
  output: tf.Tensor3D | Pick<BertOutput, 'hiddenStates'>,
  mask: tf.Tensor2D,
  pooling: Pooling,
): tf.Tensor2D {
  if (!POOLINGS.includes(pooling)) {
    throw new RangeError(`pooling must be one of ${POOLINGS.map((p) => `'${p}'`).join(', ')}, got '${String(pooling)}'`);
  }
  const states = output instanceof tf.Tensor ? null : output.hiddenStates;
  if (states !== null && states.length === 0) throw new RangeError('pool: output.hiddenStates is empty');
  const hidden = states === null ? (output as tf.Tensor3D) : states[states.length - 1]!;
  return tf.tidy(() => {
    const [b, , h] = hidden.shape;
    if (pooling === 'last2avg') {
      if (states === null || states.length < 2) {
        throw new RangeError("pooling 'last2avg' needs the encoder's hiddenStates (pass the BertOutput of forward(), not a single tensor)");
      }
      // As ConSERT's code: each layer is mean-pooled, then the two vectors are averaged.
      return maskedMean(hidden, mask)
        .add(maskedMean(states[states.length - 2]!, mask))
        .div(2) as tf.Tensor2D;
    }
    if (pooling === 'mean') return maskedMean(hidden, mask);
    const cls = hidden.slice([0, 0, 0], [b, 1, h]).reshape([b, h]) as tf.Tensor2D;
    return pooling === 'cls' ? cls : encoder.poolerMlp(cls);
  });
}
