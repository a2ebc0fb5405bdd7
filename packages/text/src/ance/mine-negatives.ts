import type { Rng } from '@contrastive/core';
import { Bm25Index } from '../eval/bm25.js';
import type { Bm25Options } from '../eval/bm25.js';
import type { SearchHit } from '../vector-index/vector-index.js';

/**
 * The positives of one query: a passage key, or several (a query paired with more than one document). Every
 * one of them is excluded from the query's negatives, and so is every passage whose text equals one of them.
 */
export type QueryPositives = number | readonly number[];

/** Options of {@link mineNegatives}. */
export interface MineNegativesOptions {
  /** n, negatives kept per query (ANCE `--negative_sample`: 5 by default, 20 in the official scripts). */
  count: number;
  /**
   * Draw from the best `topK` hits of each query (ANCE `--topk_training`: 500 by default, 200 in the scripts).
   * Default: every hit given.
   */
  topK?: number;
  /** Seeded generator of the shuffle and of the random fill (required: the same seed gives the same table). */
  rng: Rng;
  /**
   * Shuffle the top-k before taking n (ANCE's default, so negatives are spread over the top-k rather than
   * being the n hardest, which are the likeliest unlabeled positives). `false` takes the top of the list,
   * as `--ann_measure_topk_mrr`. Default `true`.
   */
  shuffle?: boolean;
  /**
   * Also drop passages whose normalised text ({@link normalizePassageText}) equals a positive's — the same
   * passage stored under another key is a false negative ANCE's id check cannot see. Default `true`.
   */
  dropEqualText?: boolean;
}

/** What one mining pass dropped and filled, summed over the queries. */
export interface MiningStats {
  /** Queries mined. */
  queries: number;
  /** Negatives taken from the hits (the rest of `queries · count` was filled at random). */
  mined: number;
  /** Hits skipped because they were a positive's key (ANCE's `neg_pid == pos_pid`). */
  positiveHits: number;
  /** Hits skipped because their text equals a positive's under another key: the false negatives filtered. */
  falseNegatives: number;
  /** Hits skipped because the key was already taken for that query. */
  duplicates: number;
  /** Negatives drawn at random from the corpus because the hits had fewer than `count` usable passages. */
  filled: number;
  /** Queries that needed such a fill. */
  queriesFilled: number;
  /** Queries whose positive was among their top-k hits (a cheap "is the index finding positives" signal). */
  positivesRetrieved: number;
}

/** Negatives of every query: `keys[q·count … q·count+count−1]` are query q's passage keys. */
export interface MinedNegatives {
  keys: Int32Array;
  count: number;
  stats: MiningStats;
}

/**
 * The text two passages are compared by for false-negative filtering: Unicode NFKC, lower case, runs of
 * whitespace collapsed to one space, trimmed. (Punctuation is kept: "C++" and "C" are different passages.)
 */
export function normalizePassageText(text: string): string {
  return text.normalize('NFKC').toLowerCase().replace(/\s+/g, ' ').trim();
}

const groupCache = new WeakMap<readonly string[], Int32Array>();

/**
 * For each passage, the smallest key whose normalised text equals its own: two passages are "the same text"
 * exactly when their groups are equal. Computed once per texts array (cached by identity).
 */
export function textGroups(texts: readonly string[]): Int32Array {
  const cached = groupCache.get(texts);
  if (cached !== undefined) return cached;
  const first = new Map<string, number>();
  const groups = new Int32Array(texts.length);
  texts.forEach((t, i) => {
    if (typeof t !== 'string') throw new TypeError(`passage ${i} is not a string (${typeof t})`);
    const key = normalizePassageText(t);
    const g = first.get(key);
    if (g === undefined) first.set(key, i);
    groups[i] = g ?? i;
  });
  groupCache.set(texts, groups);
  return groups;
}

/** The positive keys of query `q`, checked against the corpus size. */
function positivesOf(p: QueryPositives, q: number, size: number): readonly number[] {
  const keys = typeof p === 'number' ? [p] : p;
  if (!Array.isArray(keys) || keys.length === 0) throw new RangeError(`query ${q} has no positive passage`);
  for (const k of keys) {
    if (!Number.isInteger(k) || k < 0 || k >= size)
      throw new RangeError(`query ${q}: positive key ${k} is not a passage key in [0, ${size})`);
  }
  return keys;
}

/** Throws unless `count` / `topK` are usable. */
function checkCounts(count: number, topK: number | undefined): void {
  if (!Number.isInteger(count) || count < 1) throw new RangeError(`count (negatives per query) must be an integer >= 1, got ${count}`);
  if (topK !== undefined && (!Number.isInteger(topK) || topK < 1)) throw new RangeError(`topK must be an integer >= 1, got ${topK}`);
}

/**
 * ANCE's negative selection (`drivers/run_ann_data_gen.py` `GenerateNegativePassaageID`) for every query:
 * take the query's top-`topK` hits, shuffle them (the code's default), walk them skipping the positive's key,
 * any passage whose text equals a positive's (false negatives, {@link MineNegativesOptions.dropEqualText}) and
 * keys already taken, and keep the first `count`. A query left with fewer than `count` is filled with random
 * passages of the corpus (seeded by `rng`, under the same exclusions) and counted in `stats.filled`.
 *
 * @param hits per query, its hits best first (`VectorIndex.search` output, or plain keys).
 * @param positives per query, its positive key(s).
 * @param texts the passage corpus: key k is `texts[k]`.
 * @throws RangeError when the lengths differ, a key is out of range, or the corpus has fewer than `count`
 *   passages a query could take as negatives.
 */
export function mineNegatives(
  hits: readonly (readonly SearchHit[] | ArrayLike<number>)[],
  positives: readonly QueryPositives[],
  texts: readonly string[],
  options: MineNegativesOptions,
): MinedNegatives {
  const { count, topK, rng, shuffle = true, dropEqualText = true } = options;
  checkCounts(count, topK);
  if (typeof rng?.shuffle !== 'function') throw new TypeError('mineNegatives: options.rng must be a seeded Rng (createRng(seed))');
  if (hits.length !== positives.length) throw new RangeError(`mineNegatives: ${hits.length} hit lists for ${positives.length} queries`);
  const size = texts.length;
  const groups = dropEqualText ? textGroups(texts) : null;
  const keys = new Int32Array(hits.length * count);
  const stats: MiningStats = {
    queries: hits.length,
    mined: 0,
    positiveHits: 0,
    falseNegatives: 0,
    duplicates: 0,
    filled: 0,
    queriesFilled: 0,
    positivesRetrieved: 0,
  };
  for (let q = 0; q < hits.length; q++) {
    const pos = positivesOf(positives[q]!, q, size);
    const posGroups = groups === null ? null : new Set(pos.map((k) => groups[k]!));
    const row = hits[q]!;
    const limit = Math.min(row.length, topK ?? row.length);
    const list: number[] = [];
    for (let i = 0; i < limit; i++) {
      const item = (row as ArrayLike<unknown>)[i];
      list.push(typeof item === 'number' ? item : (item as SearchHit).key);
    }
    if (list.some((k) => pos.includes(k))) stats.positivesRetrieved++;
    if (shuffle) rng.shuffle(list);
    const taken = new Set<number>();
    const out: number[] = [];
    // Which passages may be a negative of this query; `true` counts a false negative (equal text).
    const reject = (k: number): 'positive' | 'false-negative' | 'duplicate' | null => {
      if (pos.includes(k)) return 'positive';
      if (posGroups?.has(groups![k]!)) return 'false-negative';
      if (taken.has(k)) return 'duplicate';
      return null;
    };
    for (const k of list) {
      if (out.length === count) break;
      if (!Number.isInteger(k) || k < 0 || k >= size) throw new RangeError(`query ${q}: hit key ${k} is not a passage key in [0, ${size})`);
      const why = reject(k);
      if (why === 'positive') stats.positiveHits++;
      else if (why === 'false-negative') stats.falseNegatives++;
      else if (why === 'duplicate') stats.duplicates++;
      else {
        taken.add(k);
        out.push(k);
      }
    }
    stats.mined += out.length;
    if (out.length < count) {
      stats.queriesFilled++;
      stats.filled += count - out.length;
      fillRandom(out, count, size, rng, (k) => reject(k) === null, q, taken);
    }
    keys.set(out, q * count);
  }
  return { keys, count, stats };
}

/** Appends random eligible passages to `out` until it holds `count` (rejection sampling, then a scan). */
function fillRandom(out: number[], count: number, size: number, rng: Rng, ok: (k: number) => boolean, q: number, taken: Set<number>): void {
  const add = (k: number): void => {
    taken.add(k);
    out.push(k);
  };
  for (let tries = 0; out.length < count && tries < 20 * count; tries++) {
    const k = rng.int(size);
    if (ok(k)) add(k);
  }
  if (out.length === count) return;
  // Few eligible passages left: scan them in a random order (bounded by the corpus size).
  for (const k of rng.permutation(size)) {
    if (out.length === count) return;
    if (ok(k)) add(k);
  }
  throw new RangeError(
    `query ${q}: the corpus of ${size} passages has only ${out.length} that are neither a positive nor its text; need ${count} negatives (lower the negative count)`,
  );
}

/** Options of {@link bm25Negatives}: {@link MineNegativesOptions} plus the BM25 index. */
export interface Bm25NegativesOptions extends MineNegativesOptions {
  /** A BM25 index over the same `texts` (reused across calls); default: built here. */
  index?: Bm25Index;
  /** BM25 parameters of an index built here. */
  bm25?: Bm25Options;
}

/**
 * ANCE's warm start: negatives from BM25 instead of the dense index (the paper's "BM25 Warm Up"; the official
 * warm-up trains on BM25-retrieved negatives before the first ANN refresh). Each query's BM25 top-`topK`
 * (default 200, the scripts' `--topk_training`) goes through {@link mineNegatives} with the same filtering.
 * BM25 returns only passages sharing a term with the query, so short or rare queries may need the random fill.
 */
export function bm25Negatives(
  queries: readonly string[],
  positives: readonly QueryPositives[],
  texts: readonly string[],
  options: Bm25NegativesOptions,
): MinedNegatives {
  const { index, bm25, ...mine } = options;
  const topK = mine.topK ?? 200;
  checkCounts(mine.count, topK);
  if (queries.length !== positives.length)
    throw new RangeError(`bm25Negatives: ${queries.length} queries but ${positives.length} positive lists`);
  const engine = index ?? new Bm25Index(texts, bm25);
  const hits = queries.map((q) => engine.search(q, topK).map(([key]) => key));
  return mineNegatives(hits, positives, texts, { ...mine, topK });
}
