import { UsageError } from '@contrastive/core/cli';
import { readCorpus, readRetrievalPairs, readTriplets } from '../data/corpus.js';
import type { RetrievalPair, Triplet } from '../data/parse-corpus.js';
import type { TextMethodName } from '../methods/registry.js';
import { TEXT_METHOD_INPUTS } from '../methods/registry.js';
import { halvesPair, holdOut, splittable, tripletPairs, validationSize } from '../validation/split.js';

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
  validation: { pairs: RetrievalPair[]; source: string; labelFree?: boolean } | null;
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
  const n = allTriplets?.length ?? allTexts!.length;
  let triplets = allTriplets;
  let texts = allTexts;
  let validation: TrainingData['validation'] = null;
  if (config.validationPairs !== undefined) {
    validation = { pairs: readRetrievalPairs(config.validationPairs), source: `--validation-pairs ${config.validationPairs}` };
  } else {
    let size: number;
    try {
      size = validationSize(n, config.validation);
    } catch (e) {
      throw new UsageError(`--validation: ${(e as Error).message}`);
    }
    if (allTriplets) {
      if (size > 0) {
        const split = holdOut(allTriplets, size, config.seed);
        triplets = split.train;
        validation = {
          pairs: tripletPairs(split.heldOut.map((i) => allTriplets[i]!)),
          source: `${size} held-out triplets of ${config.corpus} as text → positive (seed ${config.seed})`,
        };
      }
    } else {
      const eligible = allTexts!.filter(splittable).length;
      // A default slice shrinks to the passages long enough to split; an explicit --validation must fit.
      if (config.validation === undefined) size = Math.min(size, eligible);
      else if (size > eligible)
        throw new UsageError(
          `--validation ${size}: only ${eligible} passages of ${config.corpus} have the 4 words a query/document split needs`,
        );
      if (size > 0) {
        const split = holdOut(allTexts!, size, config.seed, splittable);
        texts = split.train;
        validation = {
          pairs: split.heldOut.map((i) => halvesPair(allTexts![i]!)),
          source: `${size} held-out passages of ${config.corpus}, first half of the words → second half (seed ${config.seed})`,
          labelFree: true,
        };
      }
    }
  }
  return {
    triplets,
    texts: triplets ? triplets.flatMap((t) => [t.text, t.positive, t.negative]) : texts!,
    items: triplets?.length ?? texts!.length,
    validation,
  };
}
