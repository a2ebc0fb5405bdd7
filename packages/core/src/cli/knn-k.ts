/** `--knn-k`, or the default from the training labels; see `defaultKnnK` (in core's root, `eval/`). */
import { defaultKnnK } from '../eval/default-knn-k.js';
import { intFlag, UsageError, type FlagValues } from './args.js';

export { defaultKnnK };

/** Which k the kNN used and where it came from (say it in the summary: `metrics.knnK`, `metrics.knnKSource`). */
export interface ResolvedKnnK {
  k: number;
  /** `'flag'`: `--knn-k`; `'default'`: {@link defaultKnnK}. */
  source: 'flag' | 'default';
}

/**
 * `--knn-k` (an integer >= 1, at most the training set size, else a UsageError) or, when absent,
 * {@link defaultKnnK}`(trainLabels, preferred)`.
 */
export function resolveKnnK(values: FlagValues, trainLabels: ArrayLike<number>, preferred = 200): ResolvedKnnK {
  const k = intFlag(values, 'knn-k', 1);
  if (k === undefined) return { k: defaultKnnK(trainLabels, preferred), source: 'default' };
  if (k > trainLabels.length) {
    throw new UsageError(
      `--knn-k ${k} exceeds the ${trainLabels.length} training examples the kNN searches; use at most ${trainLabels.length}`,
    );
  }
  return { k, source: 'flag' };
}
