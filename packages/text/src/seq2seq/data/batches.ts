import type { Rng } from '@contrastive/core';

/** Options of {@link seq2seqBatches}. */
export interface Seq2SeqBatchesOptions {
  /** Batches per sorting window: pairs are sorted by length within windows of this many batches. Default 50. */
  bucketBatches?: number;
  /** Smallest batch kept (a last short batch below it is dropped; CLAPS' in-batch negatives want ≥ 2). Default 1. */
  minBatchSize?: number;
  /**
   * Most padded target tokens per batch: pairs × the longest target (EOS included) in it, as fairseq's
   * `--max-tokens` but on the target side, because the LM head's `[B, T, V]` logits (and their gradients) dominate a
   * step's memory; sources are bounded by `batchSize` × the source length cap. A batch closes early when the next
   * pair would exceed it, so long targets come in smaller batches. A target longer than the budget alone still forms
   * a batch of its own (then dropped if below `minBatchSize`). Default: no bound.
   */
  maxTargetTokens?: number;
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
  const { bucketBatches = 50, minBatchSize = 1, maxTargetTokens = Number.POSITIVE_INFINITY } = options;
  if (!(maxTargetTokens >= 1)) throw new RangeError(`maxTargetTokens must be at least 1, got ${String(maxTargetTokens)}`);
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
    let batch: number[] = [];
    let longest = 0;
    for (const i of chunk) {
      const len = targets[i]!.length + 1;
      const wider = Math.max(longest, len);
      if (batch.length > 0 && (batch.length === batchSize || (batch.length + 1) * wider > maxTargetTokens)) {
        if (batch.length >= minBatchSize) batches.push(batch);
        batch = [];
        longest = 0;
      }
      batch.push(i);
      longest = Math.max(longest, len);
    }
    if (batch.length >= minBatchSize) batches.push(batch);
  }
  return rng ? rng.shuffle(batches) : batches;
}
