import { describe, expect, it } from 'vitest';
import { csrToDense, denseToCsr } from '../csr.js';
import { parseNodeFeatures } from './parse.js';
import { caught } from './test-utils/caught.js';

const IDS = [10, 20, 30000];
/** One 3 × 4 matrix: rows for the ids 10, 20, 30000. */
const X = [
  [0, 1.5, 0, 0],
  [0, 0, 0, 0],
  [2, 0, 0, -3],
];
const DENSE = X.map((r, i) => `${IDS[i]} ${r.join(' ')}`).join('\n');
const SPARSE = '10 1:1.5\n30000 0:2 3:-3\n';
// Matrix Market rows are file id + 1, so the matrix has 30001 rows.
const MTX = '%%MatrixMarket matrix coordinate real general\n30001 4 3\n11 2 1.5\n30001 1 2\n30001 4 -3\n';

describe('parseNodeFeatures: auto-detection and agreement of the formats', () => {
  it('detects each format', () => {
    expect(parseNodeFeatures(DENSE, 'd', IDS).kind).toBe('dense');
    expect(parseNodeFeatures(SPARSE, 's', IDS).kind).toBe('sparse');
    expect(parseNodeFeatures(MTX, 'm', IDS).kind).toBe('sparse');
    // Headers and comments before the first row; the sparse header alone decides too.
    expect(parseNodeFeatures(`# comment\n\nnode f1 f2 f3 f4\n${DENSE}`, 'd', IDS).kind).toBe('dense');
    expect(parseNodeFeatures(`# c\nnode features\n${SPARSE}`, 's', IDS).kind).toBe('sparse');
    expect(parseNodeFeatures('# sparse features: 3 nodes, 4 features\n10\n', 's', IDS)).toMatchObject({
      kind: 'sparse',
      matrix: { numCols: 4 },
    });
    expect(parseNodeFeatures(`\n${MTX}`, 'm', IDS).kind).toBe('sparse');
    // A sparse file may start with a node that has no values; a lone id does not decide.
    expect(parseNodeFeatures(`20\n${SPARSE}`, 's', IDS)).toMatchObject({ kind: 'sparse', missingRows: 0 });
    expect(caught(() => parseNodeFeatures('10\n20\n', 'd', IDS)).message).toBe('d:1: node 10 has no feature values');
    // An empty input is the dense reader's error.
    expect(caught(() => parseNodeFeatures('# nothing\n', 'e', IDS))).toMatchObject({ code: 'EEMPTY', file: 'e' });
  });

  it('reads the same matrix from the dense, sparse and Matrix Market forms', () => {
    const d = parseNodeFeatures(DENSE, 'd', IDS);
    const s = parseNodeFeatures(SPARSE, 's', IDS);
    const m = parseNodeFeatures(MTX, 'm', IDS);
    if (d.kind !== 'dense' || s.kind !== 'sparse' || m.kind !== 'sparse') throw new Error('unexpected kinds');
    expect(Array.from(d.x)).toEqual(X.flat());
    expect(s.matrix).toEqual(denseToCsr(d.x, 3, 4));
    expect(m.matrix).toEqual(s.matrix);
    expect([s.missingRows, m.missingRows]).toEqual([1, 1]);
    const arr = `%%MatrixMarket matrix array real general\n3 4\n${[0, 1, 2, 3].flatMap((c) => X.map((r) => r[c])).join('\n')}\n`;
    expect(parseNodeFeatures(arr, 'a', 3)).toEqual({ kind: 'dense', x: d.x, numFeatures: 4 });
    expect(Array.from(csrToDense(m.matrix))).toEqual(X.flat());
  });

  it('refuses an unknown format and a bad bound or nodeIds', () => {
    expect(() => parseNodeFeatures(DENSE, 'd', IDS, { format: 'csv' as never })).toThrow(
      "format must be one of auto, dense, sparse, mtx, got 'csv'",
    );
    expect(() => parseNodeFeatures(DENSE, 'd', IDS, { maxBytes: 0 })).toThrow('maxBytes must be a number > 0, got 0');
    expect(() => parseNodeFeatures(DENSE, 'd', [20, 10])).toThrow(
      'nodeIds must be ascending distinct non-negative integers; nodeIds[1] = 10',
    );
    expect(() => parseNodeFeatures(DENSE, 'd', 0)).toThrow(/a node count must be an integer >= 1/);
  });
});
