import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { csrFromCoo, csrToDense } from '../data/csr.js';
import { parseEdgeList } from '../data/edge-list.js';
import { parseNodeFeatures } from '../data/features/parse.js';
import { formatValue, writeNodeDataset } from './dataset-folder.js';
import { dropSmallClasses, type NodeDataset, undirectedEdges } from './node-dataset.js';

let root: string;
beforeEach(() => {
  root = mkdtempSync(path.join(tmpdir(), 'node-dataset-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

/** 4 nodes, 2 classes, edges 0–1 and 1–2 (node 3 isolated); node 2 has no feature. */
const tiny = (): NodeDataset => ({
  source: 'tiny',
  nodeNames: ['a.1', 'b.1', 'c\tx.3', 'd.3'],
  labels: Int32Array.from([0, 0, 1, 1]),
  classNames: ['1', '3'],
  edges: undirectedEdges(4, [
    [1, 0],
    [0, 1],
    [2, 1],
    [2, 2],
  ]),
  features: csrFromCoo(4, 3, [0, 0, 1, 3], [2, 0, 1, 0], [0.6, 0.8, 1, 1 / 3]),
  vocabulary: ['alpha', 'beta', 'gamma'],
  details: { note: 'x' },
  notice: '# Notice\n',
  extraFiles: { 'packages.tsv': 'package\tversion\tpages\np\t1\t4\n' },
});

const read = (dir: string, f: string) => readFileSync(path.join(dir, f), 'utf8');

describe('undirectedEdges', () => {
  it('stores each edge once as u < v, sorted, without self-loops', () => {
    expect(Array.from(tiny().edges)).toEqual([0, 1, 1, 2]);
  });
});

describe('dropSmallClasses', () => {
  it('renumbers the kept nodes and classes and reports the dropped ones', () => {
    const r = dropSmallClasses(Int32Array.from([0, 2, 0, 1, 2]), ['x', 'y', 'z', 'empty'], 2);
    expect(Array.from(r.keepNode)).toEqual([0, 1, 2, -1, 3]);
    expect(Array.from(r.labels)).toEqual([0, 1, 0, 1]);
    expect(r.classNames).toEqual(['x', 'z']);
    expect(r.dropped).toEqual([{ name: 'y', count: 1 }]);
    expect(() => dropSmallClasses(Int32Array.from([0, 0, 1]), ['x', 'y'], 2)).toThrow(/fewer than two classes/);
  });
});

describe('formatValue', () => {
  it('prints 6 significant digits without trailing zeros', () => {
    expect(formatValue(1 / 3)).toBe('0.333333');
    expect(formatValue(1)).toBe('1');
    expect(formatValue(0.000001234567)).toBe('0.00000123457');
  });
});

describe('writeNodeDataset', () => {
  it('writes the folder format exactly', () => {
    const out = path.join(root, 'ds');
    const summary = writeNodeDataset(out, tiny());
    expect(summary).toEqual({ N: 4, E: 2, C: 2, F: 3, nnz: 4, isolated: 1, classCounts: { '1': 2, '3': 2 } });
    expect(read(out, 'edges.txt')).toBe('0 1\n1 2\n3 3\n');
    expect(read(out, 'labels.txt')).toBe('0 0\n1 0\n2 1\n3 1\n');
    expect(read(out, 'features.txt')).toBe('# sparse features: 4 nodes, 3 features\n0 0:0.8 2:0.6\n1 1:1\n2\n3 0:0.333333\n');
    expect(read(out, 'classes.tsv')).toBe('id\tname\tcount\n0\t1\t2\n1\t3\t2\n');
    expect(read(out, 'nodes.tsv')).toBe('id\tname\n0\ta.1\n1\tb.1\n2\tc x.3\n3\td.3\n');
    expect(read(out, 'vocabulary.txt')).toBe('alpha\nbeta\ngamma\n');
    expect(JSON.parse(read(out, 'dataset.json'))).toMatchObject({ source: 'tiny', builderVersion: 1, N: 4, E: 2, nnz: 4, note: 'x' });
    expect(read(out, 'NOTICE.md')).toBe('# Notice\n');
    expect(read(out, 'packages.tsv')).toMatch(/^package\tversion\tpages\n/);
    expect(readdirSync(root)).toEqual(['ds']); // no temporary folder left
  });

  it("is read back by the package's edge-list reader with the same nodes, edges and labels", () => {
    const out = path.join(root, 'ds');
    writeNodeDataset(out, tiny());
    const g = parseEdgeList(read(out, 'edges.txt'), 'edges.txt', { labels: { text: read(out, 'labels.txt'), source: 'labels.txt' } });
    expect(g.numNodes).toBe(4);
    expect(g.nodeIds).toEqual([0, 1, 2, 3]);
    expect(Array.from(g.nodeLabels!)).toEqual([0, 0, 1, 1]);
    const f = parseNodeFeatures(read(out, 'features.txt'), 'features.txt', g.nodeIds);
    expect(f.kind).toBe('sparse');
    if (f.kind !== 'sparse') return;
    expect(f.matrix.numCols).toBe(3);
    expect(Array.from(csrToDense(f.matrix))).toEqual(
      Array.from(csrToDense(tiny().features)).map((v) => Math.fround(Number(formatValue(v)))),
    );
  });

  it('refuses a non-empty folder or a file without overwrite; with overwrite replaces the folder whole', () => {
    const out = path.join(root, 'ds');
    mkdirSync(out);
    writeFileSync(path.join(out, 'mine.txt'), 'user data');
    expect(() => writeNodeDataset(out, tiny())).toThrow(/non-empty folder/);
    expect(read(out, 'mine.txt')).toBe('user data');
    writeFileSync(path.join(root, 'file'), 'x');
    expect(() => writeNodeDataset(path.join(root, 'file'), tiny())).toThrow(/not a folder/);
    writeNodeDataset(out, tiny(), { overwrite: true });
    expect(existsSync(path.join(out, 'mine.txt'))).toBe(false);
    expect(read(out, 'edges.txt')).toBe('0 1\n1 2\n3 3\n');
    expect(readdirSync(root).sort()).toEqual(['ds', 'file']);
  });

  it('writes into an existing empty folder and refuses an inconsistent dataset before writing', () => {
    const out = path.join(root, 'empty');
    mkdirSync(out);
    writeNodeDataset(out, tiny());
    expect(read(out, 'labels.txt')).toBe('0 0\n1 0\n2 1\n3 1\n');
    const bad = { ...tiny(), labels: Int32Array.from([0, 1]) };
    expect(() => writeNodeDataset(path.join(root, 'bad'), bad)).toThrow(/inconsistent dataset/);
    expect(existsSync(path.join(root, 'bad'))).toBe(false);
  });
});
