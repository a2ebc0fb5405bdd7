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
 * A molecule as a {@link Graph}: atoms are nodes (features above), each bond is two directed edges with
 * bond features. Throws a `RangeError` naming the SMILES (and `where`, e.g. `file.csv:12`) when RDKit
 * cannot parse it or it has no atoms.
 */
export function moleculeGraph(rdkit: RDKit, smiles: string, where = 'SMILES'): Graph {
  const mol = smiles.trim() === '' ? null : rdkit.get_mol(smiles);
  if (!mol?.is_valid()) {
    mol?.delete();
    throw new RangeError(`${where}: cannot parse SMILES '${smiles}'`);
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
  if (n === 0) throw new RangeError(`${where}: SMILES '${smiles}' has no atoms (empty graph)`);
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
