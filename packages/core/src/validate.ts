import * as tf from '@tensorflow/tfjs';

/**
 * Boundary checks shared by every public API. Each throws a `RangeError`/`TypeError` whose message names
 * the argument, the value it got and what was expected, so a user can fix the call without reading code.
 */

/** Shape as a readable string, e.g. `[128, 64]`. */
export function shapeStr(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

/** Throws unless `x` is a tensor of the given rank. */
export function assertRank(x: unknown, rank: number, name: string, expected?: string): asserts x is tf.Tensor {
  if (!(x instanceof tf.Tensor)) {
    throw new TypeError(`${name} must be a tf.Tensor${expected ? ` of shape ${expected}` : ''}, got ${typeof x}`);
  }
  if (x.rank !== rank) {
    throw new RangeError(`${name} must have rank ${rank}${expected ? ` (shape ${expected})` : ''}, got shape ${shapeStr(x.shape)}`);
  }
}

/** Throws unless `x` is a 2-D `[N, D]` float tensor with N ≥ `minRows`. */
export function assertEmbeddings(x: unknown, name: string, minRows = 1): asserts x is tf.Tensor2D {
  assertRank(x, 2, name, '[N, D]');
  if (x.shape[0]! < minRows) {
    throw new RangeError(`${name} must have at least ${minRows} row(s), got shape ${shapeStr(x.shape)}`);
  }
  if (x.dtype !== 'float32') {
    throw new TypeError(`${name} must be float32, got ${x.dtype}`);
  }
}

/** Throws unless `a` and `b` have identical shapes. */
export function assertSameShape(a: tf.Tensor, b: tf.Tensor, nameA: string, nameB: string): void {
  if (a.rank !== b.rank || a.shape.some((d, i) => d !== b.shape[i])) {
    throw new RangeError(`${nameA} and ${nameB} must have the same shape, got ${shapeStr(a.shape)} and ${shapeStr(b.shape)}`);
  }
}

/** Throws unless `value` is a finite number > 0. */
export function assertPositive(value: number, name: string): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new RangeError(`${name} must be a finite number > 0, got ${String(value)}`);
  }
}

/** Throws unless `value` is a finite number ≥ 0. */
export function assertNonNegative(value: number, name: string): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new RangeError(`${name} must be a finite number >= 0, got ${String(value)}`);
  }
}

/** Throws unless `value` is in the closed interval [lo, hi]. */
export function assertInRange(value: number, lo: number, hi: number, name: string): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < lo || value > hi) {
    throw new RangeError(`${name} must be in [${lo}, ${hi}], got ${String(value)}`);
  }
}

/** Throws unless `value` is an integer ≥ `min`. */
export function assertInt(value: number, name: string, min = 0): void {
  if (!Number.isInteger(value) || value < min) {
    throw new RangeError(`${name} must be an integer >= ${min}, got ${String(value)}`);
  }
}

/** Throws unless `value` is one of `allowed`, listing the valid values. */
export function assertOneOf<T extends string>(value: unknown, allowed: readonly T[], name: string): asserts value is T {
  if (!allowed.includes(value as T)) {
    throw new RangeError(`${name} must be one of ${allowed.map((a) => `'${a}'`).join(', ')}, got '${String(value)}'`);
  }
}

/**
 * Throws if `x` holds a NaN. This reads the tensor back, so call it only outside a training step's hot
 * path (it is used where the check is cheap: small inputs and evaluation entry points).
 */
export function assertNoNaN(x: tf.Tensor, name: string): void {
  const bad = tf.tidy(() => tf.any(tf.isNaN(x)).dataSync()[0]);
  if (bad) throw new RangeError(`${name} contains NaN (shape ${shapeStr(x.shape)})`);
}
