import * as tf from '@tensorflow/tfjs';
import type { BertEncoder } from './bert.js';

/** How a sequence `[B, L, H]` becomes one vector per text. */
export const POOLINGS = ['cls', 'cls-mlp', 'mean'] as const;
/**
 * - `cls`: the last layer's [CLS] vector (SimCSE `cls_before_pooler`, its unsupervised test-time pooler).
 * - `cls-mlp`: `tanh(W·cls + b)` with BERT's pooler weights (SimCSE's `cls` pooler with `MLPLayer`).
 * - `mean`: average over real (unpadded) tokens (ConSERT, Sentence-BERT).
 */
export type Pooling = (typeof POOLINGS)[number];

/** Pools `hidden` `[B, L, H]` under `mask` `[B, L]` into `[B, H]`. */
export function pool(encoder: BertEncoder, hidden: tf.Tensor3D, mask: tf.Tensor2D, pooling: Pooling): tf.Tensor2D {
  if (!POOLINGS.includes(pooling)) {
    throw new RangeError(`pooling must be one of ${POOLINGS.map((p) => `'${p}'`).join(', ')}, got '${String(pooling)}'`);
  }
  return tf.tidy(() => {
    const [b, , h] = hidden.shape;
    if (pooling === 'mean') {
      const m = mask.cast('float32').expandDims(-1);
      return hidden.mul(m).sum(1).div(m.sum(1).maximum(1e-9)) as tf.Tensor2D;
    }
    const cls = hidden.slice([0, 0, 0], [b, 1, h]).reshape([b, h]) as tf.Tensor2D;
    return pooling === 'cls' ? cls : encoder.poolerMlp(cls);
  });
}
