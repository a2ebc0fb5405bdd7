/**
 * UNIMO's sentence-level *hard-negative* rewrites (Li et al., ACL 2021, "Text Rewriting"): the captions of other
 * images most similar to the caption by TF-IDF — texts very close to it that do not describe its image. Here the similarity is BM25 (a TF-IDF weighting with length normalisation; `@contrastive/text`'s
 * `Bm25Index`, injected as a {@link TextSearchFactory}) over the distinct captions of the train images only.
 *
 * Not filtered beyond text identity: a retrieved caption of another image may still be true of this one
 * ("A frog." and "A green frog." of two frog stamps) — the paper's TF-IDF negatives have the same weakness.
 */
import { textKey } from './text-key.js';
import type { TextSearchFactory } from './text-search.js';

/** Options of {@link sentenceHardNegatives}. */
export interface SentenceNegativeOptions {
  /** Hard negatives per caption of an image, the most similar first. Default 3. */
  perCaption?: number;
}

/**
 * For each image (its captions, train split only), the captions of other images most BM25-similar to each of
 * its captions: up to `perCaption` per caption, merged in order without repeats. Excluded: any text equal under
 * {@link textKey} to one of the image's own captions — the exact duplicates of the caption itself, and captions
 * it shares with another image (two stamps both "A frog.": the shared text describes both, so it is no
 * negative of either).
 *
 * Cost: one index over the distinct captions, one query per caption.
 *
 * @param images the captions of each train image (`images[i]`: image i's distinct captions, ≥ 1).
 * @param index builds the retrieval index, e.g. `(docs) => new Bm25Index(docs)`.
 * @returns per image, its hard negatives (captions of other images, verbatim as first seen).
 *
 * @example
 * sentenceHardNegatives([['A red apple.'], ['A green apple.'], ['A frog.'], ['A red apple.']], (d) => new Bm25Index(d), { perCaption: 1 })
 * // → [['A green apple.'], ['A red apple.'], [], ['A green apple.']]  ("A red apple." is images 0 and 3's own caption)
 */
export function sentenceHardNegatives(
  images: readonly (readonly string[])[],
  index: TextSearchFactory,
  options: SentenceNegativeOptions = {},
): string[][] {
  const perCaption = options.perCaption ?? 3;
  if (!Number.isInteger(perCaption) || perCaption < 0) {
    throw new RangeError(`sentenceHardNegatives: perCaption must be a non-negative integer, got ${perCaption}`);
  }
  checkImages(images, 'sentenceHardNegatives');
  // The documents: distinct captions (by key), first spelling kept.
  const docs: string[] = [];
  const docOfKey = new Map<string, number>();
  for (const captions of images) {
    for (const c of captions) {
      const k = textKey(c);
      if (!docOfKey.has(k)) {
        docOfKey.set(k, docs.length);
        docs.push(c);
      }
    }
  }
  if (perCaption === 0 || docs.length < 2) return images.map(() => []);
  const engine = index(docs);
  const docKeys = docs.map(textKey);
  return images.map((captions) => {
    const own = new Set(captions.map(textKey));
    const out: string[] = [];
    const taken = new Set<string>();
    for (const c of captions) {
      // The image's own captions are each at most one document: asking for that many more is enough.
      let found = 0;
      for (const [d] of engine.search(c, perCaption + own.size)) {
        const k = docKeys[d];
        if (k === undefined) throw new RangeError(`sentenceHardNegatives: the index returned document ${d}, not one of the ${docs.length}`);
        if (own.has(k)) continue;
        if (found++ >= perCaption) break;
        if (taken.has(k)) continue;
        taken.add(k);
        out.push(docs[d]!);
      }
    }
    return out;
  });
}

/** Every image has at least one non-empty caption string. */
export function checkImages(images: readonly (readonly string[])[], fn: string): void {
  if (!Array.isArray(images)) throw new TypeError(`${fn}: images must be an array of caption arrays, got ${String(images)}`);
  images.forEach((captions, i) => {
    if (!Array.isArray(captions) || captions.length === 0) throw new RangeError(`${fn}: image ${i} has no caption`);
    for (const c of captions) {
      if (typeof c !== 'string' || c.trim().length === 0)
        throw new RangeError(`${fn}: image ${i} has an empty caption ${JSON.stringify(c)}`);
    }
  });
}
