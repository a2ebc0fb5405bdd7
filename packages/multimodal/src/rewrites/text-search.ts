/**
 * The retrieval engine the rewrites use, injected: the package root never imports `@contrastive/text`, whose
 * `Bm25Index` (wink's BM25 with lowercasing, stop-word removal and Porter stemming) fits this interface as it is:
 * `(docs) => new Bm25Index(docs)`. `cmclRewriteTables` in `@contrastive/multimodal/node` passes exactly that.
 */

/** A ranked text index over a fixed list of documents. */
export interface TextSearch {
  /** `[documentIndex, score]` of the best `limit` documents for `query`, best first (only documents that match at all). */
  search(query: string, limit: number): [number, number][];
}

/** Builds a {@link TextSearch} over `documents` (indices in the results are positions in this array). */
export type TextSearchFactory = (documents: readonly string[]) => TextSearch;
