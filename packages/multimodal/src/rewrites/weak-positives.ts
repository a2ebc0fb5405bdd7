/**
 * UNIMO's retrieved *weak positives* (Li et al., ACL 2021, "Image/Text Retrieval"): each image–text pair is
 * augmented with texts from the single-modal text corpus that are related to its caption (the paper: by TF-IDF),
 * encoded on their own and added to the pair's positives X^T — background language, weakly aligned.
 *
 * The corpus must be **text without images**, as the paper's is: retrieved captions of other train images would
 * be the very texts the sentence-level rewrites use as hard negatives (same index, same ranking). The Node
 * helper `cmclRewriteTables` uses WordNet's noun glosses (`nounGlossCorpus`: "tree frog, tree-frog: any of
 * various Old World arboreal frogs …"); any list of sentences works.
 *
 * Related images (UNIMO: images of the image corpus sharing detected objects, X^I) are not retrieved: there is
 * no object detector here, and the dataset's `class` (Tux Paint's 16 folders, "animals") is far coarser than
 * object overlap — it would make every animal stamp a positive of every other.
 */
import { checkImages } from './sentence-negatives.js';
import { textKey } from './text-key.js';
import type { TextSearchFactory } from './text-search.js';

/** Options of {@link retrieveWeakPositives}. */
export interface WeakPositiveOptions {
  /** Texts retrieved per caption, best first. Default 2. */
  perCaption?: number;
}

/**
 * For each image, the corpus texts most BM25-similar to its captions: up to `perCaption` per caption, merged
 * without repeats. Corpus texts equal (under {@link textKey}) to any caption of any image are skipped — a
 * caption is no weak positive of another image.
 *
 * @param images the captions of each train image.
 * @param corpus the text corpus (no image captions; see the module comment).
 * @param index builds the retrieval index over the corpus, e.g. `(docs) => new Bm25Index(docs)`.
 * @returns per image, its retrieved texts.
 */
export function retrieveWeakPositives(
  images: readonly (readonly string[])[],
  corpus: readonly string[],
  index: TextSearchFactory,
  options: WeakPositiveOptions = {},
): string[][] {
  const perCaption = options.perCaption ?? 2;
  if (!Number.isInteger(perCaption) || perCaption < 0) {
    throw new RangeError(`retrieveWeakPositives: perCaption must be a non-negative integer, got ${perCaption}`);
  }
  checkImages(images, 'retrieveWeakPositives');
  if (!Array.isArray(corpus)) throw new TypeError(`retrieveWeakPositives: corpus must be an array of texts, got ${String(corpus)}`);
  if (perCaption === 0 || corpus.length === 0) return images.map(() => []);
  const captionKeys = new Set(images.flatMap((cs) => cs.map(textKey)));
  const corpusKeys = corpus.map(textKey);
  const skipped = corpusKeys.filter((k) => captionKeys.has(k)).length;
  const engine = index(corpus);
  return images.map((captions) => {
    const out: string[] = [];
    const taken = new Set<string>();
    for (const c of captions) {
      let found = 0;
      for (const [d] of engine.search(c, perCaption + skipped)) {
        const k = corpusKeys[d];
        if (k === undefined)
          throw new RangeError(`retrieveWeakPositives: the index returned document ${d}, not one of the ${corpus.length}`);
        if (captionKeys.has(k)) continue;
        if (found++ >= perCaption) break;
        if (taken.has(k)) continue;
        taken.add(k);
        out.push(corpus[d]!);
      }
    }
    return out;
  });
}
