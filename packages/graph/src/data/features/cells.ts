import type { GraphDataErrorCode } from '../errors.js';
import { GraphDataError } from '../errors.js';

/** Throws a {@link GraphDataError} whose message starts with `source:line:` (or `source:` without a line). */
export function fail(code: GraphDataErrorCode, source: string, line: number | undefined, message: string): never {
  throw new GraphDataError(code, `${source}${line === undefined ? '' : `:${line}`}: ${message}`, {
    file: source,
    ...(line === undefined ? {} : { line }),
  });
}

/**
 * The cells of a data line: comma separated when it holds a comma (each cell trimmed; an empty cell is an
 * error, not a silent 0), else whitespace separated.
 */
export function splitCells(text: string, source: string, line: number): string[] {
  if (!text.includes(',')) return text.trim().split(/\s+/);
  const cells = text.split(',').map((c) => c.trim());
  const empty = cells.indexOf('');
  if (empty >= 0) fail('EBADROW', source, line, `column ${empty + 1} is empty`);
  return cells;
}

/** A non-negative integer a float64 holds exactly (a node id, a feature index), else −1. */
export function integerCell(cell: string): number {
  if (!/^\+?\d+$/.test(cell)) return -1;
  const v = Number(cell);
  return Number.isSafeInteger(v) ? v : -1;
}

// Plain decimal notation only: `Number` would also take '', '0x1f', '0b1' and 'Infinity'.
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const NON_FINITE = /^[+-]?(?:nan|inf|infinity)$/i;
const FLOAT32_MAX = 3.4028234663852886e38;

/**
 * A feature value as float32, or a {@link GraphDataError} naming `source:line`, the column (1-based cell
 * of the line) and the cell: NaN and infinities are refused (a model fed them trains to NaN), as are values
 * that overflow float32 and anything that is not a decimal number.
 */
export function featureValue(cell: string, source: string, line: number, column: number): number {
  if (DECIMAL.test(cell)) {
    const v = Number(cell);
    if (Math.abs(v) <= FLOAT32_MAX) return v;
    fail('EBADROW', source, line, `column ${column}: '${cell}' overflows float32 (|x| > 3.4e38); features must be finite`);
  }
  if (NON_FINITE.test(cell)) fail('EBADROW', source, line, `column ${column}: '${cell}' is not finite; features must be finite numbers`);
  fail('EBADROW', source, line, `column ${column}: '${clip(cell)}' is not a number`);
}

/** A cell cut to 40 characters for an error message. */
export function clip(cell: string): string {
  return cell.length > 40 ? `${cell.slice(0, 37)}...` : cell;
}

/**
 * Whether a data line's first cell makes it a header line (allowed once, before the first row): a cell that
 * does not start like a number (`node`, `id`), so a negative or fractional id is still refused as a bad id.
 */
export function isHeaderCell(cell: string): boolean {
  return !/^[+-]?\.?\d/.test(cell);
}

/** Whether a line is blank or a comment (`#`, or `%` in Matrix Market files). */
export function isSkipped(text: string, comment: '#' | '%'): boolean {
  const t = text.trimStart();
  return t === '' || t.startsWith(comment);
}
