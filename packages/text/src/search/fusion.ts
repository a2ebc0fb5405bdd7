/**
 * Rank fusion: several ranked lists of the same documents (BM25's, a dense index's) combined into one.
 * Browser-safe pure functions over {@link SearchHit} lists (`{key, score}`, best first).
 */
import type { SearchHit } from '../vector-index/vector-index.js';

/** Options of {@link reciprocalRankFusion}. */
export interface RrfOptions {
  /**
   * The constant `k` of `1/(k + rank)`. Default 60 (Cormack et al. 2009, chosen on TREC runs and used by most
   * search engines since): it damps the difference between rank 1 and rank 2 so that one list cannot dominate.
   */
  k?: number;
  /** One non-negative weight per list. Default 1 each (the paper's unweighted RRF). */
  weights?: readonly number[];
  /** Keep the best `limit` fused hits. Default: all. */
  limit?: number;
}

/** Options of {@link weightedScoreFusion}. */
export interface WeightedFusionOptions {
  /** One non-negative weight per list. Default 1 each (only ratios matter for the order). */
  weights?: readonly number[];
  /**
   * Per-list normalisation of the scores before they are weighted and summed (scores of BM25 and of a cosine
   * are on unrelated scales). Default `'min-max'`.
   *
   * - `'min-max'`: `(s − min) / (max − min)` over the list's hits, so the list's best hit is 1 and its worst 0;
   *   a list whose hits all score the same (e.g. one hit) gives each hit 1.
   * - `'z-score'`: `(s − mean) / std` (population std) over the list's hits; a list whose hits all score the same
   *   gives each hit 0.
   */
  normalize?: 'min-max' | 'z-score';
  /** Keep the best `limit` fused hits. Default: all. */
  limit?: number;
}

function checkLists(fn: string, lists: readonly (readonly SearchHit[])[], weights: readonly number[] | undefined): number[] {
  const w = weights ? [...weights] : lists.map(() => 1);
  if (w.length !== lists.length) throw new RangeError(`${fn}: ${w.length} weights for ${lists.length} lists`);
  w.forEach((x, i) => {
    if (!Number.isFinite(x) || x < 0) throw new RangeError(`${fn}: weights[${i}] must be a finite number >= 0, got ${x}`);
  });
  lists.forEach((list, i) =>
    list.forEach((h, j) => {
      if (!Number.isFinite(h.score)) throw new RangeError(`${fn}: list ${i} hit ${j} (key ${h.key}) has a non-finite score ${h.score}`);
    }),
  );
  return w;
}

function checkLimit(fn: string, limit: number | undefined): void {
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 1))
    throw new RangeError(`${fn}: limit must be a positive integer, got ${limit}`);
}

/** Sorted best first: higher score, then the smaller key (so equal scores always come out in the same order). */
function sortHits(scores: Map<number, number>, limit: number | undefined): SearchHit[] {
  const out = [...scores].map(([key, score]) => ({ key, score }));
  out.sort((a, b) => b.score - a.score || a.key - b.key);
  return limit === undefined ? out : out.slice(0, limit);
}

/**
 * Reciprocal rank fusion (Cormack, Clarke & Büttcher, SIGIR 2009): `score(d) = Σ_i w_i / (k + rank_i(d))`, where
 * `rank_i(d)` is the 1-based position of `d` in list `i` (lists are best first; their scores are not used). A
 * document missing from a list gets nothing from it; a key repeated within a list counts at its first (best)
 * position. Ties are broken by the smaller key.
 *
 * @example reciprocalRankFusion([[{key: 1, score: 9}, {key: 2, score: 5}], [{key: 2, score: 0.9}]])
 * // → [{key: 2, score: 1/62 + 1/61}, {key: 1, score: 1/61}]
 */
export function reciprocalRankFusion(lists: readonly (readonly SearchHit[])[], options: RrfOptions = {}): SearchHit[] {
  const { k = 60, limit } = options;
  if (!Number.isFinite(k) || k < 0) throw new RangeError(`reciprocalRankFusion: k must be a finite number >= 0, got ${k}`);
  checkLimit('reciprocalRankFusion', limit);
  const w = checkLists('reciprocalRankFusion', lists, options.weights);
  const scores = new Map<number, number>();
  lists.forEach((list, i) => {
    const seen = new Set<number>();
    list.forEach((h, r) => {
      if (seen.has(h.key)) return;
      seen.add(h.key);
      scores.set(h.key, (scores.get(h.key) ?? 0) + w[i]! / (k + r + 1));
    });
  });
  return sortHits(scores, limit);
}

/** Each hit's normalised score, and what a document missing from the list gets. */
function normalizeList(list: readonly SearchHit[], how: 'min-max' | 'z-score'): { norm: Map<number, number>; missing: number } {
  const norm = new Map<number, number>();
  if (list.length === 0) return { norm, missing: 0 };
  const first = new Map<number, number>();
  for (const h of list) if (!first.has(h.key)) first.set(h.key, h.score);
  const s = [...first.values()];
  if (how === 'min-max') {
    let lo = Number.POSITIVE_INFINITY;
    let hi = Number.NEGATIVE_INFINITY;
    for (const v of s) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
    for (const [key, v] of first) norm.set(key, hi > lo ? (v - lo) / (hi - lo) : 1);
    // Missing documents score below every hit: 0 is the list's minimum, or below it when all hits tie at 1.
    return { norm, missing: 0 };
  }
  const mean = s.reduce((a, b) => a + b, 0) / s.length;
  const std = Math.sqrt(s.reduce((a, b) => a + (b - mean) ** 2, 0) / s.length);
  let min = Number.POSITIVE_INFINITY;
  for (const [key, v] of first) {
    const z = std > 0 ? (v - mean) / std : 0;
    norm.set(key, z);
    min = Math.min(min, z);
  }
  // With all hits tied (z = 0), a missing document is one standard unit below them.
  return { norm, missing: std > 0 ? min : -1 };
}

/**
 * Weighted score fusion (the "convex combination" of Bruch et al., TOIS 2023): each list's scores are normalised
 * per query (see {@link WeightedFusionOptions.normalize}), then `score(d) = Σ_i w_i · norm_i(d)`. A document
 * missing from a list gets that list's **minimum** normalised score — 0 with min-max, the smallest z with z-score
 * (one below the hits' 0 when they all tie) — since it ranked below everything the list returned. An empty list
 * contributes 0 to every document. A key repeated within a list counts at its first position. Ties are broken by
 * the smaller key.
 */
export function weightedScoreFusion(lists: readonly (readonly SearchHit[])[], options: WeightedFusionOptions = {}): SearchHit[] {
  const { normalize = 'min-max', limit } = options;
  if (normalize !== 'min-max' && normalize !== 'z-score') {
    throw new RangeError(`weightedScoreFusion: normalize must be 'min-max' or 'z-score', got ${String(normalize)}`);
  }
  checkLimit('weightedScoreFusion', limit);
  const w = checkLists('weightedScoreFusion', lists, options.weights);
  const normalised = lists.map((l) => normalizeList(l, normalize));
  const keys = new Set<number>();
  for (const l of lists) for (const h of l) keys.add(h.key);
  const scores = new Map<number, number>();
  for (const key of keys) {
    let s = 0;
    normalised.forEach(({ norm, missing }, i) => {
      s += w[i]! * (norm.get(key) ?? missing);
    });
    scores.set(key, s);
  }
  return sortHits(scores, limit);
}
