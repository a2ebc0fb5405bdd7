import { fileURLToPath } from 'node:url';
import type { RDKit } from '../chem/rdkit.js';
import type { LoadMoleculesOptions, MoleculeDataset } from './molecules.js';
import { parseMolecules } from './molecules.js';
import { readTextFile } from './read-text.js';

/** Reads a SMILES table from disk (see {@link parseMolecules}). Node only (`@contrastive/graph/node`). */
export function loadMolecules(rdkit: RDKit, path: string, opts: LoadMoleculesOptions = {}): MoleculeDataset {
  return parseMolecules(rdkit, readTextFile(path, 'SMILES table'), path, opts);
}

/**
 * Path of the shipped ChEMBL2321810 set (1,017 SMILES with pIC50; see `data/NOTICE.md`), usable as
 * `loadMolecules(rdkit, CHEMBL2321810_PATH, { valueColumn: 'pIC50' })`.
 */
export const CHEMBL2321810_PATH: string = fileURLToPath(new URL('../../data/chembl2321810.csv', import.meta.url));
