/**
 * Long-tailed training sets built from a balanced labelled one (the CIFAR-LT / ImageNet-LT protocol of Cao et
 * al. 2019 and PaCo): class c keeps n_c = round(n_max · ρ^(−c/(C−1))) examples, drawn by a seed. Pure: labels in,
 * indices out (browser-safe; the CLI reads the images).
 */
import { createRng } from '@contrastive/core';

/** Options of {@link longTailCounts} and {@link longTailIndices}. */
export interface LongTailOptions {
  /** Imbalance ratio ρ = n_max / n_min, at least 1 (ρ = 1: balanced). */
  ratio: number;
  /** Examples of the largest class (class 0). Default: the smallest class size in the source, so every class can supply its share. */
  nMax?: number;
  /** Seed of the selection (which examples each class keeps). Default 0. */
  seed?: number;
}

/** A long-tailed subset: the kept indices (ascending) and the per-class counts. */
export interface LongTailSubset {
  /** Indices into the source, ascending. */
  indices: Int32Array;
  /** Kept examples per class `[C]` (class 0 is the head). */
  counts: number[];
  /** The class groups of {@link classGroups}. */
  groups: ClassGroups;
}

/** Head / medium / tail classes by index. */
export interface ClassGroups {
  head: number[];
  medium: number[];
  tail: number[];
}

/** A bad ratio, missing labels or an empty class: `field` names what was wrong (`ratio`, `labels`, `class`). */
export class LongTailError extends Error {
  constructor(
    message: string,
    readonly field: 'ratio' | 'labels' | 'class' | 'nMax',
  ) {
    super(message);
    this.name = 'LongTailError';
  }
}

function checkRatio(ratio: number): void {
  if (typeof ratio !== 'number' || !Number.isFinite(ratio) || ratio < 1) {
    throw new LongTailError(`long-tail ratio must be a finite number >= 1 (n_max / n_min), got ${String(ratio)}`, 'ratio');
  }
}

/**
 * The exponential profile n_c = round(n_max · ρ^(−c/(C−1))), c = 0 … C−1 (at least 1 each). With n_max = 6000,
 * ρ = 100 and C = 10 (Fashion-MNIST-LT): 6000, 3597, 2156, 1293, 775, 465, 278, 167, 100, 60 — 14,891 in all.
 */
export function longTailCounts(numClasses: number, nMax: number, ratio: number): number[] {
  checkRatio(ratio);
  if (!Number.isInteger(numClasses) || numClasses < 1)
    throw new LongTailError(`numClasses must be a positive integer, got ${numClasses}`, 'class');
  if (!Number.isInteger(nMax) || nMax < 1) throw new LongTailError(`nMax must be a positive integer, got ${nMax}`, 'nMax');
  if (numClasses === 1) return [nMax];
  return Array.from({ length: numClasses }, (_, c) => Math.max(1, Math.round(nMax * ratio ** (-c / (numClasses - 1)))));
}

/**
 * Head / medium / tail groups of C classes ordered from most to fewest training examples (class 0 first, as the
 * profile): the first round(0.3·C) are head, the last round(0.3·C) tail, the rest medium — 3 / 4 / 3 for 10
 * classes (the split), 1 / 1 / 1 for 3, 1 / 0 / 1 for 2; a single class is head.
 */
export function classGroups(numClasses: number): ClassGroups {
  const k = numClasses < 2 ? 0 : Math.max(1, Math.round(0.3 * numClasses));
  const all = Array.from({ length: numClasses }, (_, c) => c);
  if (numClasses < 2) return { head: all, medium: [], tail: [] };
  return { head: all.slice(0, k), medium: all.slice(k, numClasses - k), tail: all.slice(numClasses - k) };
}

/**
 * Picks a long-tailed subset of a labelled dataset: labels `[N]` with classes 0 … C−1 (C = max label + 1), each
 * class c keeping n_c of its examples drawn without replacement by `seed`. Errors ({@link LongTailError}): labels
 * missing (`null`) or empty, a negative or non-integer label, a class in 0 … C−1 with no example, ρ < 1, an
 * `nMax` above a class's size.
 */
export function longTailIndices(labels: ArrayLike<number> | null | undefined, options: LongTailOptions): LongTailSubset {
  checkRatio(options.ratio);
  if (labels === null || labels === undefined)
    throw new LongTailError('a long-tailed set needs class labels, and the data has none', 'labels');
  if (labels.length === 0) throw new LongTailError('a long-tailed set needs labelled examples, and the data is empty', 'labels');
  let numClasses = 0;
  for (let i = 0; i < labels.length; i++) {
    const y = labels[i]!;
    if (!Number.isInteger(y) || y < 0) throw new LongTailError(`label ${i} is ${y}: labels must be integers >= 0`, 'labels');
    numClasses = Math.max(numClasses, y + 1);
  }
  const byClass: number[][] = Array.from({ length: numClasses }, () => []);
  for (let i = 0; i < labels.length; i++) byClass[labels[i]!]!.push(i);
  const empty = byClass.findIndex((m) => m.length === 0);
  if (empty >= 0) {
    throw new LongTailError(`class ${empty} has no example (labels run 0 … ${numClasses - 1}); every class needs at least one`, 'class');
  }
  const smallest = Math.min(...byClass.map((m) => m.length));
  const nMax = options.nMax ?? smallest;
  if (nMax > smallest) throw new LongTailError(`nMax ${nMax} is above the smallest class's ${smallest} examples`, 'nMax');
  const counts = longTailCounts(numClasses, nMax, options.ratio);
  const rng = createRng(options.seed ?? 0);
  const kept: number[] = [];
  byClass.forEach((members, c) => {
    const order = rng.permutation(members.length);
    for (let j = 0; j < counts[c]!; j++) kept.push(members[order[j]!]!);
  });
  kept.sort((a, b) => a - b);
  return { indices: Int32Array.from(kept), counts, groups: classGroups(numClasses) };
}
