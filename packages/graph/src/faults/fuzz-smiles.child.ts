/**
 * Child of the fuzz tests (run by `runIsolated`): fast-check over the SMILES table reader with the real
 * RDKit. Every table must give molecule graphs or a GraphDataError naming the file; and RDKit must still
 * parse a known SMILES afterwards (a WebAssembly trap leaves it broken for the process). Anything else
 * exits 1 with the counterexample.
 */
import fc from 'fast-check';
import { moleculeGraph } from '../chem/featurize.js';
import { loadRDKit } from '../chem/load-rdkit.js';
import { GraphDataError } from '../data/errors.js';
import { validateGraph } from '../data/graph.js';
import { parseMolecules } from '../data/molecules.js';

const rdkit = await loadRDKit();
const piece = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom('C', 'c1ccccc1', 'N', 'O', 'CC', '(C)', '(=O)', 'Cl', 'Br', '[NH4+]', 'C1CC1', 'S', 'F', 'n') },
  { weight: 2, arbitrary: fc.constantFrom('(', ')', '=', '#', '[', ']', '1', '2', '%10', '.', '*', 'X', '@', '/', '\\', '[C@@H]', '+') },
  // Long chains around RDKit's crash length (~875) and the 500-atom bound.
  { weight: 1, arbitrary: fc.integer({ min: 400, max: 1200 }).map((n) => 'C'.repeat(n)) },
);
const hostile = fc.array(piece, { maxLength: 12 }).map((ps) => ps.join(''));
// Valid molecules: a carbon, then valid substituents.
const valid = fc
  .tuple(
    fc.array(fc.constantFrom('C', 'CC', 'N', 'O', 'c1ccccc1', 'C(C)', 'C(=O)', 'C1CC1', 'S'), { maxLength: 10 }),
    fc.constantFrom('', 'Cl', 'Br', '[NH3+]', 'F'),
  )
  .map(([ps, end]) => `C${ps.join('')}${end}`);
const smiles = fc.oneof({ weight: 12, arbitrary: valid }, { weight: 1, arbitrary: hostile });
const valueCell = fc.oneof(
  { weight: 12, arbitrary: fc.double({ min: -10, max: 10, noNaN: true }).map(String) },
  { weight: 1, arbitrary: fc.oneof(fc.double().map(String), fc.constantFrom('', 'x', '1e400', 'NaN', '-0', '7')) },
);
const row = fc
  .tuple(smiles, valueCell, fc.oneof({ weight: 10, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }))
  .map(([s, v, two]) => (two ? `${s},${v}` : s));
const table = fc
  .tuple(fc.boolean(), fc.array(row, { maxLength: 8 }))
  .map(([header, rows]) => `${header ? 'smiles,y\n' : ''}${rows.join('\n')}\n`);

const outcomes: Record<string, number> = {};
fc.assert(
  fc.property(table, fc.boolean(), (text, withValue) => {
    try {
      const d = parseMolecules(rdkit, text, 'fuzz.csv', withValue ? { valueColumn: 1 } : {});
      for (const g of d.graphs) validateGraph(g);
      outcomes.molecules = (outcomes.molecules ?? 0) + 1;
    } catch (err) {
      if (!(err instanceof GraphDataError && err.file !== undefined && err.message.includes('fuzz.csv'))) throw err;
      outcomes[err.code] = (outcomes[err.code] ?? 0) + 1;
    }
    // RDKit must still work: no input may have reached a WebAssembly trap.
    if (moleculeGraph(rdkit, 'CCO').numNodes !== 3) throw new Error('RDKit broken after this input');
  }),
  { numRuns: 300, seed: 18 },
);
console.log(`ok: SMILES tables fuzzed: ${JSON.stringify(outcomes)}`);
