/**
 * Training batches of an {@link AdapterMethod}: (query, positive[, hard negative]) examples from a pairs or triplets
 * file, shuffled per epoch by the loop's seeded generator, as rows of a {@link TowerCache}.
 *
 * No text appears twice in a batch (sentence-transformers' `NoDuplicatesDataLoader`): with in-batch negatives, a
 * passage that is the positive of two queries of the same batch would be each one's positive **and** negative —
 * WordNet gives several example sentences one definition, so this happens on real data. An example that would
 * repeat a text waits for a later batch.
 */
import type { Rng } from '@contrastive/core';
import type { RetrievalPair, Triplet } from '../data/parse-corpus.js';
import type { AdapterBatch } from './adapter-loss.js';
import type { TowerCache } from './tower-cache.js';

/** One training example: the query should find its positive (and rank it above its hard negative). */
export interface AdapterExample {
  query: string;
  positive: string;
  negative?: string;
}

/**
 * Examples from retrieval pairs (`{query, document}`: the document is the positive) or supervised triplets
 * (`{text, positive, negative}`: the text is the query). A mix of both is refused (a batch is all pairs or all
 * triplets).
 */
export function adapterExamples(items: readonly (RetrievalPair | Triplet)[]): AdapterExample[] {
  const out = items.map((it, i): AdapterExample => {
    if (it !== null && typeof it === 'object' && 'document' in it) return { query: it.query, positive: it.document };
    if (it !== null && typeof it === 'object' && 'negative' in it) return { query: it.text, positive: it.positive, negative: it.negative };
    throw new TypeError(
      `adapterExamples: item ${i} is neither a retrieval pair {query, document} nor a triplet {text, positive, negative}`,
    );
  });
  checkExamples(out);
  return out;
}

function checkExamples(examples: readonly AdapterExample[]): void {
  const withNegative = examples.filter((e) => e.negative !== undefined).length;
  if (withNegative > 0 && withNegative < examples.length)
    throw new RangeError(`adapter examples mix pairs and triplets (${withNegative} of ${examples.length} have a negative): use one kind`);
}

/** Every distinct text of `examples` (queries, positives, negatives), in first-seen order: what to put in the cache. */
export function adapterTexts(examples: readonly AdapterExample[]): string[] {
  const seen = new Set<string>();
  for (const e of examples) {
    seen.add(e.query);
    seen.add(e.positive);
    if (e.negative !== undefined) seen.add(e.negative);
  }
  return [...seen];
}

/**
 * Steps per epoch of {@link adapterBatches}: `floor(n / batchSize)` full batches (the remainder is dropped, as
 * every contrastive trainer does, so no step sees a tiny batch), or one batch of all `n` when `n < batchSize`
 * (at least 2 examples). An epoch can end earlier when duplicates leave fewer than 2 examples to fill a batch.
 */
export function adapterStepsPerEpoch(n: number, batchSize: number): number {
  if (!Number.isInteger(batchSize) || batchSize < 2) throw new RangeError(`batchSize must be an integer >= 2, got ${batchSize}`);
  if (n < 2) return 0;
  return n < batchSize ? 1 : Math.floor(n / batchSize);
}

/**
 * Example indices of one epoch's batches: a seeded permutation cut into {@link adapterStepsPerEpoch} batches of
 * `batchSize`, where an example that would repeat a text already in the batch is deferred to the next one. Pure (no
 * tensors), for tests and for callers that batch differently.
 */
export function adapterBatchIndices(examples: readonly AdapterExample[], batchSize: number, rng: Rng): number[][] {
  const steps = adapterStepsPerEpoch(examples.length, batchSize);
  const size = Math.min(batchSize, examples.length);
  const order = rng.permutation(examples.length);
  let cursor = 0; // next unseen position of `order`
  let waiting: number[] = []; // examples deferred by earlier batches, tried first
  const out: number[][] = [];
  while (out.length < steps) {
    const texts = new Set<string>();
    const batch: number[] = [];
    const deferred: number[] = [];
    const offer = (k: number): void => {
      const e = examples[k]!;
      const own = e.negative === undefined ? [e.query, e.positive] : [e.query, e.positive, e.negative];
      if (batch.length >= size || own.some((t) => texts.has(t))) deferred.push(k);
      else {
        batch.push(k);
        for (const t of own) texts.add(t);
      }
    };
    for (const k of waiting) offer(k);
    while (batch.length < size && cursor < order.length) offer(order[cursor++]!);
    if (batch.length < 2) break;
    out.push(batch);
    waiting = deferred;
  }
  return out;
}

/** Options of {@link adapterBatches}. */
export interface AdapterBatchOptions {
  /** Examples per batch (in-batch negatives: each query's negatives are the other positives). Default `64`. */
  batchSize?: number;
}

/**
 * The `batches` function of core's `train()` for an {@link AdapterMethod}: each epoch, {@link adapterBatchIndices}
 * with the loop's seeded `rng`, each batch as tower vectors gathered from `cache` (tensors the loop disposes after
 * the step). Every text of `examples` must be in the cache (`await cache.add(adapterTexts(examples))` first); a
 * missing one is an error naming it.
 */
export function adapterBatches(
  examples: readonly AdapterExample[],
  cache: TowerCache,
  options: AdapterBatchOptions = {},
): (epoch: number, rng: Rng) => Generator<AdapterBatch> {
  const { batchSize = 64 } = options;
  adapterStepsPerEpoch(examples.length, batchSize); // checks batchSize
  checkExamples(examples);
  const missing = adapterTexts(examples).find((t) => !cache.has(t));
  if (missing !== undefined) cache.vector(missing); // throws naming the text
  return function* (_epoch, rng) {
    for (const idx of adapterBatchIndices(examples, batchSize, rng)) {
      const rows = idx.map((i) => examples[i]!);
      const query = cache.gather(rows.map((e) => e.query));
      const positive = cache.gather(rows.map((e) => e.positive));
      if (rows[0]!.negative === undefined) yield { query, positive };
      else yield { query, positive, negative: cache.gather(rows.map((e) => e.negative!)) };
    }
  };
}
