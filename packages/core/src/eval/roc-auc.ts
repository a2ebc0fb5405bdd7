/**
 * Area under the ROC curve of a binary classifier's scores: the probability that a random positive
 * scores above a random negative, with ties counted as half (the Mann–Whitney U statistic divided by
 * `n₊ · n₋`). Equals sklearn's `roc_auc_score(labels, scores)`, including its trapezoidal treatment of
 * tied scores; MoleculeNet and the molecular pre-training papers (GraphCL, JOAO, MoCL) report it on
 * scaffold-split test sets. O(n log n): one sort, average ranks over tie groups.
 *
 * @param scores score per item (higher = more likely positive); probabilities, logits or any monotone
 *   transform give the same value. Must be finite.
 * @param labels class per item, 0 (negative) or 1 (positive), same length as `scores`.
 * @returns the AUC in [0, 1]; 0.5 is chance.
 * @throws RangeError when the lengths differ, a score is not finite, a label is not 0/1, or one class is
 *   absent (the AUC is undefined then, as sklearn's "Only one class present in y_true").
 */
export function rocAuc(scores: ArrayLike<number>, labels: ArrayLike<number>): number {
  const n = scores.length;
  if (labels.length !== n) throw new RangeError(`rocAuc: scores has ${n} items but labels has ${labels.length}`);
  let positives = 0;
  for (let i = 0; i < n; i++) {
    const s = scores[i]!;
    if (!Number.isFinite(s)) throw new RangeError(`rocAuc: scores[${i}] is ${String(s)}; scores must be finite`);
    const y = labels[i]!;
    if (y !== 0 && y !== 1) throw new RangeError(`rocAuc: labels[${i}] is ${String(y)}; labels must be 0 or 1`);
    positives += y;
  }
  const negatives = n - positives;
  if (positives === 0 || negatives === 0) {
    throw new RangeError(
      `rocAuc: only one class present (${positives} positive, ${negatives} negative of ${n}); ROC-AUC needs both classes`,
    );
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[a]! - scores[b]!);
  // Sum of the positives' ranks (1-based), tie groups sharing their average rank: U = R₊ − n₊(n₊+1)/2.
  let rankSum = 0;
  for (let start = 0; start < n; ) {
    let end = start + 1;
    while (end < n && scores[order[end]!] === scores[order[start]!]) end++;
    const averageRank = (start + 1 + end) / 2;
    for (let k = start; k < end; k++) if (labels[order[k]!] === 1) rankSum += averageRank;
    start = end;
  }
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}
