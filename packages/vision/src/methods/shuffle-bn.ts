import * as tf from '@tensorflow/tfjs';
import type { Rng } from '@contrastive/core';

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
    const parts = (g === 1 ? [input] : tf.split(input, sizes, 0)).map((part) => {
      let y: tf.Tensor = part;
      for (const m of models) y = m.apply(y, { training: true }) as tf.Tensor;
      return y;
    });
    const out = (parts.length === 1 ? parts[0]! : tf.concat(parts, 0)) as tf.Tensor2D;
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
