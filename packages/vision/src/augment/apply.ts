import * as tf from '@tensorflow/tfjs';
import type { Rng } from '@contrastive/core';
import { assertRank } from '@contrastive/core';

/** Throws unless `x` is an image batch `[N, H, W, C]` with C = 1 or 3. `op` names the augmentation. */
export function assertImages(x: tf.Tensor, op: string): asserts x is tf.Tensor4D {
  assertRank(x, 4, `${op}: images`, '[N, H, W, C]');
  const c = x.shape[3];
  if (c !== 1 && c !== 3) throw new RangeError(`${op}: images must have 1 or 3 channels (NHWC), got shape [${x.shape.join(', ')}]`);
}

/** Draws one Bernoulli(p) decision per image. */
export function drawMask(n: number, p: number, rng: Rng): boolean[] {
  return Array.from({ length: n }, () => (p >= 1 ? true : p <= 0 ? false : rng.bernoulli(p)));
}

/**
 * Per-image selection: returns `augmented` where `mask[i]` and `x` elsewhere (a new tensor either way).
 * Call inside `tf.tidy`.
 */
export function selectPerImage(mask: readonly boolean[], augmented: tf.Tensor4D, x: tf.Tensor4D): tf.Tensor4D {
  if (mask.every(Boolean)) return augmented;
  if (!mask.some(Boolean)) return x.clone();
  const m = tf.tensor1d(
    mask.map((b) => (b ? 1 : 0)),
    'bool',
  );
  return tf.where(m.reshape([-1, 1, 1, 1]).broadcastTo(x.shape), augmented, x) as tf.Tensor4D;
}

/** Validates a probability option. */
export function assertProbability(p: number, name: string): void {
  if (typeof p !== 'number' || !(p >= 0 && p <= 1)) throw new RangeError(`${name} must be in [0, 1], got ${String(p)}`);
}

/** Validates a `[lo, hi]` range option with `min ≤ lo ≤ hi`. */
export function assertRange(r: readonly [number, number], name: string, min = 0): void {
  if (!Array.isArray(r) || r.length !== 2 || !(r[0] >= min) || !(r[1] >= r[0]) || !Number.isFinite(r[1])) {
    throw new RangeError(`${name} must be [lo, hi] with ${min} <= lo <= hi, got ${JSON.stringify(r)}`);
  }
}
