import * as tf from '@tensorflow/tfjs';
import { assertEmbeddings, assertOneOf, assertPositive, assertSameShape, shapeStr } from '../validate.js';
import { REDUCTIONS, reduceLoss, type Reduction } from './reduce.js';

/**
 * The boundary every loss shares: option-key and reduction checks, embedding-pair checks, and the
 * tidy + reduce wrapper. A loss file then holds only its math.
 */

/** Options every loss accepts. */
export interface ReductionOption<R extends Reduction = Reduction> {
  /**
   * How the per-anchor vector becomes the result: `'mean'` (default) and `'sum'` give a `tf.Scalar`,
   * `'none'` returns the per-anchor `tf.Tensor1D`.
   */
  reduction?: R;
}

/** What a loss returns for a given reduction: a vector for `'none'`, a scalar otherwise. */
export type LossResult<R extends Reduction> = R extends 'none' ? tf.Tensor1D : tf.Scalar;

/**
 * Throws if `options` has a key that is not in `allowed` (a typo such as `temprature` would otherwise be
 * silently ignored and the default used), listing the valid keys.
 */
export function checkOptionKeys(options: object | undefined, allowed: readonly string[], fn: string): void {
  if (options === undefined) return;
  if (options === null || typeof options !== 'object') {
    throw new TypeError(`${fn}: options must be an object, got ${String(options)}`);
  }
  for (const key of Object.keys(options)) {
    if (!allowed.includes(key)) {
      throw new RangeError(`${fn}: unknown option '${key}'; valid options are ${allowed.map((k) => `'${k}'`).join(', ')}`);
    }
  }
}

/** Validates and returns the reduction (default `'mean'`). */
export function checkReduction<R extends Reduction>(reduction: R | undefined): R {
  const r = (reduction ?? 'mean') as R;
  assertOneOf(r, REDUCTIONS, 'reduction');
  return r;
}

/**
 * A softmax temperature: a number, or a scalar tensor — a trainable `tf.Variable` such as CLIP's
 * (`temperature = exp(−logitScale)`), through which the loss's gradient flows.
 */
export type Temperature = number | tf.Scalar;

/**
 * Validates a temperature and returns it: a number must be finite and > 0; a tensor must be a float32
 * scalar (its value is not read: that would sync the backend on every step — keep it positive by
 * construction, e.g. `tf.exp(logTemperature)`).
 */
export function checkTemperature<T extends Temperature>(temperature: T, name = 'temperature'): T {
  if (temperature instanceof tf.Tensor) {
    if (temperature.size !== 1 || temperature.rank > 1 || temperature.dtype !== 'float32') {
      throw new TypeError(
        `${name} must be a number or a float32 scalar tensor, got a ${temperature.dtype} tensor of shape ${shapeStr(temperature.shape)}`,
      );
    }
    if (temperature.isDisposed) throw new TypeError(`${name} is a disposed tensor`);
    return temperature;
  }
  assertPositive(temperature as number, name);
  return temperature;
}

/** Two `[N, D]` float32 embeddings of identical shape with N ≥ `minRows` (the two views of a batch). */
export function checkEmbeddingPair(a: unknown, b: unknown, nameA: string, nameB: string, minRows = 1): asserts a is tf.Tensor2D {
  assertEmbeddings(a, nameA, minRows);
  assertEmbeddings(b, nameB, minRows);
  assertSameShape(a, b, nameA, nameB);
}

/**
 * Per-sample labels (`[N]` tensor or array) as a float32 `[N]` tensor, after checking the length against
 * the `N` rows of `rowsName`. Call inside `tf.tidy` (the result is a new tensor when converted).
 */
export function labelsTensor(labels: tf.Tensor | ArrayLike<number | boolean>, n: number, name: string, rowsName: string): tf.Tensor1D {
  if (labels instanceof tf.Tensor) {
    if (labels.rank !== 1 || labels.shape[0] !== n) {
      throw new RangeError(`${name} must have shape [${n}] (one per row of ${rowsName}), got shape ${shapeStr(labels.shape)}`);
    }
    return labels.dtype === 'float32' ? (labels as tf.Tensor1D) : tf.cast(labels as tf.Tensor1D, 'float32');
  }
  if (labels === null || typeof labels !== 'object' || typeof labels.length !== 'number') {
    throw new TypeError(`${name} must be a tf.Tensor1D or an array of length ${n}, got ${String(labels)}`);
  }
  if (labels.length !== n) {
    throw new RangeError(`${name} must have length ${n} (one per row of ${rowsName}), got length ${labels.length}`);
  }
  const values = Float32Array.from(Array.from(labels, (v) => Number(v)));
  if (values.some((v) => !Number.isFinite(v))) throw new RangeError(`${name} must hold finite numbers`);
  return tf.tensor1d(values, 'float32');
}

/**
 * Runs `perAnchor` inside `tf.tidy` and reduces its `[N]` result, so every intermediate is freed and only
 * the returned tensor survives.
 */
export function reducedLoss<R extends Reduction>(reduction: R, perAnchor: () => tf.Tensor1D): LossResult<R> {
  return tf.tidy(() => reduceLoss(perAnchor(), reduction)) as LossResult<R>;
}
