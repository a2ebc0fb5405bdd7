/** Class predictions of a trained classifier over many images, in chunks. */
import * as tf from '@tensorflow/tfjs';

/** A trained model that gives class logits for images. */
export interface Classifier {
  predict(x: tf.Tensor4D): tf.Tensor2D;
}

/** Predicted classes of `x`, in chunks of 500. */
export function predictAll(model: Classifier, x: tf.Tensor4D): Int32Array {
  const n = x.shape[0];
  const out = new Int32Array(n);
  for (let i = 0; i < n; i += 500) {
    const size = Math.min(500, n - i);
    const pred = tf.tidy(() => model.predict(x.slice([i, 0, 0, 0], [size, -1, -1, -1])).argMax(1));
    out.set(pred.dataSync() as Int32Array, i);
    pred.dispose();
  }
  return out;
}
