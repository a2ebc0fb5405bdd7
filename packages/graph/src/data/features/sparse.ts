import type { CsrMatrix } from '../csr.js';
import { clip, fail, featureValue, integerCell, splitCells } from './cells.js';
import type { ReaderContext } from './context.js';
import { checkSparseSize } from './context.js';
import { EntryBuffer } from './entries.js';
import { NodeRows } from './node-rows.js';
import type { FeatureReader, NodeFeatures } from './types.js';

/** `# sparse features: N nodes, F features` (the header that fixes F; what `loadNodeFeatures` users write). */
export const SPARSE_HEADER = /^#\s*sparse features:\s*(\d+)\s*nodes?\s*,\s*(\d+)\s*features?\s*$/i;

/** The largest feature index: F must fit an Int32 column index. */
const MAX_INDEX = 2 ** 31 - 2;

/**
 * Reads sparse `node index:value …` lines (internal; see `parseNodeFeatures`): 0-based feature indices,
 * distinct within a line; a node without a line is an all-zero row; one line per node. `F` is the header's
 * (then an index `>= F` is refused) or 1 + the largest index.
 */
export function sparseReader(ctx: ReaderContext): FeatureReader {
  const { source, index } = ctx;
  const n = index.size;
  const rows = new NodeRows(ctx, 'node index:value …');
  const start = new Int32Array(n);
  const count = new Int32Array(n);
  const entries = new EntryBuffer(false);
  let declared = -1;
  let headerLine = 0;
  let maxIndex = -1;
  /** Whether the rows came in node order, so the entries are already the CSR arrays. */
  let inOrder = true;
  let lastNode = -1;
  const pair: { idx: number; val: number; col: number }[] = [];
  return {
    line(text, lineNo) {
      const t = text.trimStart();
      if (t === '') return;
      if (t.startsWith('#')) {
        const m = SPARSE_HEADER.exec(t.trim());
        if (m === null) return;
        if (rows.started) fail('EBADROW', source, lineNo, 'the sparse features header must come before the first row');
        const nodes = Number(m[1]);
        declared = Number(m[2]);
        headerLine = lineNo;
        if (nodes !== n)
          fail(
            'ERANGE',
            source,
            lineNo,
            `the header declares ${nodes.toLocaleString('en-US')} nodes, the graph has ${n.toLocaleString('en-US')}`,
          );
        if (declared < 1 || declared > MAX_INDEX + 1)
          fail('EBADROW', source, lineNo, `the header declares ${declared} features; expected 1 to 2^31 − 1`);
        return;
      }
      const cells = splitCells(t, source, lineNo);
      const node = rows.node(cells, lineNo);
      if (node < 0) return;
      pair.length = 0;
      let sorted = true;
      for (let c = 1; c < cells.length; c++) {
        const cell = cells[c]!;
        const colon = cell.indexOf(':');
        if (colon < 0) fail('EBADROW', source, lineNo, `column ${c + 1}: expected 'index:value', got '${clip(cell)}'`);
        const idx = integerCell(cell.slice(0, colon));
        if (idx < 0 || idx > MAX_INDEX)
          fail('EBADROW', source, lineNo, `column ${c + 1}: the feature index of '${clip(cell)}' must be an integer in [0, 2^31 − 2]`);
        if (declared >= 0 && idx >= declared)
          fail(
            'ERANGE',
            source,
            lineNo,
            `column ${c + 1}: feature index ${idx} is outside [0, ${declared - 1}] (line ${headerLine} declares ${declared} features)`,
          );
        if (pair.length > 0 && idx <= pair[pair.length - 1]!.idx) sorted = false;
        pair.push({ idx, val: featureValue(cell.slice(colon + 1), source, lineNo, c + 1), col: c + 1 });
      }
      if (!sorted) pair.sort((a, b) => a.idx - b.idx || a.col - b.col);
      for (let k = 1; k < pair.length; k++)
        if (pair[k]!.idx === pair[k - 1]!.idx)
          fail('EBADROW', source, lineNo, `feature index ${pair[k]!.idx} appears twice (columns ${pair[k - 1]!.col} and ${pair[k]!.col})`);
      checkSparseSize(ctx, entries.length + pair.length, lineNo);
      start[node] = entries.length;
      count[node] = pair.length;
      for (const p of pair) {
        entries.push(p.idx, p.val);
        if (p.idx > maxIndex) maxIndex = p.idx;
      }
      if (node < lastNode) inOrder = false;
      lastNode = node;
    },
    finish(): NodeFeatures {
      if (rows.count === 0) fail('EEMPTY', source, undefined, "no feature rows (expected 'node index:value …' lines)");
      const numCols = declared >= 0 ? declared : maxIndex + 1;
      if (numCols === 0)
        fail('EEMPTY', source, undefined, "no feature values, and no '# sparse features: N nodes, F features' header giving F");
      const rowPtr = new Int32Array(n + 1);
      const missingRows = rows.missing(0).count;
      for (let i = 0; i < n; i++) {
        rowPtr[i + 1] = rowPtr[i]! + count[i]!;
      }
      const nnz = entries.length;
      let matrix: CsrMatrix;
      if (inOrder) matrix = { numRows: n, numCols, rowPtr, colIdx: entries.cols.slice(0, nnz), values: entries.vals.slice(0, nnz) };
      else {
        const colIdx = new Int32Array(nnz);
        const values = new Float32Array(nnz);
        for (let i = 0; i < n; i++) {
          colIdx.set(entries.cols.subarray(start[i]!, start[i]! + count[i]!), rowPtr[i]!);
          values.set(entries.vals.subarray(start[i]!, start[i]! + count[i]!), rowPtr[i]!);
        }
        matrix = { numRows: n, numCols, rowPtr, colIdx, values };
      }
      return { kind: 'sparse', matrix, missingRows };
    },
  };
}
