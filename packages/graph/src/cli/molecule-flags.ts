/** Molecule input flags of the graph-level methods (`--data`, columns, threshold, split). */
import { GRAPH_LEVEL_METHODS } from '../methods/registry.js';
import type { GraphFlag } from './flag-table.js';
import { flag, num, text } from './flag-table.js';

const MOLECULE = GRAPH_LEVEL_METHODS;

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
  flag(
    'test-fraction',
    MOLECULE,
    num({ max: 1, exclusiveMax: true }),
    { arg: 'F', help: 'share of the probed molecules held out for the probe test (split seeded by --seed)', default: '0.2' },
    { fallback: 0.2 },
  ),
];
