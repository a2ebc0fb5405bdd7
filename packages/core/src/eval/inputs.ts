import * as tf from '@tensorflow/tfjs';
import { shapeStr } from '../validate.js';

/**
 * Evaluation entry points accept embeddings either as a tf tensor `[N, D]` or as host rows
 * (`Float32Array[]`, `number[][]`), and labels as a tensor `[N]` or `Int32Array`/`number[]`.
 * These helpers convert at the boundary with errors that name the argument and the shapes.
 */
export type EmbeddingInput = tf.Tensor | readonly ArrayLike<number>[];
export type LabelInput = tf.Tensor | ArrayLike<number>;

/** A float32 `[N, D]` tensor for `x`; `owned` says whether the caller of this helper must dispose it. */
export function toTensor2D(x: EmbeddingInput, name: string): { tensor: tf.Tensor2D; owned: boolean } {
  if (x instanceof tf.Tensor) {
    if (x.rank !== 2) throw new RangeError(`${name} must be a 2-D tensor [N, D], got shape ${shapeStr(x.shape)}`);
    if (x.isDisposed) throw new Error(`${name} is a disposed tensor`);
    if (x.dtype === 'float32') return { tensor: x as tf.Tensor2D, owned: false };
    return { tensor: tf.cast(x, 'float32') as tf.Tensor2D, owned: true };
  }
  const { data, rows, cols } = rowsToMatrix(x, name);
  return { tensor: tf.tensor2d(data, [rows, cols], 'float32'), owned: true };
}

/** Host copy of `x` as a row-major Float32Array. Reads tensors back (evaluation only, not a hot path). */
export function toMatrix(x: EmbeddingInput, name: string): { data: Float32Array; rows: number; cols: number } {
  if (x instanceof tf.Tensor) {
    if (x.rank !== 2) throw new RangeError(`${name} must be a 2-D tensor [N, D], got shape ${shapeStr(x.shape)}`);
    const data = x.dtype === 'float32' ? (x.dataSync() as Float32Array).slice() : Float32Array.from(x.dataSync());
    return { data, rows: x.shape[0]!, cols: x.shape[1]! };
  }
  return rowsToMatrix(x, name);
}

function rowsToMatrix(x: readonly ArrayLike<number>[], name: string): { data: Float32Array; rows: number; cols: number } {
  if (!Array.isArray(x)) {
    throw new TypeError(`${name} must be a tf.Tensor2D [N, D] or an array of rows (Float32Array[] / number[][]), got ${typeof x}`);
  }
  const rows = x.length;
  if (rows === 0) throw new RangeError(`${name} is empty; expected at least one row [N, D]`);
  const first = x[0];
  if (first == null || typeof first.length !== 'number') {
    throw new TypeError(`${name}[0] must be an array of numbers (a row of length D)`);
  }
  const cols = first.length;
  if (cols === 0) throw new RangeError(`${name} rows are empty; expected D >= 1 columns`);
  const data = new Float32Array(rows * cols);
  for (let i = 0; i < rows; i++) {
    const r = x[i];
    if (r == null || r.length !== cols) {
      throw new RangeError(`${name}[${i}] has length ${r == null ? 'none' : r.length}, expected ${cols} like ${name}[0]`);
    }
    for (let j = 0; j < cols; j++) data[i * cols + j] = r[j]!;
  }
  return { data, rows, cols };
}

/**
 * Integer class labels as an Int32Array, checked to be integers ≥ 0 and, when `rows` is given, to
 * match the embeddings' row count (`embName` names them in the error).
 */
export function toLabels(y: LabelInput, name: string, rows?: number, embName?: string): Int32Array {
  let values: ArrayLike<number>;
  if (y instanceof tf.Tensor) {
    if (y.rank !== 1) throw new RangeError(`${name} must be a 1-D tensor [N], got shape ${shapeStr(y.shape)}`);
    values = y.dataSync();
  } else if (y != null && typeof (y as ArrayLike<number>).length === 'number') {
    values = y;
  } else {
    throw new TypeError(`${name} must be a tf.Tensor1D, Int32Array or number[] of class ids, got ${typeof y}`);
  }
  if (rows !== undefined && values.length !== rows) {
    throw new RangeError(`${name} has ${values.length} labels but ${embName ?? 'the embeddings'} has ${rows} rows`);
  }
  const out = new Int32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isInteger(v) || v < 0) {
      throw new RangeError(`${name}[${i}] is ${String(v)}; class labels must be integers >= 0`);
    }
    out[i] = v;
  }
  return out;
}

/** Number of rows of an embedding input without reading it. */
export function rowCount(x: EmbeddingInput): number {
  return x instanceof tf.Tensor ? (x.shape[0] ?? 0) : x.length;
}

/** Largest label + 1 over the given label arrays. */
export function inferNumClasses(...labels: Int32Array[]): number {
  let max = -1;
  for (const l of labels) for (let i = 0; i < l.length; i++) if (l[i]! > max) max = l[i]!;
  return max + 1;
}
