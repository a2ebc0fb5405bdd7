import * as tf from '@tensorflow/tfjs';
import { infoNCE } from '@contrastive/core';

/** Options of {@link loocSpaceLosses} / {@link loocLoss}. */
export interface LoocLossOptions {
  /** InfoNCE temperature τ, every space. Default 0.2 (MoCo v2, LooC's base). */
  temperature?: number;
  /**
   * Positives of the all-invariant space Z₀: `'all'` — every key k₀…kₙ is a positive of q (the paper:
   * Z₀ is invariant to every augmentation), one InfoNCE term per key against Z₀'s queue, averaged;
   * `'k0'` — only k₀ (SeCo's reading, Mañas et al. ICCV 2021, which builds on LooC). Default `'all'`.
   */
  invariantPositives?: 'all' | 'k0';
}

/**
 * LooC's per-space InfoNCE losses (Xiao et al., ICLR 2021, §3.2), `[n + 1]`:
 * - Z₀ (invariant to all augmentations): q against each positive key (all keys, or k₀ only) with Z₀'s
 *   queue as negatives, averaged over the positives;
 * - Zᵢ, i ≥ 1 (sensitive to augmentation i): the one positive is kᵢ (same parameter of augmentation i
 *   as q); the other keys k_j, j ≠ i (k₀ included) differ from q in augmentation i and are negatives,
 *   next to Zᵢ's queue. As SeCo's code does, the other keys of the **whole batch** are appended to the
 *   queue as shared negatives `[K + n·N, D]` (the same image's keys are the ones LooC adds; the other
 *   images' keys are negatives in every space anyway), so one core `infoNCE` call serves each space.
 *
 * Every embedding is L2-normalised inside `infoNCE`. Keys carry no gradient (pass them stop-gradiented).
 *
 * @param queries q in each space: `queries[i]` `[N, D]` (gradients flow here).
 * @param keys `keys[i][j]` `[N, D]`: key view k_j embedded in space i (n + 1 × n + 1).
 * @param queues `queues[i]` `[K, D]`: the negatives queue of space i.
 */
export function loocSpaceLosses(
  queries: readonly tf.Tensor2D[],
  keys: readonly (readonly tf.Tensor2D[])[],
  queues: readonly tf.Tensor2D[],
  opts: LoocLossOptions = {},
): tf.Tensor1D {
  const { temperature = 0.2, invariantPositives = 'all' } = opts;
  const spaces = queries.length;
  if (spaces < 2) throw new RangeError(`loocSpaceLosses: queries must hold n + 1 >= 2 spaces, got ${spaces}`);
  if (keys.length !== spaces || keys.some((row) => row.length !== spaces)) {
    throw new RangeError(
      `loocSpaceLosses: keys must be ${spaces} × ${spaces} (space × key view), got ${keys.map((r) => r.length).join(',')}`,
    );
  }
  if (queues.length !== spaces) throw new RangeError(`loocSpaceLosses: queues must hold ${spaces} queues, got ${queues.length}`);
  if (invariantPositives !== 'all' && invariantPositives !== 'k0') {
    throw new RangeError(`loocSpaceLosses: invariantPositives must be 'all' or 'k0', got ${String(invariantPositives)}`);
  }
  return tf.tidy(() => {
    const nce = (q: tf.Tensor2D, k: tf.Tensor2D, negatives: tf.Tensor2D) => infoNCE(q, k, { negatives, temperature });
    const positives0 = invariantPositives === 'all' ? keys[0]! : [keys[0]![0]!];
    const l0 = tf.mean(tf.stack(positives0.map((k) => nce(queries[0]!, k, queues[0]!))));
    const rest = queries.slice(1).map((q, s) => {
      const i = s + 1;
      const others = keys[i]!.filter((_, j) => j !== i);
      return nce(q, keys[i]![i]!, tf.concat([queues[i]!, ...others], 0) as tf.Tensor2D);
    });
    return tf.stack([l0, ...rest]) as tf.Tensor1D;
  });
}

/** LooC's loss: the **sum** of the per-space losses of {@link loocSpaceLosses} (SeCo's code sums them too). */
export function loocLoss(
  queries: readonly tf.Tensor2D[],
  keys: readonly (readonly tf.Tensor2D[])[],
  queues: readonly tf.Tensor2D[],
  opts: LoocLossOptions = {},
): tf.Scalar {
  return tf.tidy(() => tf.sum(loocSpaceLosses(queries, keys, queues, opts)));
}
