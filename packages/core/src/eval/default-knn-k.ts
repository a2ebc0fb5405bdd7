/**
 * The default k of the kNN evaluation, chosen from the training labels (pure: browser-safe).
 *
 * Why not always the customary k = 200 (Wu et al. 2018, used by InstDisc/MoCo on ImageNet's ~1,300 images per
 * class): a query's own class can contribute at most as many neighbours as it has members, so once k exceeds
 * the class size, the remaining votes must come from other classes and can outvote it. With ~130 images per
 * class, k = 200 caps the kNN accuracy well below what the embedding supports. So the default is capped by
 * the smallest class.
 */
/**
 * `min(preferred, size of the smallest class present in trainLabels, n − 1)`, at least 1.
 *
 * @param trainLabels the labels of the kNN memory (the training set), integers.
 * @param preferred the k to use when every class is large enough. Default 200.
 * @throws Error when `trainLabels` is empty or holds a non-integer.
 */
export function defaultKnnK(trainLabels: ArrayLike<number>, preferred = 200): number {
  const n = trainLabels.length;
  if (n === 0) throw new Error('defaultKnnK: no training labels (the kNN memory is empty)');
  const counts = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    const y = trainLabels[i]!;
    if (!Number.isInteger(y)) throw new Error(`defaultKnnK: label ${i} is ${y}, expected an integer class index`);
    counts.set(y, (counts.get(y) ?? 0) + 1);
  }
  const smallestClass = Math.min(...counts.values());
  return Math.max(1, Math.min(preferred, smallestClass, n - 1));
}
