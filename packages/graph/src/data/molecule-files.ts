import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { RDKit } from '../chem/rdkit.js';
import type { LoadMoleculesOptions, MoleculeDataset } from './molecules.js';
import { parseMolecules } from './molecules.js';

/** Reads a SMILES table from disk (see {@link parseMolecules}). Node only (`@contrastive/graph/node`). */
export function loadMolecules(rdkit: RDKit, path: string, opts: LoadMoleculesOptions = {}): MoleculeDataset {
  return parseMolecules(rdkit, readFileSync(path, 'utf8'), path, opts);
}

/**
 * Path of the shipped ChEMBL2321810 set (1,017 SMILES with pIC50; see `data/NOTICE.md`), usable as
 * `loadMolecules(rdkit, CHEMBL2321810_PATH, { valueColumn: 'pIC50' })`.
 */
export const CHEMBL2321810_PATH: string = fileURLToPath(new URL('../../data/chembl2321810.csv', import.meta.url));
