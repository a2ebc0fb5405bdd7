import { GraphDataError } from '../data/errors.js';
import type { Graph } from '../data/graph.js';
import type { RDKit } from './rdkit.js';

/** Element vocabulary of the atom one-hot (last slot = any other element). */
export const ELEMENTS = [6, 7, 8, 16, 9, 17, 35, 53, 15, 5, 14] as const;
/**
 * Atom features (27): element one-hot (C N O S F Cl Br I P B Si other = 12), heavy-atom degree 0..5 (6),
 * formal charge −1/0/+1 (3), hydrogens 0..3+ (4), aromatic (1), in ring (1). pretrain-gnns (MoCL's
 * backbone) embeds atomic number and chirality; these are the usual RDKit descriptors instead.
 */
export const ATOM_FEATURES = 27;
/** Bond features (5): single, double, triple, aromatic (one-hot) and in-ring. */
export const BOND_FEATURES = 5;

interface RdkitJson {
  defaults: { atom: { z: number; impHs: number; chg: number }; bond: { bo: number } };
  molecules: {
    atoms: { z?: number; impHs?: number; chg?: number }[];
    bonds?: { atoms: [number, number]; bo?: number }[];
    extensions?: { name: string; aromaticAtoms?: number[]; aromaticBonds?: number[]; atomRings?: number[][] }[];
  }[];
}

/**
 * The most atoms a SMILES may write for {@link moleculeGraph}. RDKit MinimalLib's WebAssembly build
 * crashes ("memory access out of bounds", after which the module stays broken for the whole process) on a
 * molecule whose longest chain is about 875 atoms or more (measured with @rdkit/rdkit 2026.9: chains of C,
 * of `[C@@H](O)`, of benzene rings, of cyclopropanes); a molecule's longest chain is at most its atom
 * count, so 500 keeps a wide margin. Small-molecule sets are far below it (ChEMBL2321810's largest has
 * well under 100 heavy atoms; MoleculeNet's largest drug-like entries have a few hundred).
 */
export const MAX_SMILES_ATOMS = 500;

/**
 * Counts the atoms a SMILES string writes, without RDKit: bracket atoms (`[NH4+]`, `[2H]`: one each),
 * organic-subset atoms (`B C N O P S F Cl Br I`, aromatic `b c n o p s`) and `*`; implicit hydrogens are
 * not written, so not counted. An upper bound on the heavy atoms (an explicit `[H]` counts too).
 */
export function countSmilesAtoms(smiles: string): number {
  let n = 0;
  for (let i = 0; i < smiles.length; i++) {
    const c = smiles[i]!;
    if (c === '[') {
      const close = smiles.indexOf(']', i + 1);
      n++;
      if (close < 0) break;
      i = close;
    } else if (c === 'C' && smiles[i + 1] === 'l') {
      n++;
      i++;
    } else if (c === 'B' && smiles[i + 1] === 'r') {
      n++;
      i++;
    } else if ('BCNOPSFIbcnops*'.includes(c)) n++;
  }
  return n;
}

/**
 * A molecule as a {@link Graph}: atoms are nodes (features above), each bond is two directed edges with
 * bond features. Throws a {@link GraphDataError} naming the SMILES (and `where`, e.g. `file.csv:12`) when it
 * writes more than {@link MAX_SMILES_ATOMS} atoms (`ETOOLARGE`, checked before RDKit sees it), when RDKit
 * cannot parse it (`EBADROW`) or fails on it, or when it has no atoms (`EEMPTY`).
 */
export function moleculeGraph(rdkit: RDKit, smiles: string, where = 'SMILES'): Graph {
  const shown = smiles.length > 60 ? `${smiles.slice(0, 57)}...' (${smiles.length} characters)` : `${smiles}'`;
  const atoms = countSmilesAtoms(smiles);
  if (atoms > MAX_SMILES_ATOMS)
    throw new GraphDataError(
      'ETOOLARGE',
      `${where}: SMILES '${shown} writes ${atoms} atoms, over the ${MAX_SMILES_ATOMS} this package hands to RDKit ` +
        "(RDKit's WebAssembly build crashes on chains of ~875 atoms); remove the row or split the molecule",
      { file: where },
    );
  let mol: ReturnType<RDKit['get_mol']>;
  try {
    mol = smiles.trim() === '' ? null : rdkit.get_mol(smiles);
  } catch (err) {
    // A WebAssembly trap inside RDKit: name the input rather than surface "memory access out of bounds".
    throw new GraphDataError('EBADROW', `${where}: RDKit failed on SMILES '${shown}: ${(err as Error).message}`, { file: where });
  }
  if (!mol?.is_valid()) {
    mol?.delete();
    throw new GraphDataError('EBADROW', `${where}: cannot parse SMILES '${shown}`, { file: where });
  }
  let json: RdkitJson;
  try {
    json = JSON.parse(mol.get_json()) as RdkitJson;
  } finally {
    mol.delete();
  }
  const m = json.molecules[0]!;
  const d = json.defaults;
  const n = m.atoms.length;
  if (n === 0) throw new GraphDataError('EEMPTY', `${where}: SMILES '${shown} has no atoms (empty graph)`, { file: where });
  const ext = (m.extensions ?? []).find((e) => e.name === 'rdkitRepresentation');
  const aromaticAtoms = new Set(ext?.aromaticAtoms ?? []);
  const aromaticBonds = new Set(ext?.aromaticBonds ?? []);
  const ringAtoms = new Set<number>();
  const ringBonds = new Set<string>();
  for (const ring of ext?.atomRings ?? []) {
    ring.forEach((a, i) => {
      ringAtoms.add(a);
      const b = ring[(i + 1) % ring.length]!;
      ringBonds.add(a < b ? `${a},${b}` : `${b},${a}`);
    });
  }
  const bonds = m.bonds ?? [];
  const degree = new Int32Array(n);
  for (const b of bonds) {
    degree[b.atoms[0]]! += 1;
    degree[b.atoms[1]]! += 1;
  }
  const x = new Float32Array(n * ATOM_FEATURES);
  m.atoms.forEach((a, i) => {
    const z = a.z ?? d.atom.z;
    const el = ELEMENTS.indexOf(z as (typeof ELEMENTS)[number]);
    const o = i * ATOM_FEATURES;
    x[o + (el >= 0 ? el : 11)] = 1;
    x[o + 12 + Math.min(degree[i]!, 5)] = 1;
    const chg = a.chg ?? d.atom.chg;
    x[o + 18 + (chg < 0 ? 0 : chg > 0 ? 2 : 1)] = 1;
    x[o + 21 + Math.min(a.impHs ?? d.atom.impHs, 3)] = 1;
    x[o + 25] = aromaticAtoms.has(i) ? 1 : 0;
    x[o + 26] = ringAtoms.has(i) ? 1 : 0;
  });
  const e = bonds.length;
  const edgeIndex = new Int32Array(4 * e);
  const edgeAttr = new Float32Array(2 * e * BOND_FEATURES);
  bonds.forEach((b, k) => {
    const [u, v] = b.atoms;
    edgeIndex[2 * k] = u;
    edgeIndex[2 * k + 1] = v;
    edgeIndex[2 * e + 2 * k] = v;
    edgeIndex[2 * e + 2 * k + 1] = u;
    const f = new Float32Array(BOND_FEATURES);
    const bo = b.bo ?? d.bond.bo;
    if (aromaticBonds.has(k)) f[3] = 1;
    else f[Math.min(Math.max(bo, 1), 3) - 1] = 1;
    f[4] = ringBonds.has(u < v ? `${u},${v}` : `${v},${u}`) ? 1 : 0;
    edgeAttr.set(f, 2 * k * BOND_FEATURES);
    edgeAttr.set(f, (2 * k + 1) * BOND_FEATURES);
  });
  return { numNodes: n, numFeatures: ATOM_FEATURES, x, edgeIndex, edgeAttr, numEdgeFeatures: BOND_FEATURES };
}

/** RDKit-canonical SMILES, or null when `smiles` does not parse. */
export function canonicalSmiles(rdkit: RDKit, smiles: string): string | null {
  const mol = smiles.trim() === '' ? null : rdkit.get_mol(smiles);
  if (!mol) return null;
  try {
    return mol.is_valid() ? mol.get_smiles() : null;
  } finally {
    mol.delete();
  }
}
