import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { scaffoldSplit } from './scaffold-split.js';

interface SplitCase {
  fractions: [number, number, number];
  train: number[];
  valid: number[];
  test: number[];
}
/** Written by tools/reference/graph_scaffold.py (deepchem's ScaffoldSplitter loop on RDKit's scaffolds). */
const fixture = JSON.parse(readFileSync(new URL('../__fixtures__/scaffold_chembl2321810.json', import.meta.url), 'utf8')) as {
  molecules: { scaffold: string }[];
  split: SplitCase;
  split721: SplitCase;
};

describe('scaffoldSplit', () => {
  it.each([
    ['0.8/0.1/0.1', fixture.split],
    ['0.7/0.2/0.1', fixture.split721],
  ] as const)("matches deepchem's ScaffoldSplitter on ChEMBL2321810 (%s), index order included", (_name, c) => {
    const split = scaffoldSplit(
      fixture.molecules.map((m) => m.scaffold),
      c.fractions,
    );
    expect(Array.from(split.train)).toEqual(c.train);
    expect(Array.from(split.valid)).toEqual(c.valid);
    expect(Array.from(split.test)).toEqual(c.test);
  });

  it('orders groups by size, then by first index largest first, and tests each group on its own', () => {
    // Groups: a {0,1,2,3} (4), b {4,5} (2, first 4), c {6,7} (2, first 6), d {8} (1), e {9} (1).
    // n = 10: train cut 8, valid cut 9. Order a, c, b, e, d (equal sizes: the larger first index first).
    // a → train (4); c → train (6); b → train (8 ≤ 8); e: 9 > 8, 8+0+1 = 9 ≤ 9 → valid; d: 8+1+1 = 10 > 9 → test.
    const keys = ['a', 'a', 'a', 'a', 'b', 'b', 'c', 'c', 'd', 'e'];
    const split = scaffoldSplit(keys);
    expect(Array.from(split.train)).toEqual([0, 1, 2, 3, 6, 7, 4, 5]);
    expect(Array.from(split.valid)).toEqual([9]);
    expect(Array.from(split.test)).toEqual([8]);
    // A small group joins train after a larger one could not: cut 5 with fractions 0.5/0.3/0.2.
    const later = scaffoldSplit(['x', 'x', 'x', 'x', 'y', 'y', 'z', 'w', 'w', 'w'], [0.5, 0.3, 0.2]);
    // x (4) → train; w (3): 7 > 5 → valid (7 ≤ 8); y (2): 6 > 5, 4+3+2 = 9 > 8 → test; z (1): 5 ≤ 5 → train.
    expect(Array.from(later.train)).toEqual([0, 1, 2, 3, 6]);
    expect(Array.from(later.valid)).toEqual([7, 8, 9]);
    expect(Array.from(later.test)).toEqual([4, 5]);
  });

  it('keeps every scaffold on one side and covers every item once', () => {
    const keys = fixture.molecules.map((m) => m.scaffold);
    const { train, valid, test } = scaffoldSplit(keys);
    const all = [...train, ...valid, ...test].sort((a, b) => a - b);
    expect(all).toEqual(keys.map((_, i) => i));
    const side = new Map<string, string>();
    for (const [name, idx] of [
      ['train', train],
      ['valid', valid],
      ['test', test],
    ] as const) {
      for (const i of idx) {
        expect(side.get(keys[i]!) ?? name).toBe(name);
        side.set(keys[i]!, name);
      }
    }
  });

  it('rejects bad fractions and empty input with the values', () => {
    expect(() => scaffoldSplit(['a'], [0.8, 0.1, 0.2])).toThrow(/must sum to 1, got \[0\.8,0\.1,0\.2\]/);
    expect(() => scaffoldSplit(['a'], [1.2, -0.1, -0.1])).toThrow(/three numbers in \[0, 1\]/);
    expect(() => scaffoldSplit([])).toThrow(/no items/);
  });
});
