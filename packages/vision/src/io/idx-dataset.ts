import { readdir, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { ImageDataset } from './dataset.js';
import { DataFormatError, DataReadError } from './errors.js';
import { readIdx, type IdxReadOptions } from './idx.js';

/** Fashion-MNIST's class names, by label index (Xiao, Rasul & Vollgraf 2017). */
export const FASHION_MNIST_CLASSES = [
  'T-shirt/top',
  'Trouser',
  'Pullover',
  'Dress',
  'Coat',
  'Sandal',
  'Shirt',
  'Sneaker',
  'Bag',
  'Ankle boot',
] as const;

/** Which half of an MNIST-style folder: `train` (`train-*`) or `test` (`t10k-*`). */
export type IdxSplit = 'train' | 'test';

/** Options for {@link loadIdxDataset}. */
export interface IdxDatasetOptions extends IdxReadOptions {
  /** Split to load from a folder holding both (default `'train'`). Ignored when `path` is a file. */
  split?: IdxSplit;
  /** Keeps only the first `limit` images. */
  limit?: number;
  /** Class names to report (default: Fashion-MNIST's when there are 10 classes). */
  classNames?: readonly string[];
}

const PREFIX: Record<IdxSplit, string> = { train: 'train', test: 't10k' };

/**
 * Finds the images/labels pair of a split in a folder. Accepts the standard names with `-idx3-ubyte` or
 * `.idx3-ubyte`, gzip-compressed (`.gz`) or not.
 */
export async function findIdxPair(dir: string, split: IdxSplit): Promise<{ images: string; labels: string | null }> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (err) {
    throw new DataReadError(dir, `cannot list IDX folder ${dir}: ${(err as Error).message}`, err);
  }
  const pick = (kind: 'images' | 'labels', nd: 1 | 3): string | undefined => {
    const re = new RegExp(`^${PREFIX[split]}-${kind}[-.]idx${nd}-ubyte(\\.gz)?$`);
    return names.filter((n) => re.test(n)).sort()[0]; // sorts an uncompressed copy before its .gz
  };
  const images = pick('images', 3);
  if (!images) {
    throw new DataFormatError(
      dir,
      `no ${split} images in ${dir}: expected ${PREFIX[split]}-images-idx3-ubyte[.gz] (the four standard MNIST/Fashion-MNIST files)`,
    );
  }
  const labels = pick('labels', 1);
  return { images: join(dir, images), labels: labels ? join(dir, labels) : null };
}

/** True when `path` is a folder holding at least one MNIST-style images file, or is such a file. */
export async function isIdxSource(path: string): Promise<boolean> {
  const s = await stat(path).catch(() => null);
  if (!s) return false;
  const re = /^(train|t10k)-images[-.]idx3-ubyte(\.gz)?$/;
  if (s.isFile()) return /idx3-ubyte(\.gz)?$/.test(basename(path));
  return (await readdir(path).catch(() => [] as string[])).some((n) => re.test(n));
}

/** The largest value of a non-empty array, by a loop (a spread over 125k+ values overflows the call stack). */
function maxOf(values: Int32Array): number {
  let max = -Infinity;
  for (const v of values) if (v > max) max = v;
  return max;
}

/**
 * Loads an MNIST-style IDX dataset (Fashion-MNIST, MNIST, KMNIST) into memory as bytes; images are
 * converted to float32 only batch by batch in `read`. `path` is a folder holding the standard files
 * (e.g. Debian's `/usr/share/datasets/fashion-mnist/`) or an `*-images-idx3-ubyte[.gz]` file whose
 * labels file sits beside it (`images` → `labels`, `idx3` → `idx1`).
 *
 * Errors are {@link DataFormatError}s naming the file: a bad or oversized header (see `parseIdx`), no images, a
 * labels file of another length. (How small an image the encoders take is the caller's check: `MIN_IMAGE_SIZE`.)
 */
export async function loadIdxDataset(path: string, opts: IdxDatasetOptions = {}): Promise<ImageDataset> {
  const { split = 'train' } = opts;
  const s = await stat(path).catch(() => null);
  if (!s) throw new DataFormatError(path, `IDX dataset path ${path} does not exist`);
  let imagesPath: string;
  let labelsPath: string | null;
  if (s.isDirectory()) {
    ({ images: imagesPath, labels: labelsPath } = await findIdxPair(path, split));
  } else {
    imagesPath = path;
    const guess = join(dirname(path), basename(path).replace('images', 'labels').replace('idx3', 'idx1'));
    labelsPath = (await stat(guess).catch(() => null)) && guess !== path ? guess : null;
  }
  const readOpts = opts.maxBytes === undefined ? {} : { maxBytes: opts.maxBytes };
  const img = await readIdx(imagesPath, readOpts);
  if (img.dims.length !== 3) {
    throw new DataFormatError(imagesPath, `expected a 3-D images file [N, H, W], got dims [${img.dims.join(', ')}]`);
  }
  const [total, height, width] = img.dims as [number, number, number];
  if (total === 0) throw new DataFormatError(imagesPath, 'holds no images (dims [0, …])');
  let labels: Int32Array | null = null;
  if (labelsPath) {
    const lab = await readIdx(labelsPath, readOpts);
    if (lab.dims.length !== 1 || lab.dims[0] !== total) {
      throw new DataFormatError(labelsPath, `expected ${total} labels to match ${imagesPath}, got dims [${lab.dims.join(', ')}]`);
    }
    labels = Int32Array.from(lab.data);
  }
  const size = Math.min(opts.limit ?? total, total);
  if (labels) labels = labels.slice(0, size);
  const numClasses = labels ? maxOf(labels) + 1 : 0;
  const classNames = opts.classNames ?? (numClasses > 0 && numClasses <= 10 ? FASHION_MNIST_CLASSES.slice(0, 10) : null);
  const pixels = height * width;
  const data = img.data;
  return {
    size,
    height,
    width,
    channels: 1,
    labels,
    classNames: labels ? classNames : null,
    source: imagesPath,
    itemName: (index) => `${basename(imagesPath)}#${index}`,
    read: async (indices) => {
      const out = new Float32Array(indices.length * pixels);
      indices.forEach((idx, i) => {
        if (idx < 0 || idx >= size) throw new RangeError(`index ${idx} out of range [0, ${size}) for ${imagesPath}`);
        const src = data.subarray(idx * pixels, (idx + 1) * pixels);
        for (let p = 0; p < pixels; p++) out[i * pixels + p] = src[p]! / 255;
      });
      return tf.tensor4d(out, [indices.length, height, width, 1]);
    },
  };
}
