import { createRng } from '../random/rng.js';

/** The two sides of {@link stratifiedSplit}: item indices, each sorted ascending. */
export interface StratifiedSplit {
  train: Int32Array;
  test: Int32Array;
}

/**
 * A seeded, stratified hold-out split for scoring on a labeled set that has no test split of its own (an
 * image folder): in every class, `round(fraction · n_c)` of its items, drawn by a seeded shuffle, go to
 * `test` — at least one when the class has two or more items, none when it has one — and the rest to
 * `train`. Per-class rounding as sklearn's `train_test_split(stratify=y)` up to its tie handling; the same
 * labels, fraction and seed always give the same split.
 *
 * @param labels class index per item (integers ≥ 0), length n.
 * @param fraction share of every class held out, in (0, 1).
 * @param seed seed of the per-class shuffles. Default `0`.
 */
export function stratifiedSplit(labels: ArrayLike<number>, fraction: number, seed = 0): StratifiedSplit {
  if (!(fraction > 0 && fraction < 1)) throw new RangeError(`fraction must be in (0, 1), got ${String(fraction)}`);
  if (!Number.isFinite(seed)) throw new RangeError(`seed must be a finite number, got ${String(seed)}`);
  const byClass = new Map<number, number[]>();
  for (let i = 0; i < labels.length; i++) {
    const y = labels[i]!;
    if (!Number.isInteger(y) || y < 0) throw new RangeError(`labels[${i}] must be an integer >= 0, got ${String(y)}`);
    const members = byClass.get(y);
    if (members) members.push(i);
    else byClass.set(y, [i]);
  }
  const rng = createRng(seed);
  const train: number[] = [];
  const test: number[] = [];
  for (const y of [...byClass.keys()].sort((a, b) => a - b)) {
    const members = byClass.get(y)!;
    const order = rng.permutation(members.length);
    const held = members.length < 2 ? 0 : Math.min(members.length - 1, Math.max(1, Math.round(fraction * members.length)));
    order.forEach((k, j) => (j < held ? test : train).push(members[k]!));
  }
  const sorted = (a: number[]) => Int32Array.from(a).sort();
  return { train: sorted(train), test: sorted(test) };
}
