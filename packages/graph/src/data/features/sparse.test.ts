import { describe, expect, it } from 'vitest';
import { csrToDense, validateCsr } from '../csr.js';
import { parseNodeFeatures } from './parse.js';
import { caught } from './test-utils/caught.js';

const IDS = [10, 20, 30000];
const sparse = (text: string, ids: readonly number[] | number = IDS) => parseNodeFeatures(text, 's.txt', ids, { format: 'sparse' });

describe('sparse node features (node index:value …)', () => {
  it('builds CSR rows aligned to named ids; F = 1 + the largest index; a node without a line is all zero', () => {
    const f = sparse('30000 0:1.5 4:2\n# a comment\n10 3:-1\n');
    expect(f.kind).toBe('sparse');
    if (f.kind !== 'sparse') return;
    validateCsr(f.matrix);
    expect(f.matrix.numRows).toBe(3);
    expect(f.matrix.numCols).toBe(5);
    expect(f.missingRows).toBe(1);
    expect(Array.from(csrToDense(f.matrix))).toEqual([0, 0, 0, -1, 0, 0, 0, 0, 0, 0, 1.5, 0, 0, 0, 2]);
  });

  it('sorts the indices of a line, keeps rows in order, and reads the same in node order', () => {
    const a = sparse('10 2:1 0:3\n20\n30000 1:4\n');
    const b = sparse('30000 1:4\n20\n10 0:3 2:1\n');
    expect(a).toEqual(b);
    expect(a.kind === 'sparse' && [Array.from(a.matrix.rowPtr), Array.from(a.matrix.colIdx), a.missingRows]).toEqual([
      [0, 2, 2, 3],
      [0, 2, 1],
      0,
    ]);
  });

  it('takes F from the header, and refuses an index >= F then', () => {
    const f = sparse('# sparse features: 3 nodes, 8 features\n10 1:1\n');
    expect(f.kind === 'sparse' && f.matrix.numCols).toBe(8);
    const e = caught(() => sparse('# sparse features: 3 nodes, 8 features\n10 1:1\n20 8:1\n'));
    expect(e).toMatchObject({ code: 'ERANGE', line: 3 });
    expect(e.message).toBe('s.txt:3: column 2: feature index 8 is outside [0, 7] (line 1 declares 8 features)');
    expect(caught(() => sparse('# sparse features: 4 nodes, 8 features\n')).message).toBe(
      's.txt:1: the header declares 4 nodes, the graph has 3',
    );
    expect(caught(() => sparse('10 1:1\n# sparse features: 3 nodes, 8 features\n')).line).toBe(2);
  });

  it('refuses a repeated index in a line, a repeated node and an unknown node', () => {
    expect(caught(() => sparse('10 1:1 3:2 1:5\n')).message).toBe('s.txt:1: feature index 1 appears twice (columns 2 and 4)');
    expect(caught(() => sparse('10 1:1\n10 2:1\n')).message).toBe('s.txt:2: node 10 again (its first line is 1); one line per node');
    expect(caught(() => sparse('10 1:1\n7 2:1\n'))).toMatchObject({ code: 'ERANGE', line: 2 });
  });

  it('refuses bad cells with line and column', () => {
    expect(caught(() => sparse('10 1:1 2\n')).message).toBe("s.txt:1: column 3: expected 'index:value', got '2'");
    expect(caught(() => sparse('10 -1:1\n')).message).toMatch(/^s\.txt:1: column 2: the feature index of '-1:1' must be an integer/);
    expect(caught(() => sparse('10 1:nan\n')).message).toBe("s.txt:1: column 2: 'nan' is not finite; features must be finite numbers");
    expect(caught(() => sparse('10 1:\n')).message).toBe("s.txt:1: column 2: '' is not a number");
    expect(caught(() => sparse('\n'))).toMatchObject({ code: 'EEMPTY' });
    expect(caught(() => sparse('10\n20\n')).message).toMatch(/no feature values, and no '# sparse features/);
  });

  it('refuses more stored values than the memory bound', () => {
    const e = caught(() => parseNodeFeatures('0 0:1 1:1 2:1\n', 's.txt', 2, { format: 'sparse', maxBytes: 30 }));
    expect(e).toMatchObject({ code: 'ETOOLARGE', line: 1 });
  });
});
