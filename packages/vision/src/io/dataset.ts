import type * as tf from '@tensorflow/tfjs';
import type { Rng } from '@contrastive/core';

/**
 * Smallest image side the encoders take (the CLI's `--image-size` minimum, and what it asks of IDX images): the
 * small CNN halves the size twice (two 2×2 max-pools), so 4×4 is the least that leaves a 1×1 map (a 3×3 image
 * leaves an empty one, which crashes the backend).
 */
export const MIN_IMAGE_SIZE = 4;

/**
 * Largest image side (`--image-size`, the images an IDX file or image folder is read at): the encoders here are built for low resolution, and one
 * 1024×1024 RGB image is already 12.6 MB as float32, its first conv layer's output 134 MB — a batch of 32 needs
 * over 4 GB per view. Common inputs (Fashion-MNIST 28, CIFAR 32, STL-10 96, ImageNet crops 224) are far below.
 */
export const MAX_IMAGE_SIZE = 1024;

/**
 * A finite image dataset that can be read by index, so it can be shuffled and streamed in batches
 * without holding every decoded image in memory. Images come out as float32 `[n, H, W, C]` in [0, 1].
 */
export interface ImageDataset {
  /** Number of images. */
  readonly size: number;
  readonly height: number;
  readonly width: number;
  /** 1 (grayscale) or 3 (RGB). */
  readonly channels: number;
  /** Class index per image, or `null` for an unlabeled dataset. Never fed to a contrastive loss. */
  readonly labels: Int32Array | null;
  /** Class names by index (sub-folder names, or Fashion-MNIST's names), or `null`. */
  readonly classNames: readonly string[] | null;
  /** Where it came from, for messages. */
  readonly source: string;
  /**
   * A name for the item at `index` in outputs such as `contrastive-vision embed`'s CSV: the file's path
   * relative to the folder for image folders. Absent: callers use `source#index`.
   */
  readonly itemName?: (index: number) => string;
  /** Decodes the images at `indices` into a `[indices.length, H, W, C]` float32 tensor in [0, 1]. */
  read(indices: Int32Array): Promise<tf.Tensor4D>;
}

/** One batch of a stream: the images and their dataset indices (the memory bank uses them). */
export interface ImageBatch {
  /** `[N, H, W, C]` float32 in [0, 1]; owned by whoever consumes the batch. */
  images: tf.Tensor4D;
  /** Dataset index of each image. */
  indices: Int32Array;
}

/** Options for {@link imageBatches}. */
export interface ImageBatchesOptions {
  /** Images per batch. */
  batchSize: number;
  /** Shuffles the order with this generator; in dataset order when omitted. */
  rng?: Rng;
  /** Drops the last incomplete batch (default `false`). Contrastive training wants `true` (fixed N). */
  dropLast?: boolean;
  /** Only the first `limit` indices of the (shuffled) order. */
  limit?: number;
}

/**
 * Streams a dataset in batches. Decoding of the next batch starts while the consumer works on the
 * current one (one batch of read-ahead), so memory stays at about two batches. The consumer owns (and
 * disposes) each yielded `images` tensor; a batch that was prefetched but never consumed is freed.
 */
export async function* imageBatches(ds: ImageDataset, opts: ImageBatchesOptions): AsyncGenerator<ImageBatch> {
  const { batchSize, rng, dropLast = false } = opts;
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new RangeError(`batchSize must be an integer >= 1, got ${String(batchSize)}`);
  }
  let order = rng ? rng.permutation(ds.size) : Int32Array.from({ length: ds.size }, (_, i) => i);
  if (opts.limit !== undefined) order = order.subarray(0, Math.min(opts.limit, order.length));
  const starts: number[] = [];
  for (let s = 0; s < order.length; s += batchSize) {
    if (dropLast && s + batchSize > order.length) break;
    starts.push(s);
  }
  const load = (s: number): Promise<ImageBatch> => {
    const indices = order.slice(s, Math.min(s + batchSize, order.length));
    return ds.read(indices).then((images) => ({ images, indices }));
  };
  let pending: Promise<ImageBatch> | null = starts.length > 0 ? load(starts[0]!) : null;
  try {
    for (let b = 0; b < starts.length; b++) {
      const current: ImageBatch = await pending!;
      pending = b + 1 < starts.length ? load(starts[b + 1]!) : null;
      yield current;
    }
  } finally {
    if (pending) {
      const leftover = await pending.catch(() => null);
      leftover?.images.dispose();
    }
  }
}

/** Reads a whole dataset (or its first `limit` items) into one tensor; for evaluation sets. */
export async function readAll(ds: ImageDataset, limit = ds.size): Promise<tf.Tensor4D> {
  const n = Math.min(limit, ds.size);
  return ds.read(Int32Array.from({ length: n }, (_, i) => i));
}

/** The first `limit` items of a dataset (image folders stream, so this just narrows the index range). */
export function limitDataset(ds: ImageDataset, limit: number | undefined): ImageDataset {
  if (limit === undefined || limit >= ds.size) return ds;
  return { ...ds, size: limit, labels: ds.labels ? ds.labels.slice(0, limit) : null, read: ds.read };
}

/** The items of `ds` at `indices`, in that order, numbered from 0; images are still decoded lazily. */
export function subsetDataset(ds: ImageDataset, indices: Int32Array, source = ds.source): ImageDataset {
  return {
    ...ds,
    size: indices.length,
    labels: ds.labels ? Int32Array.from(indices, (i) => ds.labels![i]!) : null,
    source,
    itemName: ds.itemName ? (j) => ds.itemName!(indices[j]!) : undefined,
    read: (idx) => {
      const at = Int32Array.from(idx, (j) => {
        if (!(j >= 0 && j < indices.length)) throw new RangeError(`index ${j} out of range [0, ${indices.length}) for ${source}`);
        return indices[j]!;
      });
      return ds.read(at);
    },
  };
}
