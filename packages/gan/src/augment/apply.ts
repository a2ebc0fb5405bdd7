import * as tf from '@tensorflow/tfjs';
import { assertRank, type Rng } from '@contrastive/core';

/**
 * Shared pieces of the differentiable augmentations: input checks and per-image Bernoulli selection that
 * keeps the gradient path to the input (`tf.where` back-propagates into both branches by the mask).
 */

/** Throws unless `x` is a float32 image batch `[N, H, W, C]` with C = 1 or 3. `op` names the augmentation. */
export function assertImages(x: unknown, op: string): asserts x is tf.Tensor4D {
  assertRank(x, 4, `${op}: images`, '[N, H, W, C]');
  const c = x.shape[3];
  if (c !== 1 && c !== 3) throw new RangeError(`${op}: images must have 1 or 3 channels (NHWC), got shape [${x.shape.join(', ')}]`);
  if (x.dtype !== 'float32') throw new TypeError(`${op}: images must be float32, got ${x.dtype}`);
}

/** Validates a probability option. */
export function assertProbability(p: unknown, name: string): asserts p is number {
  if (typeof p !== 'number' || !(p >= 0 && p <= 1)) throw new RangeError(`${name} must be in [0, 1], got ${String(p)}`);
}

/** Validates a `[lo, hi]` option with `min ≤ lo ≤ hi ≤ max`. */
export function assertInterval(r: unknown, name: string, min: number, max = Number.POSITIVE_INFINITY): asserts r is [number, number] {
  const ok = Array.isArray(r) && r.length === 2 && r[0] >= min && r[1] >= r[0] && r[1] <= max && Number.isFinite(r[1]);
  if (!ok) throw new RangeError(`${name} must be [lo, hi] with ${min} <= lo <= hi <= ${max}, got ${JSON.stringify(r)}`);
}

/**
 * One Bernoulli(p) decision per image from `rng` (always drawn, so the stream advances the same way whatever
 * p is — a run's later draws do not depend on p being 0 or 1).
 */
export function drawMask(n: number, p: number, rng: Rng): boolean[] {
  return Array.from({ length: n }, () => rng.uniform() < p);
}

/**
 * `augmented` where `mask[i]`, `x` elsewhere — the code's `RandomApply` (`x·(1−m) + fn(x)·m`), as a select so
 * that no arithmetic is done on the kept images. Call inside `tf.tidy`.
 */
export function selectPerImage(mask: readonly boolean[], augmented: tf.Tensor4D, x: tf.Tensor4D): tf.Tensor4D {
  if (mask.every(Boolean)) return augmented;
  if (!mask.some(Boolean)) return x;
  const m = tf.tensor4d(
    mask.map((b) => (b ? 1 : 0)),
    [mask.length, 1, 1, 1],
    'bool',
  );
  return tf.where(tf.broadcastTo(m, x.shape), augmented, x) as tf.Tensor4D;
}

/** Per-image factors as a `[N, 1, 1, 1]` tensor (call inside `tf.tidy`). */
export function perImage(values: readonly number[]): tf.Tensor4D {
  return tf.tensor4d(values as number[], [values.length, 1, 1, 1]);
}
