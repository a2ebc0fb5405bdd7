import { describe, expect, it } from 'vitest';
import { parseEdgeList } from '../edge-list.js';
import { parseNodeFeatures } from './parse.js';
import { caught } from './test-utils/caught.js';

const IDS = [10, 20, 30000];
const dense = (text: string, ids: readonly number[] | number = IDS) => parseNodeFeatures(text, 'x.txt', ids, { format: 'dense' });

describe('dense node features', () => {
  it('aligns rows to the graph numbering when ids are names (any line order, header, comments, CSV)', () => {
    const g = parseEdgeList('10 20\n20 30000\n', 'e.txt');
    expect(g.nodeIds).toEqual(IDS);
    const f = dense('# a comment\nnode,a,b\n30000, 5, 6\n10,1,2\n\n20,3e0,-4.5\n', g.nodeIds);
    expect(f.kind).toBe('dense');
    if (f.kind !== 'dense') return;
    expect(f.numFeatures).toBe(2);
    expect(Array.from(f.x)).toEqual([1, 2, 3, -4.5, 5, 6]);
    // Whitespace (tabs, several spaces) and CRLF read the same.
    const ws = dense('10\t1   2\r\n20 3 -4.5\r\n30000 5 6\r\n');
    expect(ws).toEqual(f);
  });

  it('takes a node count for the ids 0..N-1', () => {
    const f = dense('1 0.5\n0 0.25\n', 2);
    expect(f.kind === 'dense' && Array.from(f.x)).toEqual([0.25, 0.5]);
  });

  it('refuses a missing node, naming how many and the first ids', () => {
    const e = caught(() => dense('20 1\n'));
    expect(e.code).toBe('ERANGE');
    expect(e.message).toBe(
      "x.txt: 2 of the graph's 3 nodes have no line (ids 10, 30000); a dense features file needs one line per node (the sparse form 'node index:value …' may leave all-zero rows out)",
    );
    const many = caught(() => dense('3 1\n', 10));
    expect(many.message).toMatch(/^x\.txt: 9 of the graph's 10 nodes have no line \(ids 0, 1, 2, 4, 5, …\)/);
  });

  it('refuses a duplicate node naming both lines', () => {
    const e = caught(() => dense('10 1\n20 2\n# c\n10 3\n30000 4\n'));
    expect(e).toMatchObject({ code: 'EBADROW', file: 'x.txt', line: 4 });
    expect(e.message).toBe('x.txt:4: node 10 again (its first line is 1); one line per node');
  });

  it('refuses an id that is not a node of the graph, naming the line', () => {
    const e = caught(() => dense('10 1\n11 2\n'));
    expect(e).toMatchObject({ code: 'ERANGE', line: 2 });
    expect(e.message).toBe(
      "x.txt:2: node id 11 is not a node of the graph (3 ids from 10 to 30000); a node in no edge is declared by a line '11 11' in the edge list",
    );
    expect(caught(() => dense('0 1\n2 1\n', 2)).message).toMatch(/^x\.txt:2: node id 2 is not a node of the graph \(ids 0\.\.1\)/);
  });

  it('refuses rows of different widths, naming the line that set the width', () => {
    const e = caught(() => dense('10 1 2 3\n20 1 2\n30000 1 2 3\n'));
    expect(e.message).toBe('x.txt:2: node 20 has 2 values, but line 1 has 3: every row needs the same number');
    expect(caught(() => dense('10\n')).message).toBe('x.txt:1: node 10 has no feature values');
  });

  it('refuses NaN, Inf, float32 overflow and non-numbers with line and column', () => {
    for (const [cell, why] of [
      ['NaN', "'NaN' is not finite"],
      ['-inf', "'-inf' is not finite"],
      ['Infinity', "'Infinity' is not finite"],
      ['1e39', "'1e39' overflows float32"],
      ['0x10', "'0x10' is not a number"],
      ['abc', "'abc' is not a number"],
    ]) {
      const e = caught(() => dense(`10 1 2\n20 3 ${cell}\n30000 5 6\n`));
      expect(e).toMatchObject({ code: 'EBADROW', line: 2 });
      expect(e.message.startsWith(`x.txt:2: column 3: ${why}`), e.message).toBe(true);
    }
    expect(caught(() => dense('10,1,,2\n')).message).toBe('x.txt:1: column 3 is empty');
  });

  it('refuses a bad id, a second header and an empty file', () => {
    expect(caught(() => dense('-1 2\n')).message).toMatch(
      /^x\.txt:1: expected 'node x_1 … x_F' starting with a non-negative integer node id, got '-1'/,
    );
    expect(caught(() => dense('node a\nnode b\n')).line).toBe(2);
    expect(caught(() => dense('1.5 2\n')).line).toBe(1);
    expect(caught(() => dense('# only a comment\n\n'))).toMatchObject({ code: 'EEMPTY', file: 'x.txt' });
  });

  it('refuses a matrix over the memory bound before allocating, suggesting the sparse form', () => {
    const e = caught(() => parseNodeFeatures('0 1 2 3\n', 'big.txt', 1_000_000, { format: 'dense', maxBytes: 1e7 }));
    expect(e).toMatchObject({ code: 'ETOOLARGE', line: 1 });
    expect(e.message).toMatch(
      /^big\.txt:1: dense features of 1,000,000 nodes × 3 features would take 12 MB of float32, over the 10 MB bound; .*sparse form/,
    );
  });
});
