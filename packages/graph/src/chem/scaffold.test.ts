import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { GraphDataError } from '../data/errors.js';
import type { RDKit } from './rdkit.js';
import { loadRDKit } from './load-rdkit.js';
import { murckoScaffold, scaffoldAtoms } from './scaffold.js';

/** Written by tools/reference/graph_scaffold.py (Python RDKit's MurckoScaffoldSmiles, includeChirality=False). */
interface ScaffoldFixture {
  rdkitVersion: string;
  molecules: { smiles: string; scaffold: string }[];
  edgeCases: { smiles: string; scaffold: string }[];
}
const fixture = JSON.parse(
  readFileSync(new URL('../__fixtures__/scaffold_chembl2321810.json', import.meta.url), 'utf8'),
) as ScaffoldFixture;

let R: RDKit;
beforeAll(async () => {
  R = await loadRDKit();
});

/** Item → group id, numbered by first appearance: equal arrays ⇔ the same partition of the items. */
function partition(keys: readonly string[]): number[] {
  const ids = new Map<string, number>();
  return keys.map((k) => {
    if (!ids.has(k)) ids.set(k, ids.size);
    return ids.get(k)!;
  });
}

describe('murckoScaffold', () => {
  it("groups the 1,017 ChEMBL2321810 molecules exactly as Python RDKit's MurckoScaffoldSmiles", () => {
    const ours = fixture.molecules.map((m) => murckoScaffold(R, m.smiles));
    const theirs = fixture.molecules.map((m) => m.scaffold);
    expect(partition(ours)).toEqual(partition(theirs));
    expect(new Set(ours).size).toBe(278);
    // RDKit.js 2026.09 and Python RDKit 2022.09 canonicalise these scaffolds alike: all 1,017 strings are equal.
    expect(ours.filter((s, i) => s === theirs[i]).length).toBe(fixture.molecules.length);
  });

  it.each(fixture.edgeCases.map((c) => [c.smiles, c.scaffold] as const))('%s → %s (as Python RDKit)', (smiles, scaffold) => {
    expect(murckoScaffold(R, smiles)).toBe(scaffold);
  });

  it('names the input of an unparsable SMILES', () => {
    expect(() => murckoScaffold(R, 'C1CC(', 'mols.csv:9')).toThrow(GraphDataError);
    expect(() => murckoScaffold(R, 'C1CC(', 'mols.csv:9')).toThrow(/mols\.csv:9: cannot parse SMILES 'C1CC\('/);
    expect(() => murckoScaffold(R, '  ')).toThrow(/cannot parse/);
    expect(() => murckoScaffold(R, `c1ccccc1${'C'.repeat(600)}`, 'big.smi:1')).toThrow(/big\.smi:1: SMILES writes 606 atoms, over the 500/);
  });
});

describe('scaffoldAtoms', () => {
  it('keeps rings, the linker between them and double-bonded atoms one deep; prunes side chains', () => {
    // 0-1-2 ring A (ring atoms given), 3 linker, 4=5 exocyclic double bond on the linker, 6-7 side chain,
    // 8-9-10 ring B, 11 a lone atom of another fragment.
    const bonds = [
      { atoms: [0, 1] as const },
      { atoms: [1, 2] as const },
      { atoms: [2, 0] as const },
      { atoms: [2, 3] as const },
      { atoms: [3, 4] as const, bo: 2 },
      { atoms: [4, 12] as const },
      { atoms: [0, 6] as const },
      { atoms: [6, 7] as const },
      { atoms: [3, 8] as const },
      { atoms: [8, 9] as const },
      { atoms: [9, 10] as const },
      { atoms: [10, 8] as const },
    ];
    const rings = new Set([0, 1, 2, 8, 9, 10]);
    expect([...scaffoldAtoms(13, bonds, rings)].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 8, 9, 10]);
  });
});
