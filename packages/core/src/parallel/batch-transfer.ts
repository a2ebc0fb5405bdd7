import * as tf from '@tensorflow/tfjs';

const TENSOR = '__contrastiveTensor';

interface PackedTensor {
  [TENSOR]: true;
  shape: number[];
  dtype: tf.DataType;
  data: tf.TypedArray | string[];
}

/**
 * A batch as plain data a worker thread can receive (`postMessage`'s structured clone): every `tf.Tensor`
 * in it (at any depth of arrays and plain objects) becomes `{shape, dtype, data}`; typed arrays, numbers,
 * strings and plain objects are kept. {@link unpackBatch} turns it back into tensors on the other side.
 */
export function packBatch(batch: unknown): unknown {
  if (batch instanceof tf.Tensor) {
    return { [TENSOR]: true, shape: [...batch.shape], dtype: batch.dtype, data: batch.dataSync() } satisfies PackedTensor;
  }
  if (Array.isArray(batch)) return batch.map(packBatch);
  if (batch !== null && typeof batch === 'object' && !ArrayBuffer.isView(batch) && !(batch instanceof ArrayBuffer)) {
    const proto = Object.getPrototypeOf(batch);
    if (proto !== Object.prototype && proto !== null) {
      throw new TypeError(
        `data-parallel training: a batch may hold tensors, typed arrays, arrays and plain objects; got a ${proto?.constructor?.name ?? 'class instance'}`,
      );
    }
    return Object.fromEntries(Object.entries(batch).map(([k, v]) => [k, packBatch(v)]));
  }
  return batch;
}

/** The batch {@link packBatch} packed, with its tensors re-created (the caller disposes them). */
export function unpackBatch(packed: unknown): unknown {
  if (Array.isArray(packed)) return packed.map(unpackBatch);
  if (packed !== null && typeof packed === 'object' && !ArrayBuffer.isView(packed)) {
    const p = packed as Partial<PackedTensor>;
    if (p[TENSOR] === true) return tf.tensor(p.data as tf.TypedArray, p.shape, p.dtype);
    return Object.fromEntries(Object.entries(packed).map(([k, v]) => [k, unpackBatch(v)]));
  }
  return packed;
}
