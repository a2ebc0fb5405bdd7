import type { Rng } from '@contrastive/core';
import type { RetrievalPair } from '../data/parse-corpus.js';
import type { AnceBatch } from '../methods/ance.js';
import type { QueryPositives } from './mine-negatives.js';
import { tokenBatchOf } from './token-store.js';
import type { TokenStore } from './token-store.js';

/** ANCE's training data from pairs: distinct queries, the passage corpus, and each query's positive keys. */
export interface AnceData {
  /** Distinct query texts (first-seen order). */
  queries: string[];
  /** The passage corpus: distinct documents of the pairs (first-seen order), then the extra passages not among them. */
  passages: string[];
  /** Per query, the keys of every document it was paired with (sorted). */
  positives: number[][];
  stats: { pairs: number; queries: number; passages: number; documents: number; extraPassages: number };
}

/**
 * Turns retrieval pairs (+ an optional extra corpus) into ANCE's data. Documents become passages keyed by their
 * position (identical texts share one key); a query that appears in several pairs gets all their documents as
 * positives, so none of them is mined as its negative. Extra passages (`--passages FILE`) only widen the corpus
 * negatives are mined from.
 * @throws RangeError naming the first pair with an empty query or document.
 */
export function anceDataFromPairs(pairs: readonly RetrievalPair[], extraPassages: readonly string[] = []): AnceData {
  if (pairs.length === 0) throw new RangeError('ANCE needs at least one (query, document) pair');
  const passages: string[] = [];
  const passageKey = new Map<string, number>();
  const keyOf = (text: string): number => {
    let k = passageKey.get(text);
    if (k === undefined) {
      k = passages.length;
      passages.push(text);
      passageKey.set(text, k);
    }
    return k;
  };
  const queries: string[] = [];
  const positives: Set<number>[] = [];
  const queryIndex = new Map<string, number>();
  pairs.forEach((p, i) => {
    if (typeof p?.query !== 'string' || p.query.trim() === '') throw new RangeError(`pair ${i + 1}: empty or missing "query"`);
    if (typeof p.document !== 'string' || p.document.trim() === '') throw new RangeError(`pair ${i + 1}: empty or missing "document"`);
    let q = queryIndex.get(p.query);
    if (q === undefined) {
      q = queries.length;
      queries.push(p.query);
      positives.push(new Set());
      queryIndex.set(p.query, q);
    }
    positives[q]!.add(keyOf(p.document));
  });
  const documents = passages.length;
  extraPassages.forEach((t, i) => {
    if (typeof t !== 'string') throw new TypeError(`extra passage ${i + 1} is not a string`);
    if (t.trim() !== '') keyOf(t);
  });
  return {
    queries,
    passages,
    positives: positives.map((s) => [...s].sort((a, b) => a - b)),
    stats: {
      pairs: pairs.length,
      queries: queries.length,
      passages: passages.length,
      documents,
      extraPassages: passages.length - documents,
    },
  };
}

/** Where a batch's negatives come from: the refresher's current table. */
export interface NegativesSource {
  negativesOf(query: number): Int32Array;
}

/** Batches per epoch of {@link anceBatches} for `queries` queries (the last batch may be smaller). */
export function anceStepsPerEpoch(queries: number, batchSize: number): number {
  return Math.ceil(queries / batchSize);
}

/**
 * The `batches(epoch, rng)` of core's `train()` for ANCE: each epoch visits every query once in a seeded random
 * order, in batches of `batchSize`; a query with several positives uses one drawn at random. The negatives are
 * read from `negatives` **when the batch is drawn** (the generator is lazy and core's loop draws a batch after the
 * previous step's callbacks), so a refresh at a step boundary is used by the very next step.
 */
export function anceBatches(
  data: { queries: TokenStore; passages: TokenStore; positives: readonly QueryPositives[] },
  negatives: NegativesSource,
  options: { batchSize: number },
): (epoch: number, rng: Rng) => Generator<AnceBatch> {
  const { batchSize } = options;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`batchSize must be an integer >= 1, got ${batchSize}`);
  const { queries, passages, positives } = data;
  if (positives.length !== queries.size) throw new RangeError(`${queries.size} queries but ${positives.length} positive lists`);
  return function* (_epoch: number, rng: Rng): Generator<AnceBatch> {
    const order = rng.permutation(queries.size);
    for (let i = 0; i < order.length; i += batchSize) {
      const qs = Array.from(order.subarray(i, i + batchSize));
      const pos = qs.map((q) => {
        const p = positives[q]!;
        return typeof p === 'number' ? p : p[p.length === 1 ? 0 : rng.int(p.length)]!;
      });
      const neg: number[] = [];
      for (const q of qs) neg.push(...negatives.negativesOf(q));
      yield { query: tokenBatchOf(queries, qs), positive: tokenBatchOf(passages, pos), negatives: tokenBatchOf(passages, neg) };
    }
  };
}
