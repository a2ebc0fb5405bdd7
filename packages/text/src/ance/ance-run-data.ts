// Node-only (reads files): the training data of `contrastive-text train --method ance`.
import { readCorpus, readRetrievalPairs } from '../data/corpus.js';
import type { RetrievalPair } from '../data/parse-corpus.js';
import { type ValidationSlice, validationSlice } from '../validation/slice.js';

/** What {@link readAnceRunData} reads from a run's configuration. */
export interface AnceRunDataConfig {
  /** JSONL `{"query","document"}` training pairs. */
  corpus: string;
  /** More passages for the corpus negatives are mined from (one per line, or JSONL with "text"). */
  passages?: string;
  /** Use the first `limit` pairs. */
  limit?: number;
  seed: number;
  /** Held-out pairs (0 = none); default {@link validationSize}'s. */
  validation?: number;
  /** Score these pairs instead of holding any out. */
  validationPairs?: string;
}

/** ANCE's training pairs, its extra passages, and the validation pairs held out of them. */
export interface AnceRunData {
  pairs: RetrievalPair[];
  passages: string[];
  /** Every text of the run (queries, documents, extra passages): what a fresh vocabulary is built from. */
  texts: string[];
  /** Distinct training queries (one batch row each per epoch). */
  items: number;
  validation: ValidationSlice | null;
}

/**
 * Reads ANCE's pairs (the first `limit`) and holds out the validation slice, seeded by the run's seed: held-out
 * pairs never train (their documents stay in the corpus only if another pair or `passages` has them).
 * @throws TextDataError (file and line) for malformed files; UsageError for an impossible `--validation`.
 */
export function readAnceRunData(config: AnceRunDataConfig): AnceRunData {
  const all = readRetrievalPairs(config.corpus).slice(0, config.limit);
  const passages = config.passages === undefined ? [] : readCorpus(config.passages);
  const { train: pairs, validation } = validationSlice(all, config, {
    toPair: (p) => p,
    describe: (size) => `${size} held-out pairs of ${config.corpus} (seed ${config.seed})`,
  });
  const queries = new Set(pairs.map((p) => p.query));
  return {
    pairs,
    passages,
    texts: [...pairs.flatMap((p) => [p.query, p.document]), ...passages],
    items: queries.size,
    validation,
  };
}
