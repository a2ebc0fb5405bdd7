/**
 * The rewrite tables of a CMCL run: per train image, every text UNIMO's CMCL would attach to it, built once
 * before training (pure and seeded) and drawn from per step by {@link cmclBatch}.
 */
import { createRng } from '@contrastive/core';
import type { CaptionRecord } from '../data/caption-record.js';
import { positiveRewrites } from './positive-rewrites.js';
import { checkImages, sentenceHardNegatives } from './sentence-negatives.js';
import { textKey } from './text-key.js';
import type { TextSearchFactory } from './text-search.js';
import { retrieveWeakPositives } from './weak-positives.js';
import { wordHardNegatives } from './word-negatives.js';
import type { WordNetLexicon } from './wordnet-lexicon.js';

/** The texts of one image. No text is in two of the lists (under `textKey`); no hard negative is a positive. */
export interface ImageRewrites {
  /** The image's own captions (its records' `caption`), distinct. */
  captions: string[];
  /** Positive rewrites: paraphrases of its captions (here, translations: {@link positiveRewrites}). */
  positives: string[];
  /** Retrieved weak positives: related texts of a text-only corpus ({@link retrieveWeakPositives}). */
  weakPositives: string[];
  /** Sentence-level hard negatives: the most similar captions of other images ({@link sentenceHardNegatives}). */
  sentenceNegatives: string[];
  /** Word-level hard negatives: one word swapped for a co-hyponym or an antonym ({@link wordHardNegatives}). */
  wordNegatives: string[];
}

/** One image's texts before rewriting. */
export interface CaptionedImage {
  /** Its distinct captions (≥ 1). */
  captions: readonly string[];
  /** Its paraphrases (translations), if any. */
  paraphrases?: readonly string[];
}

/**
 * Groups records by image: `imageIndex[i]` is record i's image (0 … imageCount − 1, a `CaptionDataset`'s
 * `imageIndex`). Captions are each record's `caption`, distinct, in record order; paraphrases the records'
 * `captions` at `locales` ({@link positiveRewrites}), without the image's captions and repeats.
 */
export function imagesFromRecords(
  records: readonly Pick<CaptionRecord, 'caption' | 'captions'>[],
  imageIndex: ArrayLike<number>,
  imageCount: number,
  locales: readonly string[] | 'all',
): CaptionedImage[] {
  if (imageIndex.length !== records.length) {
    throw new RangeError(`imagesFromRecords: imageIndex has ${imageIndex.length} entries for ${records.length} records`);
  }
  const captions: string[][] = Array.from({ length: imageCount }, () => []);
  const paraphrases: string[][] = Array.from({ length: imageCount }, () => []);
  records.forEach((r, i) => {
    const img = imageIndex[i]!;
    if (!Number.isInteger(img) || img < 0 || img >= imageCount) {
      throw new RangeError(`imagesFromRecords: imageIndex[${i}] = ${img} is not an image of 0 … ${imageCount - 1}`);
    }
    if (!captions[img]!.some((c) => textKey(c) === textKey(r.caption))) captions[img]!.push(r.caption);
    paraphrases[img]!.push(...positiveRewrites(r, locales));
  });
  return captions.map((cs, img) => {
    if (cs.length === 0) throw new RangeError(`imagesFromRecords: image ${img} has no record`);
    const own = new Set<string>(cs.map(textKey));
    return { captions: cs, paraphrases: distinct(paraphrases[img]!, own) };
  });
}

/** What {@link buildRewriteTables} retrieves with. */
export interface RewriteSources {
  /** The retrieval engine for the sentence-level negatives and the weak positives (e.g. BM25). */
  search: TextSearchFactory;
  /** WordNet for the word-level negatives; none without it. */
  lexicon?: WordNetLexicon;
  /** The text-only corpus of the weak positives (e.g. `nounGlossCorpus(lexicon)`); none without it. */
  corpus?: readonly string[];
}

/** Options of {@link buildRewriteTables}: how many of each kind to keep per caption (0 turns a kind off). */
export interface RewriteTableOptions {
  /** Sentence-level hard negatives per caption. Default 3. */
  sentenceNegatives?: number;
  /** Word-level hard negatives per caption. Default 3. */
  wordNegatives?: number;
  /** Retrieved weak positives per caption. Default 2. */
  weakPositives?: number;
  /** Seed of the word swaps. Default 0. */
  seed?: number;
}

/**
 * Builds every image's {@link ImageRewrites} from the train images only (retrieving over test captions would
 * leak them into training). Kinds are kept disjoint, positives first: a text that is a caption, paraphrase or
 * weak positive of the image is dropped from its negatives, and a weak positive equal to a paraphrase is kept
 * once, as a paraphrase. Deterministic: the same images, sources and seed give the same tables (the word swaps
 * of image i draw from a generator seeded by `seed` and i).
 *
 * @example
 * const tables = buildRewriteTables(imagesFromRecords(train.records, train.imageIndex, train.imageCount, ['es', 'fr']), {
 *   search: (docs) => new Bm25Index(docs), lexicon, corpus: nounGlossCorpus(lexicon),
 * });
 */
export function buildRewriteTables(
  images: readonly CaptionedImage[],
  sources: RewriteSources,
  options: RewriteTableOptions = {},
): ImageRewrites[] {
  const { sentenceNegatives = 3, wordNegatives = 3, weakPositives = 2, seed = 0 } = options;
  if (!Array.isArray(images)) throw new TypeError(`buildRewriteTables: images must be an array, got ${String(images)}`);
  checkImages(
    images.map((im) => im?.captions as readonly string[]),
    'buildRewriteTables',
  );
  if (typeof sources?.search !== 'function')
    throw new TypeError('buildRewriteTables: sources.search must be a function (documents) => TextSearch');
  if (!Number.isInteger(wordNegatives) || wordNegatives < 0) {
    throw new RangeError(`buildRewriteTables: wordNegatives must be a non-negative integer, got ${wordNegatives}`);
  }
  const captions = images.map((im) => im.captions);
  const sentence = sentenceHardNegatives(captions, sources.search, { perCaption: sentenceNegatives });
  const weak =
    sources.corpus === undefined
      ? images.map(() => [])
      : retrieveWeakPositives(captions, sources.corpus, sources.search, { perCaption: weakPositives });
  return images.map((im, i) => {
    const own = new Set<string>(im.captions.map(textKey));
    const positives = distinct(im.paraphrases ?? [], own);
    const weakPositives = distinct(weak[i]!, own);
    const sentenceNegs = distinct(sentence[i]!, own);
    const words: string[] = [];
    if (sources.lexicon !== undefined && wordNegatives > 0) {
      const rng = createRng(seed * 0x9e3779b1 + i);
      for (const c of im.captions) {
        // Excluding what the image already holds, so `wordNegatives` new texts come out when the caption allows.
        const drawn = wordHardNegatives(c, sources.lexicon, rng, { count: wordNegatives, exclude: own });
        words.push(...distinct(drawn, own));
      }
    }
    return { captions: [...im.captions], positives, weakPositives, sentenceNegatives: sentenceNegs, wordNegatives: words };
  });
}

/** `texts` without repeats and without any text whose key is in `taken`; the keys kept are added to `taken`. */
function distinct(texts: readonly string[], taken: Set<string>): string[] {
  const out: string[] = [];
  for (const t of texts) {
    const k = textKey(t);
    if (taken.has(k)) continue;
    taken.add(k);
    out.push(t);
  }
  return out;
}
