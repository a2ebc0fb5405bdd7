import * as tf from '@tensorflow/tfjs';
import { l2Normalize } from '@contrastive/core';
import type { BertEncoder } from '../encoders/bert.js';
import { pool, POOLINGS } from '../encoders/pooling.js';
import type { Pooling } from '../encoders/pooling.js';
import { batchTensors, disposeInputs } from '../encoders/token-tensors.js';
import { rowLength, tokenBatchOf } from './token-store.js';
import type { TokenStore } from './token-store.js';

/** How ANCE embeds passages and queries for its index (the training method's pooling and similarity). */
export interface StoreEmbeddingOptions {
  /** The method's pooling. */
  pooling: Pooling;
  /** L2-normalise each vector (the method's `similarity: 'cos'`); `false` for ANCE's raw dot product. */
  normalize: boolean;
  /** Texts per forward pass. Default 64. */
  batchSize?: number;
}

/**
 * Embeds every row of a {@link TokenStore} with the encoder's **current** weights in inference mode (no dropout):
 * one row-major `Float32Array` of `size × hiddenSize` values, row r = text r. Rows are batched in order of length
 * so padding (which pooling ignores) costs little. The same function runs inline (sync refresh) and in the
 * worker (async refresh), so both give the same vectors from the same weights on the same backend.
 */
export async function embedTokenStore(encoder: BertEncoder, store: TokenStore, options: StoreEmbeddingOptions): Promise<Float32Array> {
  const { pooling, normalize, batchSize = 64 } = options;
  if (!POOLINGS.includes(pooling)) throw new RangeError(`pooling must be one of ${POOLINGS.join(', ')}, got '${String(pooling)}'`);
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`batchSize must be an integer >= 1, got ${batchSize}`);
  const d = encoder.config.hiddenSize;
  const out = new Float32Array(store.size * d);
  const order = Array.from({ length: store.size }, (_, i) => i).sort((a, b) => rowLength(store, a) - rowLength(store, b) || a - b);
  for (let i = 0; i < order.length; i += batchSize) {
    const rows = order.slice(i, i + batchSize);
    const t = batchTensors(tokenBatchOf(store, rows));
    let emb: tf.Tensor2D;
    try {
      emb = tf.tidy(() => {
        const e = pool(encoder, encoder.forward(t, { training: false }), t.attentionMask, pooling);
        return normalize ? l2Normalize(e) : e;
      });
    } finally {
      disposeInputs(t);
    }
    const data = (await emb.data()) as Float32Array;
    emb.dispose();
    rows.forEach((r, j) => out.set(data.subarray(j * d, (j + 1) * d), r * d));
  }
  return out;
}
