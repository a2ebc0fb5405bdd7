import { GraphDataError } from './errors.js';

/**
 * A small delimited-text reader for SMILES tables: comma, tab or whitespace separated (detected from the
 * first line), `#` comment lines and blank lines skipped, optional header. No quoting: SMILES never
 * contain commas or whitespace. Every row keeps its 1-based line number for error messages.
 */
export interface TableRow {
  line: number;
  cells: string[];
}

export function readTable(text: string): { header: string[] | null; rows: TableRow[]; delimiter: string } {
  const lines = text.split(/\r?\n/);
  const firstIdx = lines.findIndex((l) => l.trim() !== '' && !l.startsWith('#'));
  if (firstIdx < 0) return { header: null, rows: [], delimiter: ',' };
  const first = lines[firstIdx]!;
  const delimiter = first.includes(',') ? ',' : first.includes('\t') ? '\t' : ' ';
  const split = (l: string): string[] => (delimiter === ' ' ? l.trim().split(/\s+/) : l.split(delimiter).map((c) => c.trim()));
  const rows: TableRow[] = [];
  lines.forEach((l, i) => {
    if (l.trim() === '' || l.startsWith('#')) return;
    rows.push({ line: i + 1, cells: split(l) });
  });
  // A header is a first row whose cells contain a known column word.
  const headerWords = /^(smiles|name|id|label|value|y|target|activity|pic50|act|class|source|target)$/i;
  const header = rows[0]!.cells.some((c) => headerWords.test(c)) ? rows.shift()!.cells : null;
  return { header, rows, delimiter };
}

/** Resolves a column given by name (needs a header) or 0-based index; throws naming the file. */
export function columnIndex(header: string[] | null, col: string | number, file: string, what: string): number {
  if (typeof col === 'number') return col;
  if (/^\d+$/.test(col)) return Number(col);
  const i = header ? header.findIndex((h) => h.toLowerCase() === col.toLowerCase()) : -1;
  if (i < 0) {
    throw new GraphDataError(
      'EBADROW',
      `${file}: ${what} column '${col}' not found; header is ${header ? `[${header.join(', ')}]` : 'missing (use a 0-based column index)'}`,
      { file },
    );
  }
  return i;
}
