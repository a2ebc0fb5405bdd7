import type { SearchHit } from './vector-index.js';

/**
 * Recall@k of approximate results against exact ones: the share of the exact top-`k` keys of each query that the
 * approximate top-`k` also returns, averaged over all queries (what ANN benchmarks call recall@k). A query whose
 * exact list is shorter than `k` (a small index) counts only the keys it has. 1 when there are no queries.
 */
export function recallAtK(approx: readonly (readonly SearchHit[])[], exact: readonly (readonly SearchHit[])[], k: number): number {
  if (approx.length !== exact.length)
    throw new RangeError(`recallAtK: ${approx.length} approximate result lists for ${exact.length} queries`);
  if (!Number.isInteger(k) || k < 1) throw new RangeError(`recallAtK: k must be a positive integer, got ${k}`);
  let found = 0;
  let wanted = 0;
  exact.forEach((truth, q) => {
    const want = new Set(truth.slice(0, k).map((h) => h.key));
    wanted += want.size;
    for (const h of approx[q]!.slice(0, k)) if (want.has(h.key)) found++;
  });
  return wanted === 0 ? 1 : found / wanted;
}
