import { createRng } from '@contrastive/core';
import type { RetrievalPair, Triplet } from '../data/parse-corpus.js';

/** Default share of the training items held out for validation (capped by {@link VALIDATION_MAX}). */
export const VALIDATION_FRACTION = 0.05;
/** Cap on the default validation slice: enough for a stable MRR@10, cheap to encode every few steps. */
export const VALIDATION_MAX = 1000;
/** Below this many items a default slice is not held out (its MRR would be noise); an explicit size is honoured. */
export const VALIDATION_MIN = 20;
/** Fewest words a passage needs to be split into a query half and a document half. */
export const MIN_SPLIT_WORDS = 4;

/**
 * The validation size for `n` training items: `requested` when given (0 = none; more than half the items is refused),
 * else {@link VALIDATION_FRACTION} of them capped at {@link VALIDATION_MAX}, or 0 when that is under {@link VALIDATION_MIN}.
 */
export function validationSize(n: number, requested?: number): number {
  if (requested !== undefined) {
    if (!Number.isInteger(requested) || requested < 0) throw new RangeError(`validation size must be an integer >= 0, got ${requested}`);
    if (requested > 0 && requested > n / 2)
      throw new RangeError(`a validation slice of ${requested} would leave fewer training items than it holds (${n} in all)`);
    return requested;
  }
  const size = Math.min(VALIDATION_MAX, Math.floor(n * VALIDATION_FRACTION));
  return size < VALIDATION_MIN ? 0 : size;
}

/** Training items and the held-out indices (sorted) of a seeded split. */
export interface Split<T> {
  train: T[];
  /** Indices into the original items of the held-out ones, ascending. */
  heldOut: number[];
}

/**
 * Holds out `size` items chosen by `seed` among those `eligible` accepts; the rest (in their original order)
 * train. Pure: the same items, size and seed give the same split.
 */
export function holdOut<T>(items: readonly T[], size: number, seed: number, eligible: (item: T) => boolean = () => true): Split<T> {
  const candidates = items.flatMap((item, i) => (eligible(item) ? [i] : []));
  if (size > candidates.length)
    throw new RangeError(`cannot hold out ${size} validation items: only ${candidates.length} of ${items.length} are eligible`);
  createRng(seed).shuffle(candidates);
  const heldOut = candidates.slice(0, size).sort((a, b) => a - b);
  const held = new Set(heldOut);
  return { train: items.filter((_, i) => !held.has(i)), heldOut };
}

const words = (text: string): string[] =>
  text
    .trim()
    .split(/\s+/)
    .filter((w) => w.length > 0);

/** Whether a passage has enough words for {@link halvesPair}. */
export function splittable(text: string): boolean {
  return words(text).length >= MIN_SPLIT_WORDS;
}

/**
 * A label-free retrieval pair from one passage (the inverse-cloze idea of Lee et al. 2019, in its simplest form):
 * the first half of its words is the query, the rest the document. An encoder that keeps what a passage is about
 * finds the other half; one that collapsed (onto length, say) does not. Needs {@link MIN_SPLIT_WORDS} words.
 */
export function halvesPair(text: string): RetrievalPair {
  const w = words(text);
  if (w.length < MIN_SPLIT_WORDS) throw new RangeError(`a passage needs ${MIN_SPLIT_WORDS} words to be split, got ${w.length}`);
  const cut = Math.floor(w.length / 2);
  return { query: w.slice(0, cut).join(' '), document: w.slice(cut).join(' ') };
}

/** The validation pair of a held-out triplet: the text is the query, its positive the document (the negative is unused). */
export function tripletPair(t: Triplet): RetrievalPair {
  return { query: t.text, document: t.positive };
}
