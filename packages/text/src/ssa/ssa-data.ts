import * as tf from '@tensorflow/tfjs';
import type { Rng } from '@contrastive/core';
import { PAD_ID } from './words.js';

/** Default longest sentence (`--max_seq_len` 30): longer sentences keep their first 30 in-vocabulary words. */
export const SSA_MAX_LEN = 30;
/** Default shortest training sentence (`--min_seq_len` 3): shorter ones are skipped in training only. */
export const SSA_MIN_LEN = 3;
/** Default batch size (`--batch_size` 50). */
export const SSA_BATCH_SIZE = 50;

/** A padded batch of sentences, as the method reads it. The training loop disposes both tensors after the step. */
export interface SsaBatch {
  /** Word ids `[N, T]` int32, {@link PAD_ID} after each sentence's end. */
  ids: tf.Tensor2D;
  /** `[N, T]` float32: 1 on real words, 0 on padding. */
  mask: tf.Tensor2D;
}

/**
 * Pads `sentences` (id lists) into an {@link SsaBatch}: T = min(longest, `maxLen`), as `build_batch` pads each batch
 * to its own longest sentence. An empty sentence gives an all-padding row (its z is 0 and its aspect weights are
 * softmax(b_a)).
 */
export function padBatch(sentences: readonly (readonly number[])[], maxLen = SSA_MAX_LEN): SsaBatch {
  if (sentences.length === 0) throw new RangeError('padBatch needs at least one sentence');
  const t = Math.max(1, Math.min(maxLen, Math.max(...sentences.map((s) => s.length))));
  const ids = new Int32Array(sentences.length * t).fill(PAD_ID);
  const mask = new Float32Array(sentences.length * t);
  sentences.forEach((s, i) => {
    for (let j = 0; j < Math.min(t, s.length); j++) {
      ids[i * t + j] = s[j]!;
      mask[i * t + j] = 1;
    }
  });
  return { ids: tf.tensor2d(ids, [sentences.length, t], 'int32'), mask: tf.tensor2d(mask, [sentences.length, t]) };
}

/** The training sentences: those with at least `minLen` in-vocabulary words (`build_batch` skips the rest in training). */
export function trainingSentences(sentences: readonly (readonly number[])[], minLen = SSA_MIN_LEN): number[][] {
  return sentences.filter((s) => s.length >= minLen).map((s) => [...s]);
}

/** Batches per epoch of {@link ssaBatches} (a last batch of fewer than 2 sentences is dropped: it has no negative). */
export function ssaStepsPerEpoch(n: number, batchSize = SSA_BATCH_SIZE): number {
  return n < 2 ? 0 : Math.floor((n - 2) / batchSize) + 1;
}

/**
 * One epoch of shuffled, padded batches for core's `train()` (shuffled by the epoch's seeded `rng`, as
 * `create_batch_file(is_shuffle=True)` shuffles each epoch).
 */
export function ssaBatches(sentences: readonly (readonly number[])[], options: { batchSize?: number; maxLen?: number } = {}) {
  const { batchSize = SSA_BATCH_SIZE, maxLen = SSA_MAX_LEN } = options;
  return function* (_epoch: number, rng: Rng): Generator<SsaBatch> {
    const order = rng.permutation(sentences.length);
    for (let i = 0; i + 2 <= sentences.length; i += batchSize)
      yield padBatch(
        Array.from(order.subarray(i, Math.min(i + batchSize, sentences.length)), (j) => sentences[j]!),
        maxLen,
      );
  };
}
