/** Molecule input flags of the graph-level methods (`--data`, columns, threshold, probe split). */
import { GRAPH_LEVEL_METHODS } from '../methods/registry.js';
import type { GraphFlag } from './flag-table.js';
import { choice, flag, num, text } from './flag-table.js';

const MOLECULE = GRAPH_LEVEL_METHODS;

/** The probe splits of `--split`; the first is the default. */
export const PROBE_SPLITS = ['scaffold', 'random'] as const;
/** A probe split: `scaffold` (MoleculeNet's) or `random` (seeded, `--test-fraction`). */
export type ProbeSplit = (typeof PROBE_SPLITS)[number];
/** `--test-fraction` of `--split random` when not given. */
export const DEFAULT_TEST_FRACTION = 0.2;
/** deepchem's ScaffoldSplitter defaults: train, valid, test. */
export const SCAFFOLD_FRACTIONS = [0.8, 0.1, 0.1] as const;

/** Molecule input (graph-level methods). */
export const MOLECULE_DATA_FLAGS: readonly GraphFlag[] = [
  flag('data', MOLECULE, text, {
    arg: 'FILE',
    help: "SMILES table: CSV/TSV with a header, or a whitespace .smi file ('SMILES name'); bad SMILES are reported as FILE:LINE",
    default: 'the shipped ChEMBL2321810 set (1,017 molecules, pIC50)',
  }),
  flag('smiles-column', MOLECULE, text, { arg: 'C', help: 'SMILES column: name or 0-based index', default: "'smiles', else column 0" }),
  flag('value-column', MOLECULE, text, {
    arg: 'C',
    help: 'property column used for the linear probe (no probe without one)',
    default: "'pIC50' for the shipped set",
  }),
  flag('threshold', MOLECULE, num({ min: Number.NEGATIVE_INFINITY }), {
    arg: 'T',
    help: 'probe class = value >= T',
    default: 'the median value',
  }),
  flag('split', MOLECULE, choice(PROBE_SPLITS), {
    arg: PROBE_SPLITS.join('|'),
    help:
      "probe split: 'scaffold' = Bemis-Murcko scaffold split as deepchem/MoleculeNet (0.8/0.1/0.1 by scaffold group, " +
      "largest groups to train; no seed; probe trained on train, scored on test, valid held out); 'random' = a split " +
      'seeded by --seed with --test-fraction',
    default: "'scaffold' (runs recorded before the scaffold split: 'random')",
  }),
  flag('test-fraction', MOLECULE, num({ max: 1, exclusiveMax: true }), {
    arg: 'F',
    help: 'with --split random: share of the probed molecules held out for the probe test (split seeded by --seed)',
    default: String(DEFAULT_TEST_FRACTION),
  }),
];
