import type { Rng } from '@contrastive/core';

/** Options of {@link seq2seqBatches}. */
export interface Seq2SeqBatchesOptions {
  /** Batches per sorting window: pairs are sorted by length within windows of this many batches. Default 50. */
  bucketBatches?: number;
  /** Smallest batch kept (a last short batch below it is dropped; CLAPS' in-batch negatives want ≥ 2). Default 1. */
  minBatchSize?: number;
}

/**
 * One epoch's batches as lists of pair indices, length-bucketed to cut padding: the pairs are shuffled (with
 * `rng`; in order without it), sorted by target then source length inside windows of `bucketBatches` batches,
 * cut into batches of `batchSize`, and the batch order shuffled (with `rng`). Every pair appears once, except
 * those in a final short batch below `minBatchSize`. Pure given `rng`.
 */
export function seq2seqBatches(
  encoded: { sources: readonly (readonly number[])[]; targets: readonly (readonly number[])[] },
  batchSize: number,
  rng?: Rng,
  options: Seq2SeqBatchesOptions = {},
): number[][] {
  const { bucketBatches = 50, minBatchSize = 1 } = options;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`batchSize must be a positive integer, got ${String(batchSize)}`);
  if (!Number.isInteger(bucketBatches) || bucketBatches < 1)
    throw new RangeError(`bucketBatches must be a positive integer, got ${String(bucketBatches)}`);
  if (!Number.isInteger(minBatchSize) || minBatchSize < 1 || minBatchSize > batchSize)
    throw new RangeError(`minBatchSize must be an integer in [1, batchSize=${batchSize}], got ${String(minBatchSize)}`);
  const { sources, targets } = encoded;
  if (sources.length !== targets.length) throw new RangeError(`seq2seqBatches: ${sources.length} sources but ${targets.length} targets`);
  const n = sources.length;
  const order = rng ? Array.from(rng.permutation(n)) : Array.from({ length: n }, (_, i) => i);
  const window = batchSize * bucketBatches;
  const batches: number[][] = [];
  for (let w = 0; w < n; w += window) {
    const chunk = order.slice(w, w + window);
    chunk.sort((a, b) => targets[a]!.length - targets[b]!.length || sources[a]!.length - sources[b]!.length);
    for (let i = 0; i < chunk.length; i += batchSize) {
      const batch = chunk.slice(i, i + batchSize);
      if (batch.length >= minBatchSize) batches.push(batch);
    }
  }
  return rng ? rng.shuffle(batches) : batches;
}
