/**
 * A sparse matrix in compressed sparse row (CSR) form, scipy's layout: the non-zeros of row `i` are
 * `values[rowPtr[i] .. rowPtr[i+1])` in the columns `colIdx[...]` (ascending within a row, no duplicates).
 * Node features of bag-of-words graphs (`Graph.xSparse`) and normalised adjacencies use it; memory is
 * O(rows + non-zeros), never rows × columns.
 */
export interface CsrMatrix {
  numRows: number;
  numCols: number;
  /** `[numRows + 1]`, non-decreasing, `rowPtr[0] = 0`, `rowPtr[numRows] = nnz`. */
  rowPtr: Int32Array;
  /** `[nnz]` column of each non-zero, in `[0, numCols)`, ascending within a row. */
  colIdx: Int32Array;
  /** `[nnz]` value of each non-zero (finite). */
  values: Float32Array;
}

/** Number of stored non-zeros. */
export function nnz(m: CsrMatrix): number {
  return m.colIdx.length;
}

/**
 * Builds a CSR matrix from coordinate triples (any order); duplicate `(row, col)` entries are summed,
 * explicit zeros kept. Throws a `RangeError` naming the entry for an index out of range or a non-finite value.
 */
export function csrFromCoo(
  numRows: number,
  numCols: number,
  rows: ArrayLike<number>,
  cols: ArrayLike<number>,
  values: ArrayLike<number>,
): CsrMatrix {
  if (!Number.isInteger(numRows) || numRows < 0 || !Number.isInteger(numCols) || numCols < 0)
    throw new RangeError(`numRows and numCols must be integers >= 0, got ${numRows} × ${numCols}`);
  const n = rows.length;
  if (cols.length !== n || values.length !== n)
    throw new RangeError(`rows, cols and values must have the same length, got ${rows.length}, ${cols.length}, ${values.length}`);
  const count = new Int32Array(numRows + 1);
  for (let k = 0; k < n; k++) {
    const r = rows[k]!;
    const c = cols[k]!;
    if (!Number.isInteger(r) || r < 0 || r >= numRows || !Number.isInteger(c) || c < 0 || c >= numCols)
      throw new RangeError(`entry ${k} (${r}, ${c}) is outside the ${numRows} × ${numCols} matrix`);
    if (!Number.isFinite(values[k]!)) throw new RangeError(`entry ${k} (${r}, ${c}) has the non-finite value ${values[k]}`);
    count[r + 1]!++;
  }
  for (let i = 0; i < numRows; i++) count[i + 1]! += count[i]!;
  // Counting sort by row, then sort each row by column and merge duplicates.
  const order = new Int32Array(n);
  const next = count.slice(0, numRows);
  for (let k = 0; k < n; k++) order[next[rows[k]!]!++] = k;
  const rowPtr = new Int32Array(numRows + 1);
  const colIdx = new Int32Array(n);
  const vals = new Float32Array(n);
  let o = 0;
  for (let i = 0; i < numRows; i++) {
    const seg = Array.from(order.subarray(count[i]!, count[i + 1]!)).sort((a, b) => cols[a]! - cols[b]! || a - b);
    for (const k of seg) {
      const c = cols[k]!;
      if (o > rowPtr[i]! && colIdx[o - 1] === c) vals[o - 1]! += values[k]!;
      else {
        colIdx[o] = c;
        vals[o] = values[k]!;
        o++;
      }
    }
    rowPtr[i + 1] = o;
  }
  return { numRows, numCols, rowPtr, colIdx: colIdx.slice(0, o), values: vals.slice(0, o) };
}

/** The non-zeros of a dense row-major `[numRows, numCols]` array as CSR. */
export function denseToCsr(x: ArrayLike<number>, numRows: number, numCols: number): CsrMatrix {
  if (x.length !== numRows * numCols) throw new RangeError(`x must have length ${numRows}*${numCols}, got ${x.length}`);
  let count = 0;
  for (let k = 0; k < x.length; k++) if (x[k] !== 0) count++;
  const rowPtr = new Int32Array(numRows + 1);
  const colIdx = new Int32Array(count);
  const values = new Float32Array(count);
  let o = 0;
  for (let i = 0; i < numRows; i++) {
    for (let j = 0; j < numCols; j++) {
      const v = x[i * numCols + j]!;
      if (v !== 0) {
        colIdx[o] = j;
        values[o++] = v;
      }
    }
    rowPtr[i + 1] = o;
  }
  return { numRows, numCols, rowPtr, colIdx, values };
}

/** The dense row-major `[numRows, numCols]` form (for small matrices and tests). */
export function csrToDense(m: CsrMatrix): Float32Array {
  const out = new Float32Array(m.numRows * m.numCols);
  for (let i = 0; i < m.numRows; i++)
    for (let k = m.rowPtr[i]!; k < m.rowPtr[i + 1]!; k++) out[i * m.numCols + m.colIdx[k]!]! += m.values[k]!;
  return out;
}

/**
 * The transpose, with `perm`: `transposed.values[k] = m.values[perm[k]]`, so values that change per step
 * (sparse dropout) can be carried over without transposing again.
 */
export function transposeCsr(m: CsrMatrix): { matrix: CsrMatrix; perm: Int32Array } {
  const total = nnz(m);
  const rowPtr = new Int32Array(m.numCols + 1);
  for (let k = 0; k < total; k++) rowPtr[m.colIdx[k]! + 1]!++;
  for (let j = 0; j < m.numCols; j++) rowPtr[j + 1]! += rowPtr[j]!;
  const next = rowPtr.slice(0, m.numCols);
  const colIdx = new Int32Array(total);
  const values = new Float32Array(total);
  const perm = new Int32Array(total);
  // Rows visited in ascending order, so each transposed row's columns come out ascending.
  for (let i = 0; i < m.numRows; i++) {
    for (let k = m.rowPtr[i]!; k < m.rowPtr[i + 1]!; k++) {
      const o = next[m.colIdx[k]!]!++;
      colIdx[o] = i;
      values[o] = m.values[k]!;
      perm[o] = k;
    }
  }
  return { matrix: { numRows: m.numCols, numCols: m.numRows, rowPtr, colIdx, values }, perm };
}

/**
 * Checks the CSR invariants (shapes, monotone `rowPtr`, columns in range and strictly ascending per row,
 * finite values) and throws a `RangeError` naming `name` and the first violation.
 */
export function validateCsr(m: CsrMatrix, name = 'matrix'): void {
  if (m === null || typeof m !== 'object') throw new TypeError(`${name} must be a CsrMatrix, got ${String(m)}`);
  const { numRows, numCols, rowPtr, colIdx, values } = m;
  if (!Number.isInteger(numRows) || numRows < 0 || !Number.isInteger(numCols) || numCols < 0)
    throw new RangeError(`${name}: numRows and numCols must be integers >= 0, got ${numRows} × ${numCols}`);
  if (!(rowPtr instanceof Int32Array) || rowPtr.length !== numRows + 1)
    throw new RangeError(`${name}.rowPtr must be an Int32Array of length numRows + 1 = ${numRows + 1}, got ${rowPtr?.length}`);
  if (!(colIdx instanceof Int32Array) || !(values instanceof Float32Array) || colIdx.length !== values.length)
    throw new RangeError(`${name}: colIdx (Int32Array) and values (Float32Array) must have the same length`);
  if (rowPtr[0] !== 0 || rowPtr[numRows] !== colIdx.length)
    throw new RangeError(`${name}.rowPtr must start at 0 and end at nnz = ${colIdx.length}, got ${rowPtr[0]} … ${rowPtr[numRows]}`);
  for (let i = 0; i < numRows; i++) {
    if (rowPtr[i + 1]! < rowPtr[i]!) throw new RangeError(`${name}.rowPtr decreases at row ${i}`);
    for (let k = rowPtr[i]!; k < rowPtr[i + 1]!; k++) {
      const c = colIdx[k]!;
      if (c < 0 || c >= numCols) throw new RangeError(`${name}: row ${i} has column ${c} outside [0, ${numCols - 1}]`);
      if (k > rowPtr[i]! && c <= colIdx[k - 1]!) throw new RangeError(`${name}: row ${i} has columns out of order or repeated (${c})`);
      if (!Number.isFinite(values[k]!)) throw new RangeError(`${name}: row ${i}, column ${c} has the non-finite value ${values[k]}`);
    }
  }
}
