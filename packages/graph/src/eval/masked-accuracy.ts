/** Accuracy of `pred` against `truth` over the nodes where `mask[i]` is true (0 when the mask is empty). */
export function maskedAccuracy(pred: Int32Array, truth: ArrayLike<number>, mask: ArrayLike<boolean | number>): number {
  let hit = 0;
  let n = 0;
  for (let i = 0; i < pred.length; i++) {
    if (!mask[i]) continue;
    n++;
    if (pred[i] === truth[i]) hit++;
  }
  return n === 0 ? 0 : hit / n;
}
