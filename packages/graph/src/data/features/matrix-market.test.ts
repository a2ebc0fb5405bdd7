import { describe, expect, it } from 'vitest';
import { csrToDense, validateCsr } from '../csr.js';
import { parseNodeFeatures } from './parse.js';
import { caught } from './test-utils/caught.js';

const mtx = (text: string, ids: readonly number[] | number) => parseNodeFeatures(text, 'm.mtx', ids, { format: 'mtx' });
const COORD = '%%MatrixMarket matrix coordinate real general\n% a comment\n';

describe('Matrix Market node features', () => {
  it('reads coordinate entries in any order; row r is the node with id r-1', () => {
    // Nodes with ids 0, 2, 4: rows 1, 3 and 5.
    const f = mtx(`${COORD}5 3 3\n5 1 2.5\n1 3 -1\n1 1 4\n`, [0, 2, 4]);
    expect(f.kind).toBe('sparse');
    if (f.kind !== 'sparse') return;
    validateCsr(f.matrix);
    expect(f.missingRows).toBe(1);
    expect(Array.from(csrToDense(f.matrix))).toEqual([4, 0, -1, 0, 0, 0, 2.5, 0, 0]);
  });

  it('reads pattern (value 1) and integer matrices', () => {
    const p = mtx('%%MatrixMarket matrix coordinate pattern general\n2 2 2\n2 1\n1 2\n', 2);
    expect(p.kind === 'sparse' && Array.from(csrToDense(p.matrix))).toEqual([0, 1, 1, 0]);
    const i = mtx('%%matrixmarket matrix coordinate integer general\n2 1 1\n2 1 7\n', 2);
    expect(i.kind === 'sparse' && Array.from(csrToDense(i.matrix))).toEqual([0, 7]);
  });

  it('reads a dense array in column-major order', () => {
    const f = mtx('%%MatrixMarket matrix array real general\n3 2\n1\n2\n3\n4\n5\n6\n', 3);
    expect(f).toEqual({ kind: 'dense', x: Float32Array.from([1, 4, 2, 5, 3, 6]), numFeatures: 2 });
    // A row between the graph's ids holds zeros (ids 0 and 2: row 2 is no node).
    const gap = mtx('%%MatrixMarket matrix array real general\n3 1\n1\n0\n3\n', [0, 2]);
    expect(gap.kind === 'dense' && Array.from(gap.x)).toEqual([1, 3]);
    expect(caught(() => mtx('%%MatrixMarket matrix array real general\n3 1\n1\n9\n3\n', [0, 2])).message).toMatch(
      /^m\.mtx:4: row 2 is the node with id 1, which the graph does not have, yet holds the value 9/,
    );
  });

  it('refuses rows beyond the graph, entries outside the size, and unknown rows', () => {
    const e = caught(() => mtx(`${COORD}4 2 1\n1 1 1\n`, 3));
    expect(e).toMatchObject({ code: 'ERANGE', line: 3 });
    expect(e.message).toMatch(/^m\.mtx:3: the matrix has 4 rows, but the graph's largest node id is 2 \(row r is the node with id r−1/);
    expect(caught(() => mtx(`${COORD}3 2 1\n1 3 1\n`, 3)).message).toBe('m.mtx:4: entry (1, 3) is outside the 3 × 2 matrix of line 3');
    expect(caught(() => mtx(`${COORD}3 2 1\n2 1 1\n`, [0, 2])).message).toMatch(
      /^m\.mtx:4: row 2 is the node with id 1, which the graph does not have/,
    );
    expect(caught(() => mtx('%%MatrixMarket matrix array real general\n2 1\n1\n2\n', 3)).message).toMatch(
      /^m\.mtx:2: the array has 2 rows, but the graph has node ids up to 2: a dense \(array\) file needs a row for every node/,
    );
  });

  it('refuses repeated entries naming both lines, wrong counts and bad values', () => {
    expect(caught(() => mtx(`${COORD}2 2 3\n1 2 1\n2 1 1\n1 2 5\n`, 2)).message).toBe(
      'm.mtx:6: entry (1, 2) repeats line 4; a coordinate file lists each entry once',
    );
    expect(caught(() => mtx(`${COORD}2 2 2\n1 2 1\n`, 2)).message).toBe('m.mtx: 1 entries, but line 3 declares 2 (truncated?)');
    expect(caught(() => mtx(`${COORD}2 2 1\n1 2 1\n2 2 1\n`, 2)).message).toBe('m.mtx:5: more entries than the 1 line 3 declares');
    expect(caught(() => mtx(`${COORD}2 2 1\n1 2 NaN\n`, 2)).message).toBe(
      "m.mtx:4: column 3: 'NaN' is not finite; features must be finite numbers",
    );
    expect(caught(() => mtx('%%MatrixMarket matrix array real general\n2 1\n1\n', 2)).message).toMatch(
      /1 values, but the 2 × 1 array of line 2 needs 2/,
    );
    expect(caught(() => mtx('%%MatrixMarket matrix array real general\n1 1\n1\n2\n', 1)).line).toBe(4);
  });

  it('refuses unsupported headers, a missing banner or size line, and a count the input cannot hold', () => {
    expect(caught(() => mtx('%%MatrixMarket matrix coordinate real symmetric\n1 1 1\n', 1)).message).toMatch(
      /unsupported Matrix Market header/,
    );
    expect(caught(() => mtx('%%MatrixMarket matrix array pattern general\n1 1\n', 1)).message).toMatch(/unsupported/);
    expect(caught(() => mtx('1 1 1\n', 1)).message).toMatch(/^m\.mtx:1: expected the Matrix Market banner/);
    expect(caught(() => mtx(`${COORD}`, 1)).message).toBe('m.mtx: no size line after the Matrix Market header');
    expect(caught(() => mtx(`${COORD}2 2\n`, 2)).message).toMatch(/^m\.mtx:3: expected the size line 'rows columns entries'/);
    const small = `${COORD}2 2 100000\n1 1 1\n`;
    expect(caught(() => mtx(small, 2)).message).toBe(`m.mtx:3: declares 100,000 entries, more than ${small.length} bytes can hold`);
  });
});
