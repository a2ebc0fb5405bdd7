import { BUNDLED_FASHION_MNIST } from '../io/bundled.js';
import type { ImageDataset } from '../io/dataset.js';
import { isIdxSource, loadIdxDataset } from '../io/idx-dataset.js';
import { openImageFolder } from '../io/image-folder.js';
import { stratifiedSplit } from '@contrastive/core';
import { UsageError } from './args.js';

/** Resolves `'bundled'` to the shipped subset. */
export function resolveDataPath(path: string): string {
  return path === 'bundled' ? BUNDLED_FASHION_MNIST : path;
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

/** The first `limit` items of a dataset (image folders stream, so this just narrows the index range). */
export function limitDataset(ds: ImageDataset, limit: number | undefined): ImageDataset {
  if (limit === undefined || limit >= ds.size) return ds;
  return { ...ds, size: limit, labels: ds.labels ? ds.labels.slice(0, limit) : null, read: ds.read };
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

/** The items of `ds` at `indices`, in that order, numbered from 0; images are still decoded lazily. */
export function subsetDataset(ds: ImageDataset, indices: Int32Array, source = ds.source): ImageDataset {
  return {
    ...ds,
    size: indices.length,
    labels: ds.labels ? Int32Array.from(indices, (i) => ds.labels![i]!) : null,
    source,
    read: (idx) => {
      const at = Int32Array.from(idx, (j) => {
        if (!(j >= 0 && j < indices.length)) throw new RangeError(`index ${j} out of range [0, ${indices.length}) for ${source}`);
        return indices[j]!;
      });
      return ds.read(at);
    },
  };
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
