import { GraphDataError } from './errors.js';
import type { Graph } from './graph.js';
import { columnIndex, readTable } from './table.js';
import { moleculeGraph } from '../chem/featurize.js';
import type { RDKit } from '../chem/rdkit.js';

/** A molecule set: SMILES, their graphs, optional property values, and source line numbers. */
export interface MoleculeDataset {
  smiles: string[];
  graphs: Graph[];
  /** Property values (NaN where the cell is empty) when a value column was given. */
  values?: number[];
  lines: number[];
}

/** Options of {@link parseMolecules} (and `loadMolecules`). */
export interface LoadMoleculesOptions {
  /** SMILES column: header name or 0-based index. Default: the column named `smiles`, else 0. */
  smilesColumn?: string | number;
  /** Property column (name or index). Default: none. */
  valueColumn?: string | number;
  /** Keep only the first `limit` molecules. Default: all. */
  limit?: number;
}

/**
 * Parses a SMILES table (CSV, TSV or a whitespace `.smi` file; see `readTable`) into molecule graphs.
 * Errors ({@link GraphDataError}) name the file and line: an unparsable SMILES (`mols.csv:12: cannot parse
 * SMILES '...'`), a molecule over `MAX_SMILES_ATOMS` (500) atoms — checked before RDKit sees it, since its
 * WebAssembly build crashes on very long chains —, a non-numeric property, a missing column, or an empty
 * file. **Policy: a bad row refuses the whole file** (naming the row), never a silent skip: remove or fix
 * the row and run again. Browser-safe; `loadMolecules` in
 * `@contrastive/graph/node` reads the file.
 */
export function parseMolecules(rdkit: RDKit, text: string, file: string, opts: LoadMoleculesOptions = {}): MoleculeDataset {
  const { header, rows } = readTable(text);
  if (rows.length === 0) throw new GraphDataError('EEMPTY', `${file}: no molecules (the file is empty)`, { file });
  const si = columnIndex(header, opts.smilesColumn ?? (header?.some((h) => /^smiles$/i.test(h)) ? 'smiles' : 0), file, 'SMILES');
  const vi = opts.valueColumn === undefined ? -1 : columnIndex(header, opts.valueColumn, file, 'value');
  const out: MoleculeDataset = { smiles: [], graphs: [], lines: [] };
  if (vi >= 0) out.values = [];
  for (const r of rows.slice(0, opts.limit ?? rows.length)) {
    const smi = r.cells[si];
    if (smi === undefined) throw new GraphDataError('EBADROW', `${file}:${r.line}: missing SMILES column ${si}`, { file, line: r.line });
    out.graphs.push(moleculeGraph(rdkit, smi, `${file}:${r.line}`));
    out.smiles.push(smi);
    out.lines.push(r.line);
    if (vi >= 0) {
      const cell = r.cells[vi];
      const v = cell === undefined || cell === '' ? NaN : Number(cell);
      if (cell !== undefined && cell !== '' && !Number.isFinite(v)) {
        throw new GraphDataError('EBADROW', `${file}:${r.line}: value '${cell}' in column ${vi} is not a number`, { file, line: r.line });
      }
      out.values!.push(v);
    }
  }
  return out;
}
