import type { CsrMatrix } from '../csr.js';
import { clip, fail, featureValue, integerCell, isSkipped } from './cells.js';
import type { ReaderContext } from './context.js';
import { checkDenseSize, checkSparseSize } from './context.js';
import { EntryBuffer } from './entries.js';
import type { FeatureReader, NodeFeatures } from './types.js';

/** The banner every Matrix Market file starts with. */
export const MTX_BANNER = /^%%MatrixMarket\b/i;

const ISOLATED_HINT = "(row r is the node with id r−1; a node in no edge is declared by a line 'v v' in the edge list)";

/**
 * Reads a Matrix Market file (internal; see `parseNodeFeatures`): `%%MatrixMarket matrix coordinate
 * real|integer|pattern general` gives sparse features, `… array real|integer general` dense ones (values in
 * column-major order, as the format stores them). Row `r` (1-based) is the node whose file id is `r − 1`; a
 * matrix with more rows than the graph's largest id + 1 is refused at its size line. Coordinate entries must
 * be distinct; an array must give every node a row.
 */
export function matrixMarketReader(ctx: ReaderContext): FeatureReader {
  const { source, index } = ctx;
  const n = index.size;
  let layout: 'coordinate' | 'array' | null = null;
  let pattern = false;
  let sizeLine = 0;
  let m = 0;
  let f = 0;
  let declared = 0;
  let seen = 0;
  let entries: EntryBuffer | null = null;
  let x: Float32Array | null = null;

  const banner = (text: string, lineNo: number): void => {
    if (!MTX_BANNER.test(text.trim()))
      fail(
        'EBADROW',
        source,
        lineNo,
        "expected the Matrix Market banner '%%MatrixMarket matrix coordinate real general' on the first line",
      );
    const words = text.trim().toLowerCase().split(/\s+/);
    const [, object, form, field, symmetry] = words;
    const fields = form === 'array' ? ['real', 'integer'] : ['real', 'integer', 'pattern'];
    if (object !== 'matrix' || (form !== 'coordinate' && form !== 'array') || !fields.includes(field!) || symmetry !== 'general')
      fail(
        'EBADROW',
        source,
        lineNo,
        `unsupported Matrix Market header '${clip(text.trim())}'; node features are 'matrix coordinate real|integer|pattern general' or 'matrix array real|integer general'`,
      );
    layout = form;
    pattern = field === 'pattern';
  };

  const size = (text: string, lineNo: number): void => {
    const cells = text.trim().split(/\s+/).map(integerCell);
    const want = layout === 'coordinate' ? 3 : 2;
    if (cells.length !== want || cells.some((c) => c < 0))
      fail(
        'EBADROW',
        source,
        lineNo,
        `expected the size line '${layout === 'coordinate' ? 'rows columns entries' : 'rows columns'}', got '${clip(text.trim())}'`,
      );
    [m, f, declared] = cells as [number, number, number];
    sizeLine = lineNo;
    if (m < 1 || f < 1) fail('EBADROW', source, lineNo, `a ${m} × ${f} matrix holds no features`);
    if (m > index.maxId + 1)
      fail(
        'ERANGE',
        source,
        lineNo,
        `the matrix has ${m.toLocaleString('en-US')} rows, but the graph's largest node id is ${index.maxId} ${ISOLATED_HINT}`,
      );
    if (layout === 'array') {
      if (m < index.maxId + 1)
        fail(
          'ERANGE',
          source,
          lineNo,
          `the array has ${m.toLocaleString('en-US')} rows, but the graph has node ids up to ${index.maxId}: a dense (array) file needs a row for every node ${ISOLATED_HINT}`,
        );
      checkDenseSize(ctx, f, lineNo);
      x = new Float32Array(n * f);
      return;
    }
    checkSparseSize(ctx, declared, lineNo);
    // The shortest entry, 'i j\n', takes 4 bytes: a count the input cannot hold is refused before allocating.
    if (ctx.totalBytes !== undefined && declared * 4 > ctx.totalBytes)
      fail(
        'EBADROW',
        source,
        lineNo,
        `declares ${declared.toLocaleString('en-US')} entries, more than ${ctx.totalBytes.toLocaleString('en-US')} bytes can hold`,
      );
    entries = new EntryBuffer(true, Math.min(declared, 1 << 16), declared);
  };

  const entry = (text: string, lineNo: number): void => {
    const cells = text.trim().split(/\s+/);
    const want = pattern ? 2 : 3;
    const r = integerCell(cells[0]!);
    const c = cells.length > 1 ? integerCell(cells[1]!) : -1;
    if (cells.length !== want || r < 1 || c < 1)
      fail('EBADROW', source, lineNo, `expected '${pattern ? 'row column' : 'row column value'}' (1-based), got '${clip(text.trim())}'`);
    if (r > m || c > f) fail('ERANGE', source, lineNo, `entry (${r}, ${c}) is outside the ${m} × ${f} matrix of line ${sizeLine}`);
    const node = index.of(r - 1);
    if (node < 0) fail('ERANGE', source, lineNo, `row ${r} is the node with id ${r - 1}, which the graph does not have ${ISOLATED_HINT}`);
    if (++seen > declared)
      fail('EBADROW', source, lineNo, `more entries than the ${declared.toLocaleString('en-US')} line ${sizeLine} declares`);
    entries!.push(c - 1, pattern ? 1 : featureValue(cells[2]!, source, lineNo, 3), node, lineNo);
  };

  const values = (text: string, lineNo: number): void => {
    const cells = text.trim().split(/\s+/);
    for (let k = 0; k < cells.length; k++) {
      if (seen >= m * f) fail('EBADROW', source, lineNo, `more values than the ${m} × ${f} array of line ${sizeLine} holds`);
      const v = featureValue(cells[k]!, source, lineNo, k + 1);
      // Column-major: value number `seen` is row seen % m of column ⌊seen / m⌋.
      const r = seen % m;
      const c = (seen - r) / m;
      seen++;
      const node = index.of(r);
      if (node >= 0) x![node * f + c] = v;
      else if (v !== 0)
        fail(
          'ERANGE',
          source,
          lineNo,
          `row ${r + 1} is the node with id ${r}, which the graph does not have, yet holds the value ${v} ${ISOLATED_HINT}`,
        );
    }
  };

  let lines = 0;
  return {
    line(text, lineNo) {
      if (lines === 0 && text.trim() === '') return;
      if (lines++ === 0) return banner(text, lineNo);
      if (isSkipped(text, '%')) return;
      if (sizeLine === 0) return size(text, lineNo);
      if (layout === 'coordinate') entry(text, lineNo);
      else values(text, lineNo);
    },
    finish(): NodeFeatures {
      if (lines === 0) fail('EEMPTY', source, undefined, 'empty file (expected a Matrix Market banner)');
      if (sizeLine === 0) fail('EBADROW', source, undefined, 'no size line after the Matrix Market header');
      if (layout === 'array') {
        if (seen < m * f)
          fail('EBADROW', source, undefined, `${seen} values, but the ${m} × ${f} array of line ${sizeLine} needs ${m * f} (truncated?)`);
        return { kind: 'dense', x: x!, numFeatures: f };
      }
      if (seen < declared)
        fail(
          'EBADROW',
          source,
          undefined,
          `${seen.toLocaleString('en-US')} entries, but line ${sizeLine} declares ${declared.toLocaleString('en-US')} (truncated?)`,
        );
      return cooToCsr(entries!, f, ctx);
    },
  };
}

/**
 * Sorts the coordinate entries into CSR (a counting sort by column, then a stable one by row, so each row's
 * columns come out ascending in O(nnz + N + F)) and refuses a repeated entry naming both lines.
 */
function cooToCsr(e: EntryBuffer, f: number, ctx: ReaderContext): NodeFeatures {
  const n = ctx.index.size;
  const nnz = e.length;
  const rows = e.rows!;
  const byCol = new Int32Array(f + 1);
  for (let k = 0; k < nnz; k++) byCol[e.cols[k]! + 1]!++;
  for (let c = 0; c < f; c++) byCol[c + 1]! += byCol[c]!;
  const perm = new Int32Array(nnz);
  for (let k = 0; k < nnz; k++) perm[byCol[e.cols[k]!]!++] = k;
  const rowPtr = new Int32Array(n + 1);
  for (let k = 0; k < nnz; k++) rowPtr[rows[k]! + 1]!++;
  let missingRows = 0;
  for (let i = 0; i < n; i++) {
    if (rowPtr[i + 1] === 0) missingRows++;
    rowPtr[i + 1]! += rowPtr[i]!;
  }
  const next = rowPtr.slice(0, n);
  const colIdx = new Int32Array(nnz);
  const values = new Float32Array(nnz);
  // The entry each slot came from, for the lines of a repeated entry.
  const origin = new Int32Array(nnz);
  for (let t = 0; t < nnz; t++) {
    const k = perm[t]!;
    const i = rows[k]!;
    const o = next[i]!++;
    if (o > rowPtr[i]! && colIdx[o - 1] === e.cols[k])
      fail(
        'EBADROW',
        ctx.source,
        e.lines![k]!,
        `entry (${ctx.index.idOf(i) + 1}, ${e.cols[k]! + 1}) repeats line ${e.lines![origin[o - 1]!]}; a coordinate file lists each entry once`,
      );
    colIdx[o] = e.cols[k]!;
    values[o] = e.vals[k]!;
    origin[o] = k;
  }
  const matrix: CsrMatrix = { numRows: n, numCols: f, rowPtr, colIdx, values };
  return { kind: 'sparse', matrix, missingRows };
}
