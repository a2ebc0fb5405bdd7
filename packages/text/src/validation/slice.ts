// Node-only (reads --validation-pairs): the validation slice of a training run, for every training path.
import { UsageError } from '@contrastive/core/cli';
import { readRetrievalPairs } from '../data/corpus.js';
import type { RetrievalPair } from '../data/parse-corpus.js';
import { holdOut, validationSize } from './split.js';

/** The pairs a run scores during training and how they were made; `labelFree`: cut from passages, not labelled. */
export interface ValidationSlice {
  pairs: RetrievalPair[];
  source: string;
  labelFree?: boolean;
}

/** How {@link validationSlice} turns held-out items into pairs. */
export interface SliceRecipe<T> {
  /** The retrieval pair of one held-out item. */
  toPair: (item: T) => RetrievalPair;
  /** The `source` line, given the slice's size. */
  describe: (size: number) => string;
  /** Items that may be held out (default: all); a default slice shrinks to them, an explicit one must fit. */
  eligible?: (item: T) => boolean;
  /** The error when an explicit `--validation N` exceeds the eligible items. */
  tooFew?: (size: number, eligible: number) => string;
  labelFree?: boolean;
}

/**
 * Holds out the run's validation slice, seeded by its seed: `--validation-pairs` scores the user's pairs and holds
 * nothing out; otherwise `--validation N` items (default {@link validationSize}'s) are held out and never train.
 * @throws UsageError for an impossible `--validation`.
 */
export function validationSlice<T>(
  items: readonly T[],
  config: { seed: number; validation?: number; validationPairs?: string },
  recipe: SliceRecipe<T>,
): { train: T[]; validation: ValidationSlice | null } {
  if (config.validationPairs !== undefined)
    return {
      train: [...items],
      validation: { pairs: readRetrievalPairs(config.validationPairs), source: `--validation-pairs ${config.validationPairs}` },
    };
  let size: number;
  try {
    size = validationSize(items.length, config.validation);
  } catch (e) {
    throw new UsageError(`--validation: ${(e as Error).message}`);
  }
  if (recipe.eligible) {
    const eligible = items.filter(recipe.eligible).length;
    if (config.validation === undefined) size = Math.min(size, eligible);
    else if (size > eligible)
      throw new UsageError(recipe.tooFew?.(size, eligible) ?? `--validation ${size}: only ${eligible} items can be held out`);
  }
  if (size === 0) return { train: [...items], validation: null };
  const split = holdOut(items, size, config.seed, recipe.eligible);
  return {
    train: split.train,
    validation: {
      pairs: split.heldOut.map((i) => recipe.toPair(items[i]!)),
      source: recipe.describe(size),
      ...(recipe.labelFree ? { labelFree: true } : {}),
    },
  };
}
