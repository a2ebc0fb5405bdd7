/** Embeddings of many images, read and embedded in batches so only one batch of pixels is in memory at a time. */
import * as tf from '@tensorflow/tfjs';

/** Images per read and forward pass. */
export const EMBED_BATCH = 256;

/**
 * `embed` of the items `items` of `ds` (default: all of them, in order), `[items.length, D]`. `embed` takes a batch
 * `[n, H, W, C]` it does not own and returns its embeddings.
 */
export async function embedImageItems(
  ds: { size: number; read(indices: Int32Array): Promise<tf.Tensor4D> },
  embed: (images: tf.Tensor4D) => tf.Tensor2D,
  items: Int32Array = Int32Array.from({ length: ds.size }, (_, i) => i),
): Promise<tf.Tensor2D> {
  const parts: tf.Tensor2D[] = [];
  try {
    for (let s = 0; s < items.length; s += EMBED_BATCH) {
      const x = await ds.read(items.slice(s, s + EMBED_BATCH));
      try {
        parts.push(embed(x));
      } finally {
        x.dispose();
      }
    }
    return tf.concat(parts, 0) as tf.Tensor2D;
  } finally {
    tf.dispose(parts);
  }
}
