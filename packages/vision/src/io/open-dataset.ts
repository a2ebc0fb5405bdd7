import type { ImageDataset } from './dataset.js';
import { isIdxSource, loadIdxDataset, type IdxSplit } from './idx-dataset.js';
import { openImageFolder, type ImageFolderOptions } from './image-folder.js';

/** Options for {@link openDataset}. */
export interface OpenDatasetOptions extends ImageFolderOptions {
  /** For an MNIST-style IDX folder: which split (default `'train'`). */
  split?: IdxSplit;
  /** Keeps only the first `limit` images (IDX only; an image folder is streamed anyway). */
  limit?: number;
}

/**
 * Opens `path` as an MNIST-style IDX dataset (a folder holding `train-images-idx3-ubyte[.gz]` & co, or one
 * images file) when it looks like one, otherwise as an image folder. Used by the CLI's `--data`.
 */
export async function openDataset(path: string, opts: OpenDatasetOptions = {}): Promise<ImageDataset> {
  if (await isIdxSource(path)) return loadIdxDataset(path, { split: opts.split, limit: opts.limit });
  return openImageFolder(path, opts);
}
