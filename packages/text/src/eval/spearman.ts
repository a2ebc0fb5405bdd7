/** Ranks 1..n with ties given their average rank (as `scipy.stats.rankdata`). */
export function averageRanks(x: ArrayLike<number>): Float64Array {
  const n = x.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => x[a]! - x[b]!);
  const r = new Float64Array(n);
  for (let i = 0; i < n; ) {
    let j = i;
    while (j + 1 < n && x[order[j + 1]!] === x[order[i]!]) j++;
    const avg = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) r[order[k]!] = avg;
    i = j + 1;
  }
  return r;
}

/**
 * Spearman's ρ: the Pearson correlation of the average ranks (SentEval's STS metric). NaN if a side is constant
 * (ρ is undefined there: `parseStsPairs` refuses constant gold scores, and a CLI refuses to report a NaN).
 * A NaN or ±Infinity input is a RangeError naming its index (its rank would be arbitrary).
 */
export function spearman(x: ArrayLike<number>, y: ArrayLike<number>): number {
  if (x.length !== y.length) throw new RangeError(`spearman: x and y must have the same length, got ${x.length} and ${y.length}`);
  if (x.length < 2) throw new RangeError(`spearman needs at least 2 pairs, got ${x.length}`);
  for (const [side, v] of [['x', x] as const, ['y', y] as const]) {
    for (let i = 0; i < v.length; i++)
      if (!Number.isFinite(v[i]!))
        throw new RangeError(`spearman: ${side}[${i}] is ${String(v[i])}; ranks of non-finite values are undefined`);
  }
  const rx = averageRanks(x);
  const ry = averageRanks(y);
  const n = x.length;
  const mx = rx.reduce((a, b) => a + b, 0) / n;
  const my = ry.reduce((a, b) => a + b, 0) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (rx[i]! - mx) * (ry[i]! - my);
    sxx += (rx[i]! - mx) ** 2;
    syy += (ry[i]! - my) ** 2;
  }
  return sxy / Math.sqrt(sxx * syy);
}
