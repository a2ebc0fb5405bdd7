import * as tf from '@tensorflow/tfjs';
import type { ResolvedSeq2SeqConfig } from './config.js';
import type { Seq2SeqBatch } from './transformer.js';

/** Right-pads id rows to one length: `ids` `[B, L]` int32 and `mask` (1 token, 0 pad). `length` defaults to the longest row. */
export function padIds(rows: readonly (readonly number[])[], padId: number, length?: number): { ids: tf.Tensor2D; mask: tf.Tensor2D } {
  if (rows.length === 0) throw new RangeError('padIds: need at least one row');
  const len = length ?? Math.max(1, ...rows.map((r) => r.length));
  const ids = new Int32Array(rows.length * len).fill(padId);
  const mask = new Int32Array(rows.length * len);
  rows.forEach((r, i) => {
    if (r.length > len) throw new RangeError(`padIds: row ${i} has ${r.length} ids, more than length ${len}`);
    r.forEach((id, j) => {
      if (!Number.isInteger(id) || id < 0) throw new RangeError(`padIds: row ${i} position ${j} is not a non-negative integer id: ${id}`);
      ids[i * len + j] = id;
      mask[i * len + j] = 1;
    });
  });
  return { ids: tf.tensor2d(ids, [rows.length, len], 'int32'), mask: tf.tensor2d(mask, [rows.length, len], 'int32') };
}

/**
 * A teacher-forcing {@link Seq2SeqBatch} from id lists (without BOS/EOS): sources padded as they are, targets with
 * EOS appended then padded. The caller disposes the four tensors (e.g. with {@link disposeBatch}).
 */
export function seq2seqBatch(
  config: Pick<ResolvedSeq2SeqConfig, 'padId' | 'eosId'>,
  sources: readonly (readonly number[])[],
  targets: readonly (readonly number[])[],
): Seq2SeqBatch {
  if (sources.length !== targets.length) throw new RangeError(`seq2seqBatch: ${sources.length} sources but ${targets.length} targets`);
  const s = padIds(sources, config.padId);
  const t = padIds(
    targets.map((r) => [...r, config.eosId]),
    config.padId,
  );
  return { srcIds: s.ids, srcMask: s.mask, tgtIds: t.ids, tgtMask: t.mask };
}

/** Disposes the four tensors of a batch. */
export function disposeBatch(b: Seq2SeqBatch): void {
  tf.dispose([b.srcIds, b.srcMask, b.tgtIds, b.tgtMask]);
}
