import * as tf from '@tensorflow/tfjs';

/** A sync or async iterator, as `batches(epoch)` may return either. */
export type AnyIterator<B> = {
  next(): IteratorResult<B> | Promise<IteratorResult<B>>;
  return?(): unknown;
};

/** Opens `batches(epoch)`'s iterator (async first), or throws naming what `batches` must return. */
export function openIterator<B>(source: Iterable<B> | AsyncIterable<B>): AnyIterator<B> {
  if (source != null && typeof (source as AsyncIterable<B>)[Symbol.asyncIterator] === 'function') {
    return (source as AsyncIterable<B>)[Symbol.asyncIterator]();
  }
  if (source != null && typeof (source as Iterable<B>)[Symbol.iterator] === 'function') {
    return (source as Iterable<B>)[Symbol.iterator]();
  }
  throw new TypeError('train: batches(epoch) must return an Iterable or AsyncIterable');
}

/**
 * Disposes the tensors in a batch: a tensor, or tensors nested in arrays and plain objects. Typed
 * arrays and class instances are not searched (a large Float32Array would be slow to walk and holds
 * no tensors).
 */
export function disposeTensors(batch: unknown, seen = new Set<unknown>()): void {
  if (batch === null || typeof batch !== 'object' || seen.has(batch)) return;
  seen.add(batch);
  if (batch instanceof tf.Tensor) {
    if (!batch.isDisposed) batch.dispose();
    return;
  }
  if (ArrayBuffer.isView(batch)) return;
  if (Array.isArray(batch)) {
    for (const item of batch) disposeTensors(item, seen);
    return;
  }
  const proto = Object.getPrototypeOf(batch) as unknown;
  if (proto === Object.prototype || proto === null) {
    for (const value of Object.values(batch)) disposeTensors(value, seen);
  }
}
