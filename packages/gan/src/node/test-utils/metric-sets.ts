import * as tf from '@tensorflow/tfjs';
import type { ImageSource } from '../metric-classifier.js';

/** Labeled images by index (vision's ImageDataset from loadIdxDataset). */
export interface LabeledSource extends ImageSource {
  readonly labels: Int32Array | null;
}

/** The images at `indices` of `ds` as one tensor (the caller disposes it). */
export function take(ds: ImageSource, indices: ArrayLike<number>): Promise<tf.Tensor4D> {
  return ds.read(Int32Array.from(indices));
}

/** `n` consecutive indices from `start`. */
export const span = (start: number, n: number): Int32Array => Int32Array.from({ length: n }, (_, i) => start + i);

/** The first `n` indices of images of class `cls`. */
export function classIndices(ds: LabeledSource, cls: number, n: number): Int32Array {
  if (!ds.labels) throw new Error('the data set has no labels');
  const out: number[] = [];
  for (let i = 0; i < ds.labels.length && out.length < n; i++) if (ds.labels[i] === cls) out.push(i);
  return Int32Array.from(out);
}

/** A k×k box blur (mean filter, 'same' size; at the border the mean of the pixels inside). k = 1 is the identity. */
export function boxBlur(images: tf.Tensor4D, k: number): tf.Tensor4D {
  return tf.tidy(() => (k === 1 ? images.clone() : tf.avgPool(images, k, 1, 'same')));
}

/** `n` images of i.i.d. uniform [0, 1] noise, seeded. */
export function uniformNoise(n: number, seed: number): tf.Tensor4D {
  return tf.randomUniform([n, 28, 28, 1], 0, 1, 'float32', seed) as tf.Tensor4D;
}
