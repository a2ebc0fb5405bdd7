/** The three sides of {@link scaffoldSplit}: item indices, each list in the order the sets were assigned. */
export interface ScaffoldSplit {
  train: Int32Array;
  valid: Int32Array;
  test: Int32Array;
}

/**
 * The MoleculeNet scaffold split, exactly as deepchem's `ScaffoldSplitter.split` (deepchem/splits/
 * splitters.py; OGB and the GraphCL/JOAO/MoCL code use the same loop):
 * 1. group the items by scaffold (e.g. `murckoScaffold`; the empty scaffold of acyclic molecules is
 *    one group like any other), each group's indices ascending;
 * 2. order the groups by size, largest first; groups of equal size by their first (smallest) index,
 *    **largest first** — deepchem sorts the key `(len, first index)` with `reverse=True`;
 * 3. with `trainCut = f_train·n` and `validCut = (f_train + f_valid)·n` (not rounded), walk the groups: a
 *    group goes to train if `|train| + |group| ≤ trainCut`, else to valid if
 *    `|train| + |valid| + |group| ≤ validCut`, else to test. Each group is tested on its own, so a small
 *    group can still join train after a large one went to valid or test.
 *
 * No seed: the split depends only on the scaffolds and their order (MoleculeNet reports every seed on
 * the same split). Whole scaffold groups stay on one side, so test molecules have scaffolds never seen in
 * training — the point of the split; the sides' sizes only approximate the fractions.
 *
 * @param scaffolds scaffold key per item (length n ≥ 1).
 * @param fractions `[train, valid, test]`, each in [0, 1], summing to 1 (±1e-6). Default `[0.8, 0.1, 0.1]`.
 */
export function scaffoldSplit(scaffolds: readonly string[], fractions: readonly [number, number, number] = [0.8, 0.1, 0.1]): ScaffoldSplit {
  if (fractions.length !== 3 || fractions.some((f) => !(f >= 0 && f <= 1)))
    throw new RangeError(`scaffoldSplit: fractions must be three numbers in [0, 1] (train, valid, test), got ${JSON.stringify(fractions)}`);
  const [fTrain, fValid, fTest] = fractions;
  if (Math.abs(fTrain + fValid + fTest - 1) > 1e-6)
    throw new RangeError(`scaffoldSplit: fractions must sum to 1, got ${JSON.stringify(fractions)} (sum ${fTrain + fValid + fTest})`);
  const n = scaffolds.length;
  if (n === 0) throw new RangeError('scaffoldSplit: no items to split');
  const groups = new Map<string, number[]>();
  scaffolds.forEach((s, i) => {
    if (typeof s !== 'string') throw new TypeError(`scaffoldSplit: scaffolds[${i}] must be a string, got ${typeof s}`);
    const g = groups.get(s);
    if (g) g.push(i);
    else groups.set(s, [i]);
  });
  const sets = [...groups.values()].sort((a, b) => b.length - a.length || b[0]! - a[0]!);
  const trainCut = fTrain * n;
  const validCut = (fTrain + fValid) * n;
  const train: number[] = [];
  const valid: number[] = [];
  const test: number[] = [];
  for (const set of sets) {
    if (train.length + set.length > trainCut) {
      if (train.length + valid.length + set.length > validCut) test.push(...set);
      else valid.push(...set);
    } else train.push(...set);
  }
  return { train: Int32Array.from(train), valid: Int32Array.from(valid), test: Int32Array.from(test) };
}
