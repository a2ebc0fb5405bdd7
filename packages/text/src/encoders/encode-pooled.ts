import * as tf from '@tensorflow/tfjs';
import { parallelRows } from '@contrastive/core';
import type { Rng } from '@contrastive/core';
import type { BertEncoder } from './bert.js';
import { pool } from './pooling.js';
import type { Pooling } from './pooling.js';
import type { BatchTensors } from './token-tensors.js';

/** Options of {@link encodePooled}. */
export interface EncodePooledOptions {
  pooling: Pooling;
  /** Dropout on (see `BertForwardOptions.training`). */
  training: boolean;
  /** Seeds the dropout masks (the step's `info.rng`). */
  rng?: Rng;
  /** Embedding-layer output `[B, L, H]` to encode instead of the token ids' (ConSERT's views). */
  embeddings?: tf.Tensor3D;
}

/**
 * Pooled sentence vectors `[B, H]` of a token batch: `pool(forward(inputs))`, the expensive part of every text
 * method's step, computed with core's `parallelRows`. In one thread it is the forward over the whole batch. In a
 * data-parallel step each replica encodes its contiguous shard of the rows and the shards are gathered with their
 * gradients; BERT's forward and the poolings are row by row, and each shard's dropout masks are the whole batch's
 * masks of its rows (`BertForwardOptions.rows`), so the gathered vectors are those of one forward over the batch.
 *
 * Not for a BERT used as another method's tower through `BertEncoder.apply`: that method shards its own forward.
 */
export function encodePooled(encoder: BertEncoder, inputs: BatchTensors, options: EncodePooledOptions): tf.Tensor2D {
  const { pooling, training, rng, embeddings } = options;
  const n = inputs.inputIds.shape[0];
  const forward = { training, ...(rng === undefined ? {} : { rng }) };
  return parallelRows(n, (start, count) =>
    tf.tidy(() => {
      if (start === 0 && count === n) {
        const out = encoder.forward(inputs, { ...forward, ...(embeddings === undefined ? {} : { embeddings }) });
        return pool(encoder, out, inputs.attentionMask, pooling);
      }
      const rows = <T extends tf.Tensor>(t: T): T => tf.slice(t, start, count) as T;
      const shard: BatchTensors = {
        inputIds: rows(inputs.inputIds),
        attentionMask: rows(inputs.attentionMask),
        tokenTypeIds: rows(inputs.tokenTypeIds),
      };
      const out = encoder.forward(shard, {
        ...forward,
        ...(embeddings === undefined ? {} : { embeddings: rows(embeddings) }),
        rows: { start, total: n },
      });
      return pool(encoder, out, shard.attentionMask, pooling);
    }),
  );
}
