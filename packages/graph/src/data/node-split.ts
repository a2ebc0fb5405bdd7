import { createRng } from '@contrastive/core';
import { GraphDataError } from './errors.js';

/** A semi-supervised node-classification split: node indices (ascending) of each part, disjoint. */
export interface NodeSplit {
  /** Labelled training nodes (their labels are the only ones a method sees). */
  train: Int32Array;
  /** Model-selection nodes (best-of-validation epoch). */
  validation: Int32Array;
  /** Scored nodes. */
  test: Int32Array;
}

/** Options of {@link planetoidSplit}; defaults are the Planetoid convention (Yang et al., 2016; Kipf & Welling, 2017). */
export interface PlanetoidSplitOptions {
  /** Training labels per class. Default 20 (capped per class, see {@link planetoidSplit}). */
  labelsPerClass?: number;
  /** Validation nodes. Default 500. */
  validation?: number;
  /** Test nodes, or `'all'` for every remaining labelled node. Default 1000. */
  test?: number | 'all';
}

/** What {@link planetoidSplit} returns: the split and the per-class training counts it used. */
export interface PlanetoidSplit extends NodeSplit {
  /** Training labels per class requested. */
  labelsPerClass: number;
  /** Classes that got fewer (half their nodes, at least 1), with their counts: `[class, count]` pairs. */
  capped: [number, number][];
}

const ascending = (xs: number[]): Int32Array => Int32Array.from(xs).sort();

/**
 * The Planetoid split, drawn with `seed`: `labelsPerClass` random training nodes per class, then
 * `validation` and `test` random nodes among the remaining labelled ones (the rest stay unused, as in
 * Planetoid's 140/500/1,000 of Cora). Nodes with a negative truth label are never drawn.
 *
 * Sane on any size: a class gets at most half of its nodes (at least 1), so every class keeps nodes to
 * validate and test on (the karate club's two 17-node factions get 8 each; `capped` lists them); when
 * fewer than `validation + test` nodes remain, validation takes a third of them (at most `validation`) and
 * test the rest (at most `test`). Throws a `GraphDataError` for fewer than two classes or no node left to
 * test. Deterministic for a seed.
 */
export function planetoidSplit(truth: Int32Array, seed: number, options: PlanetoidSplitOptions = {}): PlanetoidSplit {
  const perClassWanted = options.labelsPerClass ?? 20;
  const validationWanted = options.validation ?? 500;
  const testWanted = options.test ?? 1000;
  for (const [name, v, min] of [
    ['labelsPerClass', perClassWanted, 1],
    ['validation', validationWanted, 0],
  ] as const) {
    if (!Number.isInteger(v) || v < min) throw new RangeError(`${name} must be an integer >= ${min}, got ${String(v)}`);
  }
  if (testWanted !== 'all' && (!Number.isInteger(testWanted) || testWanted < 1))
    throw new RangeError(`test must be an integer >= 1 or 'all', got ${String(testWanted)}`);
  const byClass = new Map<number, number[]>();
  truth.forEach((y, i) => {
    if (y < 0) return;
    const list = byClass.get(y);
    if (list) list.push(i);
    else byClass.set(y, [i]);
  });
  if (byClass.size < 2)
    throw new GraphDataError('ECLASSES', `node classification needs labelled nodes of at least two classes, got ${byClass.size}`);
  const rng = createRng(seed);
  const train: number[] = [];
  const rest: number[] = [];
  const capped: [number, number][] = [];
  for (const c of [...byClass.keys()].sort((a, b) => a - b)) {
    const members = rng.shuffle(byClass.get(c)!);
    const k = Math.max(1, Math.min(perClassWanted, Math.floor(members.length / 2)));
    if (k < perClassWanted) capped.push([c, k]);
    train.push(...members.slice(0, k));
    rest.push(...members.slice(k));
  }
  const pool = rng.shuffle(rest);
  const tight = testWanted === 'all' || pool.length < validationWanted + testWanted;
  const validation = tight ? Math.min(validationWanted, Math.floor(pool.length / 3)) : validationWanted;
  const test = testWanted === 'all' ? pool.length - validation : Math.min(testWanted, pool.length - validation);
  if (test < 1)
    throw new GraphDataError(
      'ECLASSES',
      `no labelled node is left to test on after ${train.length} training and ${validation} validation nodes (${truth.length} nodes)`,
    );
  return {
    train: ascending(train),
    validation: ascending(pool.slice(0, validation)),
    test: ascending(pool.slice(validation, validation + test)),
    labelsPerClass: perClassWanted,
    capped,
  };
}

/** The training labels of a split: `truth` on `split.train`, −1 everywhere else. */
export function trainingLabels(truth: Int32Array, split: Pick<NodeSplit, 'train'>): Int32Array {
  const labels = new Int32Array(truth.length).fill(-1);
  for (const i of split.train) labels[i] = truth[i]!;
  return labels;
}
