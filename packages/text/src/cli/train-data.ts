import { readCorpus, readTriplets } from '../data/corpus.js';
import type { Triplet } from '../data/parse-corpus.js';
import type { TextMethodName } from '../methods/registry.js';
import { TEXT_METHOD_INPUTS } from '../methods/registry.js';
import { halvesPair, splittable, tripletPair } from '../validation/split.js';
import { type ValidationSlice, validationSlice } from '../validation/slice.js';

/** The training items of a run and its validation pairs, as {@link readTrainingData} splits them. */
export interface TrainingData {
  /** Training triplets (`simcse-sup`), else null. */
  triplets: Triplet[] | null;
  /** Training passages (sentence methods) or every text of the training triplets. */
  texts: string[];
  /** Number of training items (passages or triplets). */
  items: number;
  /**
   * Held-out (or given) retrieval pairs scored during training, and how they were made; null = no validation.
   * `labelFree`: pairs cut from passages (first half → second half), a proxy too weak to choose the kept model by.
   */
  validation: ValidationSlice | null;
}

/** What {@link readTrainingData} needs from the run's configuration. */
export interface TrainingDataConfig {
  method: TextMethodName;
  corpus: string;
  limit?: number;
  seed: number;
  validation?: number;
  validationPairs?: string;
}

/**
 * Reads the corpus (passages or triplets, the first `limit`), then holds out the validation slice, seeded by the
 * run's seed: passages of at least 4 words split into a first-half query and a second-half document, or triplets as
 * text → positive. Held-out items never train. `validationPairs` scores the user's pairs instead and holds nothing out.
 */
export function readTrainingData(config: TrainingDataConfig): TrainingData {
  const tripletInput = TEXT_METHOD_INPUTS[config.method] === 'triplets';
  const allTriplets = tripletInput ? readTriplets(config.corpus).slice(0, config.limit) : null;
  const allTexts = allTriplets ? null : readCorpus(config.corpus).slice(0, config.limit);
  const seed = config.seed;
  let triplets = allTriplets;
  let texts = allTexts;
  let validation: ValidationSlice | null;
  if (allTriplets)
    ({ train: triplets, validation } = validationSlice(allTriplets, config, {
      toPair: tripletPair,
      describe: (size) => `${size} held-out triplets of ${config.corpus} as text → positive (seed ${seed})`,
    }));
  else
    ({ train: texts, validation } = validationSlice(allTexts!, config, {
      toPair: halvesPair,
      describe: (size) => `${size} held-out passages of ${config.corpus}, first half of the words → second half (seed ${seed})`,
      // A default slice shrinks to the passages long enough to split; an explicit --validation must fit.
      eligible: splittable,
      tooFew: (size, eligible) =>
        `--validation ${size}: only ${eligible} passages of ${config.corpus} have the 4 words a query/document split needs`,
      labelFree: true,
    }));
  return {
    triplets,
    texts: triplets ? triplets.flatMap((t) => [t.text, t.positive, t.negative]) : texts!,
    items: triplets?.length ?? texts!.length,
    validation,
  };
}
