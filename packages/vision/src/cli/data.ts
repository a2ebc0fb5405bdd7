import { basename, dirname, resolve } from 'node:path';
import { type ImageDataset, limitDataset, subsetDataset } from '../io/dataset.js';
import { BUNDLED_FASHION_MNIST, isIdxSource, loadIdxDataset, openImageFolder } from '../node/index.js';
import * as tf from '@tensorflow/tfjs';
import { stratifiedSplit } from '@contrastive/core';
import { UsageError } from '@contrastive/core/cli';

/** `--data`/`--eval-data` as an absolute path: `'bundled'` is the shipped subset, anything else is resolved against the working directory. */
export function resolveDataPath(path: string): string {
  return path === 'bundled' ? BUNDLED_FASHION_MNIST : resolve(path);
}

/** Opens `--data`/`--eval-data`; `split` picks train-* or t10k-* of an IDX folder. Errors name the flag. */
export async function openData(
  flag: string,
  path: string,
  split: 'train' | 'test',
  opts: { imageSize?: number; channels?: 1 | 3; limit?: number },
): Promise<ImageDataset> {
  const p = resolveDataPath(path);
  try {
    if (await isIdxSource(p)) return await loadIdxDataset(p, { split, limit: opts.limit });
    return await openImageFolder(p, { imageSize: opts.imageSize ?? 32, channels: opts.channels ?? 3 });
  } catch (err) {
    throw new UsageError(`--${flag} ${path}: ${(err as Error).message}`);
  }
}

/**
 * `evalDs` with its labels re-indexed by `trainDs`'s class names. Each image folder numbers its own sorted
 * sub-folders from 0, so a test folder that lacks one of the training classes would otherwise shift every
 * later class by one and silently mis-score. Throws a {@link UsageError} naming `--eval-data`'s classes that
 * `--data` does not have (the kNN memory and the probe never saw them). Unchanged when either side has no
 * class names, or the same ones.
 */
export function alignEvalLabels(trainDs: ImageDataset, evalDs: ImageDataset): ImageDataset {
  const names = trainDs.classNames;
  const evalNames = evalDs.classNames;
  if (!names || !evalNames || !evalDs.labels) return evalDs;
  if (names.length === evalNames.length && names.every((n, i) => n === evalNames[i])) return evalDs;
  const index = new Map(names.map((n, i) => [n, i]));
  const unknown = evalNames.filter((n) => !index.has(n));
  if (unknown.length > 0) {
    throw new UsageError(
      `--eval-data ${evalDs.source} has class folder(s) ${unknown.map((n) => `'${n}'`).join(', ')} that --data ${trainDs.source} does not have (its classes: ${names.join(', ')})`,
    );
  }
  const labels = Int32Array.from(evalDs.labels, (l) => index.get(evalNames[l]!)!);
  return { ...evalDs, labels, classNames: names, read: evalDs.read };
}

/**
 * `--eval-split F`: a labeled image folder split into what trains (and is the kNN memory / probe set) and a
 * held-out, stratified share F that is scored and never trained on ({@link stratifiedSplit}, seeded by the
 * run's seed, so `--resume` and `eval` rebuild the same split).
 */
export function evalSplit(ds: ImageDataset, fraction: number, seed: number): { train: ImageDataset; test: ImageDataset } {
  if (!(fraction > 0 && fraction < 1)) throw new UsageError(`--eval-split must be a number in (0, 1), got ${String(fraction)}`);
  if (!ds.labels) throw new UsageError(`--eval-split needs labeled --data (one sub-folder per class); ${ds.source} has none`);
  const split = stratifiedSplit(ds.labels, fraction, seed);
  if (split.test.length === 0) throw new UsageError(`--eval-split ${fraction}: no class of ${ds.source} has two images to hold one out`);
  return {
    train: subsetDataset(ds, split.train, `${ds.source} (train part of --eval-split ${fraction})`),
    test: subsetDataset(ds, split.test, `${ds.source} (held-out ${fraction} of --eval-split)`),
  };
}

/** True for a dataset read from MNIST-style IDX files (Fashion-MNIST's four files), which come with their own test split. */
export function isIdxDataset(ds: ImageDataset): boolean {
  return IDX_IMAGES.test(ds.source);
}

const IDX_IMAGES = /(^|[\\/])(train|t10k)-images[-.]idx3-ubyte(\.gz)?$/;

/** The folder holding an IDX training set's t10k-* test files (its own folder), or `null` for any other dataset. */
function idxTestFolder(ds: ImageDataset): string | null {
  return isIdxDataset(ds) && basename(ds.source).startsWith('train-') ? dirname(ds.source) : null;
}

/** Options for {@link scoringSets}: the flags that say what a run trains on and what it is scored on. */
export interface ScoringSetsOptions {
  /** `--data` as the user gave it (for messages). */
  dataPath: string;
  /** `--eval-data`, if given. Without it an IDX `--data` folder is scored on its own t10k-* files. */
  evalData?: string;
  /** `--eval-split F`: hold out a stratified share F of a labeled image folder instead of `--eval-data`. */
  evalSplit?: number;
  /** Seed of the split (the run's seed, so `--resume` and `eval` rebuild the same one). */
  seed: number;
  /** Side length every image is resized to (the encoder's input). */
  imageSize: number;
  /** Channels `--eval-data` is decoded to; it must match `data`'s. */
  channels: 1 | 3;
  /** `--eval-limit`: score on the first N test images only. */
  evalLimit?: number;
}

/**
 * What a run trains on (and uses as the kNN memory and the probe's training set) and what it is scored on:
 * `data` minus the `--eval-split` share and that share; or `data` and `--eval-data` (an IDX `--data`'s own
 * t10k-* files when `--eval-data` is absent), limited, resized and with labels aligned by class name
 * ({@link alignEvalLabels}); `test` is `null` when there is nothing to score on. Shared by `train` and
 * `eval` so both score on exactly the same images. Bad combinations are {@link UsageError}s naming the flag.
 */
export async function scoringSets(data: ImageDataset, o: ScoringSetsOptions): Promise<{ train: ImageDataset; test: ImageDataset | null }> {
  if (o.evalSplit !== undefined) {
    if (o.evalData !== undefined) throw new UsageError('give --eval-data or --eval-split, not both');
    if (isIdxDataset(data))
      throw new UsageError(
        `--eval-split: --data ${o.dataPath} is an IDX folder, which has its own test split (t10k-*); leave --eval-split out`,
      );
    const split = evalSplit(data, o.evalSplit, o.seed);
    return { train: resized(split.train, o.imageSize), test: resized(limitDataset(split.test, o.evalLimit), o.imageSize) };
  }
  const train = resized(data, o.imageSize);
  // Without --eval-data an IDX training set is scored on the t10k-* files beside it (errors then name --data).
  const evalPath = o.evalData ?? idxTestFolder(data);
  if (evalPath === null) return { train, test: null };
  const opened = await openData(o.evalData === undefined ? 'data' : 'eval-data', evalPath, 'test', {
    imageSize: o.imageSize,
    channels: o.channels,
  });
  const test = alignEvalLabels(train, resized(limitDataset(opened, o.evalLimit), o.imageSize));
  if (test.channels !== data.channels) throw new UsageError(`--eval-data has ${test.channels} channel(s) but --data has ${data.channels}`);
  return { train, test };
}

/** A dataset whose images are resized to `size` on read (IDX data at another resolution). */
export function resized(ds: ImageDataset, size: number): ImageDataset {
  if (ds.height === size && ds.width === size) return ds;
  return {
    ...ds,
    height: size,
    width: size,
    read: async (indices) => {
      const x = await ds.read(indices);
      const y = tf.tidy(() => tf.image.resizeBilinear(x, [size, size]) as tf.Tensor4D);
      x.dispose();
      return y;
    },
  };
}
