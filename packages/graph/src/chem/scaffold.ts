import { GraphDataError } from '../data/errors.js';
import { countSmilesAtoms, MAX_SMILES_ATOMS } from './featurize.js';
import type { RDKit } from './rdkit.js';

/** The parts of RDKit's JSON (`get_json`, kekulé bond orders) that the scaffold reads. */
interface ScaffoldJson {
  molecules: {
    atoms: unknown[];
    bonds?: { atoms: [number, number]; bo?: number }[];
    extensions?: { name: string; atomRings?: number[][] }[];
  }[];
}

/**
 * The atoms of the Bemis–Murcko scaffold (indices into RDKit's atom order), as RDKit's `MurckoDecompose`
 * (behind `MurckoScaffold.MurckoScaffoldSmiles`) keeps them:
 * 1. every ring atom;
 * 2. every linker atom — a non-ring atom on a path between two ring atoms. RDKit marks the atoms on the
 *    shortest path between the first atoms of every pair of rings; outside rings a molecule is a forest,
 *    so that is the same set as what remains after repeatedly pruning non-ring atoms with at most one
 *    remaining neighbour (side chains, and whole acyclic fragments of a salt), which is what this does;
 * 3. every other atom bonded by a double bond to an atom of 1–2 (exocyclic and linker `=O`, `=N`, `=C`,
 *    one atom deep: the `=O` of a ring ketone and both `=O` of a sulfonyl linker stay, as in RDKit).
 */
export function scaffoldAtoms(
  numAtoms: number,
  bonds: readonly { atoms: readonly [number, number]; bo?: number }[],
  ringAtoms: ReadonlySet<number>,
): Set<number> {
  const neighbours: number[][] = Array.from({ length: numAtoms }, () => []);
  for (const {
    atoms: [u, v],
  } of bonds) {
    neighbours[u]!.push(v);
    neighbours[v]!.push(u);
  }
  const alive = new Uint8Array(numAtoms).fill(1);
  const degree = Int32Array.from(neighbours, (nb) => nb.length);
  const queue: number[] = [];
  for (let a = 0; a < numAtoms; a++) if (!ringAtoms.has(a) && degree[a]! <= 1) queue.push(a);
  while (queue.length > 0) {
    const a = queue.pop()!;
    if (!alive[a]) continue;
    alive[a] = 0;
    for (const b of neighbours[a]!) {
      if (!alive[b]) continue;
      degree[b]! -= 1;
      if (!ringAtoms.has(b) && degree[b]! <= 1) queue.push(b);
    }
  }
  const core = new Set<number>();
  for (let a = 0; a < numAtoms; a++) if (alive[a]) core.add(a);
  const keep = new Set(core);
  for (const {
    atoms: [u, v],
    bo,
  } of bonds) {
    if (bo !== 2) continue;
    if (core.has(u) && !core.has(v)) keep.add(v);
    if (core.has(v) && !core.has(u)) keep.add(u);
  }
  return keep;
}

/**
 * Rewrites RDKit's V3000 molblock of a molecule to hold only the atoms in `keep` (renumbered, in their
 * order) and the bonds between them. Stereo flags are dropped (the scaffold is written without chirality)
 * and so is a fixed valence (`VAL=`) on an atom that lost a neighbour, so RDKit recomputes its hydrogens —
 * as `MurckoDecompose` re-enables implicit hydrogens on the atoms it cuts from (an aromatic `n` that
 * loses its substituent becomes `[nH]` through the kekulé valence).
 */
function subsetMolblock(molblock: string, keep: ReadonlySet<number>, lostNeighbour: ReadonlySet<number>): string {
  const lines = molblock.split('\n');
  const newIndex = new Map<number, number>();
  const atoms: string[] = [];
  const bonds: string[] = [];
  let section = '';
  for (const line of lines) {
    if (!line.startsWith('M  V30 ')) continue;
    const body = line.slice(7).trim();
    if (body.startsWith('BEGIN ') || body.startsWith('END ')) {
      section = body.startsWith('BEGIN ') ? body.slice(6) : '';
      continue;
    }
    const fields = body.split(/\s+/);
    if (section === 'ATOM') {
      const old = Number(fields[0]) - 1;
      if (!keep.has(old)) continue;
      newIndex.set(old, atoms.length + 1);
      const props = fields.slice(6).filter((p) => !p.startsWith('CFG=') && !(p.startsWith('VAL=') && lostNeighbour.has(old)));
      atoms.push(`M  V30 ${atoms.length + 1} ${fields[1]} 0 0 0 0${props.length ? ` ${props.join(' ')}` : ''}`);
    } else if (section === 'BOND') {
      const a = newIndex.get(Number(fields[2]) - 1);
      const b = newIndex.get(Number(fields[3]) - 1);
      if (a === undefined || b === undefined) continue;
      bonds.push(`M  V30 ${bonds.length + 1} ${fields[1]} ${a} ${b}`);
    }
  }
  return [
    '',
    '     scaffold',
    '',
    '  0  0  0  0  0  0  0  0  0  0999 V3000',
    'M  V30 BEGIN CTAB',
    `M  V30 COUNTS ${atoms.length} ${bonds.length} 0 0 0`,
    'M  V30 BEGIN ATOM',
    ...atoms,
    'M  V30 END ATOM',
    ...(bonds.length ? ['M  V30 BEGIN BOND', ...bonds, 'M  V30 END BOND'] : []),
    'M  V30 END CTAB',
    'M  END',
  ].join('\n');
}

/**
 * The Bemis–Murcko scaffold of a molecule as a canonical SMILES without stereochemistry: what
 * `rdkit.Chem.Scaffolds.MurckoScaffold.MurckoScaffoldSmiles(mol=…, includeChirality=False)` returns
 * (deepchem's and OGB's scaffold key for the MoleculeNet scaffold split). RDKit.js has no Murcko
 * function, so the atoms are chosen here ({@link scaffoldAtoms}) and RDKit.js canonicalises the kept
 * substructure (a V3000 molblock of the kept atoms, kekulé bond orders, re-read and written as
 * non-isomeric canonical SMILES). An acyclic molecule has the empty scaffold `''`.
 *
 * Checked against Python RDKit 2022.09 on the 1,017 ChEMBL2321810 molecules (test fixture
 * `__fixtures__/scaffold_chembl2321810.json`): the same grouping of the molecules; strings equal where
 * the two RDKit versions' canonical atom orders agree.
 *
 * @param rdkit the loaded RDKit module. @param smiles the molecule.
 * @param where names the input in errors (e.g. `file.csv:12`). Default `'SMILES'`.
 * @throws GraphDataError (`EBADROW`) when RDKit cannot parse the SMILES or the scaffold; (`ETOOLARGE`) when the
 *   SMILES writes more than {@link MAX_SMILES_ATOMS} atoms (RDKit's WebAssembly build crashes on very long chains).
 */
export function murckoScaffold(rdkit: RDKit, smiles: string, where = 'SMILES'): string {
  const atoms = countSmilesAtoms(smiles);
  if (atoms > MAX_SMILES_ATOMS)
    throw new GraphDataError('ETOOLARGE', `${where}: SMILES writes ${atoms} atoms, over the ${MAX_SMILES_ATOMS} handed to RDKit`, {
      file: where,
    });
  const mol = smiles.trim() === '' ? null : rdkit.get_mol(smiles);
  if (!mol?.is_valid()) {
    mol?.delete();
    throw new GraphDataError('EBADROW', `${where}: cannot parse SMILES '${smiles}'`, { file: where });
  }
  let json: ScaffoldJson;
  let molblock: string;
  try {
    json = JSON.parse(mol.get_json()) as ScaffoldJson;
    molblock = mol.get_v3Kmolblock();
  } finally {
    mol.delete();
  }
  const m = json.molecules[0]!;
  const bonds = m.bonds ?? [];
  const ringAtoms = new Set<number>();
  for (const ext of m.extensions ?? []) for (const ring of ext.atomRings ?? []) for (const a of ring) ringAtoms.add(a);
  if (ringAtoms.size === 0) return '';
  const keep = scaffoldAtoms(m.atoms.length, bonds, ringAtoms);
  const lostNeighbour = new Set<number>();
  for (const {
    atoms: [u, v],
  } of bonds) {
    if (keep.has(u) && !keep.has(v)) lostNeighbour.add(u);
    if (keep.has(v) && !keep.has(u)) lostNeighbour.add(v);
  }
  const scaffold = rdkit.get_mol(subsetMolblock(molblock, keep, lostNeighbour));
  try {
    if (!scaffold?.is_valid()) {
      throw new GraphDataError('EBADROW', `${where}: RDKit rejected the Murcko scaffold of SMILES '${smiles}'`, { file: where });
    }
    return scaffold.get_smiles(JSON.stringify({ doIsomericSmiles: false }));
  } finally {
    scaffold?.delete();
  }
}
