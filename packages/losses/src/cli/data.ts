/**
 * The CLI's data: an MNIST-style IDX folder (or `bundled`, vision's 3,000 + 1,000-image Fashion-MNIST subset),
 * its train split made long-tailed on the fly (`--long-tail-ratio`), its test split kept balanced. Node-only.
 */
import type * as tf from '@tensorflow/tfjs';
import { UsageError } from '@contrastive/core/cli';
import { BUNDLED_FASHION_MNIST, loadIdxDataset } from '@contrastive/vision/node';
import type { ClassGroups } from '../data/long-tail.js';
import { classGroups, LongTailError, longTailIndices } from '../data/long-tail.js';

/** The loaded data: train images in memory (after the long-tail selection), the test split, and the class facts. */
export interface LoadedData {
  /** What `--data` named (`bundled` or the path). */
  name: string;
  trainX: tf.Tensor4D;
  trainY: Int32Array;
  testX: tf.Tensor4D;
  testY: Int32Array;
  numClasses: number;
  /** Training examples per class after the selection. */
  classCounts: number[];
  groups: ClassGroups;
  imageShape: [number, number, number];
}

/** Counts per class 0 … C−1 of `labels`; refuses a class with no example (naming `where`). */
export function countClasses(labels: Int32Array, numClasses: number, where: string): number[] {
  const counts = new Array<number>(numClasses).fill(0);
  for (const y of labels) counts[y] = (counts[y] ?? 0) + 1;
  const empty = counts.indexOf(0);
  if (empty >= 0)
    throw new UsageError(`${where}: class ${empty} has no example (labels run 0 … ${numClasses - 1}); every class needs at least one`);
  return counts;
}

/**
 * Loads `--data` (a folder or `bundled`): the first `limit` train images, made long-tailed with `ratio`
 * (seeded by `seed`) when given, and the first `testLimit` test images. Missing labels, an empty class or too
 * few classes are `UsageError`s naming `--data` and the file.
 */
export async function loadData(opts: {
  data: string;
  method: string;
  limit?: number;
  testLimit?: number;
  ratio?: number;
  seed: number;
}): Promise<LoadedData> {
  const path = opts.data === 'bundled' ? BUNDLED_FASHION_MNIST : opts.data;
  const train = await loadIdxDataset(path, { split: 'train', ...(opts.limit === undefined ? {} : { limit: opts.limit }) });
  if (train.labels === null) {
    throw new UsageError(
      `--data ${opts.data}: ${train.source} has no labels file beside it (train-labels-idx1-ubyte[.gz]); --method ${opts.method} needs class labels`,
    );
  }
  const test = await loadIdxDataset(path, { split: 'test', ...(opts.testLimit === undefined ? {} : { limit: opts.testLimit }) });
  if (test.labels === null)
    throw new UsageError(
      `--data ${opts.data}: ${test.source} has no labels file beside it (t10k-labels-idx1-ubyte[.gz]); the test split is scored by class`,
    );
  let numClasses = 0;
  for (const y of train.labels) numClasses = Math.max(numClasses, y + 1);
  if (numClasses < 2)
    throw new UsageError(`--data ${opts.data}: ${train.source} has ${numClasses} class(es); classification needs at least two`);
  countClasses(train.labels, numClasses, `--data ${opts.data} (${train.source}${opts.limit === undefined ? '' : `, first ${opts.limit}`})`);
  for (const y of test.labels) {
    if (y >= numClasses)
      throw new UsageError(`--data ${opts.data}: ${test.source} has label ${y}, above the train split's ${numClasses - 1}`);
  }
  let indices: Int32Array;
  if (opts.ratio === undefined) indices = Int32Array.from({ length: train.size }, (_, i) => i);
  else {
    try {
      indices = longTailIndices(train.labels, { ratio: opts.ratio, seed: opts.seed }).indices;
    } catch (err) {
      if (err instanceof LongTailError) {
        throw new UsageError(
          err.field === 'ratio' ? `--long-tail-ratio: ${err.message}` : `--data ${opts.data} (${train.source}): ${err.message}`,
        );
      }
      throw err;
    }
  }
  const trainY = Int32Array.from(indices, (i) => train.labels![i]!);
  const classCounts = countClasses(trainY, numClasses, `--data ${opts.data}`);
  const trainX = await train.read(indices);
  const testX = await test.read(Int32Array.from({ length: test.size }, (_, i) => i));
  return {
    name: opts.data,
    trainX,
    trainY,
    testX,
    testY: Int32Array.from(test.labels),
    numClasses,
    classCounts,
    groups: classGroups(numClasses),
    imageShape: [train.height, train.width, train.channels],
  };
}

/** Accuracy overall and of the head / medium / tail classes, from predicted and true labels. */
export function groupAccuracies(
  predicted: Int32Array,
  truth: Int32Array,
  numClasses: number,
  groups: ClassGroups,
): { accuracy: number; head: number | null; medium: number | null; tail: number | null; perClass: (number | null)[] } {
  const right = new Array<number>(numClasses).fill(0);
  const total = new Array<number>(numClasses).fill(0);
  let correct = 0;
  truth.forEach((y, i) => {
    total[y]!++;
    if (predicted[i] === y) {
      right[y]!++;
      correct++;
    }
  });
  const of = (classes: number[]): number | null => {
    const n = classes.reduce((s, c) => s + total[c]!, 0);
    return n === 0 ? null : classes.reduce((s, c) => s + right[c]!, 0) / n;
  };
  return {
    accuracy: truth.length === 0 ? Number.NaN : correct / truth.length,
    head: of(groups.head),
    medium: of(groups.medium),
    tail: of(groups.tail),
    perClass: total.map((n, c) => (n === 0 ? null : right[c]! / n)),
  };
}
