import * as tf from '@tensorflow/tfjs';
import type { Rng } from '@contrastive/core';
import { parallelParts } from '@contrastive/core';

/**
 * Applies `models` in sequence (training mode) to `x` split into `groups` sub-batches, so every
 * BatchNorm sees only its sub-batch — one device emulating MoCo's per-GPU BN. With `perm`, the batch is
 * first permuted, split, encoded and then un-permuted, so row i of the output still belongs to image i
 * but its BN statistics came from a random sub-batch: MoCo's **shuffle BN** (He et al. 2020, §3.3).
 * Without it the query and its positive key are normalised over the same images, and the model can find
 * the positive through batch statistics instead of content (a "cheating" shortcut the paper describes).
 * `[N, ...]` → `[N, D]`.
 */
export function groupedForward(models: readonly tf.LayersModel[], x: tf.Tensor4D, groups: number, perm?: Int32Array): tf.Tensor2D {
  return tf.tidy(() => {
    const n = x.shape[0];
    const g = Math.max(1, Math.min(groups, Math.floor(n / 2)));
    const input = perm ? tf.gather(x, tf.tensor1d(perm, 'int32')) : x;
    const sizes = Array.from({ length: g }, (_, i) => Math.floor(n / g) + (i < n % g ? 1 : 0));
    const starts = sizes.map((_, i) => sizes.slice(0, i).reduce((a, b) => a + b, 0));
    // Under data-parallel training the groups are split across the workers (core's parallelParts): with
    // `groups` a multiple of the workers, each worker's BN sees exactly the groups one process would.
    const out = parallelParts(g, (i) => {
      let y: tf.Tensor = g === 1 ? input : tf.slice(input, starts[i]!, sizes[i]!);
      for (const m of models) y = m.apply(y, { training: true }) as tf.Tensor;
      return y;
    }) as tf.Tensor2D;
    if (!perm) return out;
    const inverse = new Int32Array(n);
    perm.forEach((p, i) => {
      inverse[p] = i;
    });
    return tf.gather(out, tf.tensor1d(inverse, 'int32')) as tf.Tensor2D;
  });
}

/** A permutation of the batch for shuffle BN. */
export function shufflePermutation(n: number, rng: Rng): Int32Array {
  return rng.permutation(n);
}
