/**
 * Fault cases of the node-level path (edge lists, labels, CG3 and the GCN baseline): issue items 3, 4 and 10.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { truncateSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { stepInfo } from '@contrastive/core';
import { faultCase, faultTitle, runIsolated, useLeakCheck, useTempDir } from '@contrastive/test-utils';
import { describe, expect, it } from 'vitest';
import { run } from '../cli/main.js';
import { loadEdgeList } from '../data/edge-list-file.js';
import { parseEdgeList } from '../data/edge-list.js';
import { GraphDataError } from '../data/errors.js';
import type { Graph } from '../data/graph.js';
import { fromUndirectedEdges, MAX_IDENTITY_NODES } from '../data/graph.js';
import { loadMolecules } from '../data/molecule-files.js';
import { MAX_TEXT_FILE_BYTES } from '../data/read-text.js';
import { maskedAccuracy } from '../eval/masked-accuracy.js';
import { gcnNorm } from '../layers/gcn-norm.js';
import { CG3 } from '../methods/cg3.js';
import { coarsenHierarchy } from '../methods/coarsen.js';
import { GCNBaseline } from '../methods/gcn-baseline.js';
import { FAULT_CASES } from './cases.js';
import { karateFiles, writeKarateVariant } from './fixtures.js';

const tmp = useTempDir('graph-faults-nodes-');
const row = (id: string) => faultTitle(faultCase(FAULT_CASES, id));
function capture(): { out: string[]; err: string[]; io: { out: (s: string) => void; err: (s: string) => void } } {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { out: (s) => out.push(s), err: (s) => err.push(s) } };
}
const CLI_CHILD = fileURLToPath(new URL('./cli.child.ts', import.meta.url));

useLeakCheck({ backend: 'wasm' });

/** The karate club (+ extra lines) parsed from its files, as the CLI reads it. */
function karateVariant(extraEdges: string[], extraLabels: string[]): Graph {
  const k = karateFiles();
  return parseEdgeList(k.edges + extraEdges.join('\n'), 'g.edges', {
    labels: { text: k.labels + extraLabels.join('\n'), source: 'g.labels' },
  });
}

/**
 * CG3 with its default options (dropout 0.6 on the one-hot inputs) trained 100 full-batch steps with the
 * labels of nodes 0, 1, 32, 33; returns every loss and the accuracy on the other karate nodes (0..33).
 */
function trainCG3(g: Graph): { losses: number[]; accuracy: number } {
  const truth = g.nodeLabels!;
  const labels = new Int32Array(g.numNodes).fill(-1);
  for (const i of [0, 1, 32, 33]) labels[i] = truth[i]!;
  const task = { graph: g, labels, numClasses: 2 };
  const m = new CG3(task, { seed: 0 });
  const losses: number[] = [];
  for (let s = 0; s < 100; s++) {
    const l = m.step(task, stepInfo(s, { seed: 0 }));
    losses.push(l.dataSync()[0]!);
    l.dispose();
  }
  const evalMask = Array.from(labels, (y, i) => y < 0 && i < 34);
  const accuracy = maskedAccuracy(m.predict(), truth, evalMask);
  m.dispose();
  return { losses, accuracy };
}

describe('item 3: CG3 on graphs with an isolated node or a second component', () => {
  let connected = 0;
  it('(reference) the connected karate club', () => {
    const r = trainCG3(karateVariant([], []));
    expect(r.losses.every(Number.isFinite)).toBe(true);
    connected = r.accuracy;
    expect(connected).toBeGreaterThan(0.8);
  });
  it(row('graph/cg3-isolated-node'), async () => {
    const g = karateVariant(['34 34'], ['34 0']);
    expect(g.numNodes).toBe(35);
    const r = trainCG3(g);
    expect(r.losses.every(Number.isFinite), `losses ${r.losses.slice(0, 3).join(', ')}`).toBe(true);
    expect(r.accuracy).toBeGreaterThanOrEqual(connected - 0.1);
    // The CLI on the files: exit 0, a finite loss.
    const f = writeKarateVariant(tmp('iso'), ['34 34'], ['34 0']);
    const c = capture();
    const args = ['train', '--method', 'cg3', '--edges', f.edges, '--labels', f.labels, '--epochs', '20', '--backend', 'wasm'];
    expect(await run([...args, '--no-progress', '--json', '--out', tmp('iso-run')], c.io), c.err.join('\n')).toBe(0);
    const s = JSON.parse(c.out.at(-1)!);
    expect(Number.isFinite(s.finalLoss)).toBe(true);
    expect(s.metrics.nodes).toBe(35);
  });
  it(row('graph/cg3-second-component'), async () => {
    const g = karateVariant(['34 35'], ['34 0', '35 1']);
    expect(g.numNodes).toBe(36);
    const r = trainCG3(g);
    expect(r.losses.every(Number.isFinite)).toBe(true);
    expect(r.accuracy).toBeGreaterThanOrEqual(connected - 0.1);
    const f = writeKarateVariant(tmp('comp'), ['34 35'], ['34 0', '35 1']);
    const c = capture();
    const args = ['train', '--method', 'cg3', '--edges', f.edges, '--labels', f.labels, '--epochs', '20', '--backend', 'wasm'];
    expect(await run([...args, '--no-progress', '--json', '--out', tmp('comp-run')], c.io), c.err.join('\n')).toBe(0);
    expect(Number.isFinite(JSON.parse(c.out.at(-1)!).finalLoss)).toBe(true);
  });
  it(row('graph/degree-normalisation-isolated'), () => {
    // Nodes 3 and 6 isolated, {0,1,2} and {4,5} two components.
    const g = fromUndirectedEdges(7, [
      [0, 1],
      [1, 2],
      [4, 5],
    ]);
    const a = gcnNorm(g.edgeIndex, g.numNodes);
    expect(a.weight.every(Number.isFinite)).toBe(true);
    const self3 = Array.from(a.src.keys()).find((k) => a.src[k] === 3 && a.dst[k] === 3)!;
    expect(a.weight[self3]).toBe(1);
    for (const lv of coarsenHierarchy(g.edgeIndex, g.numNodes, 3)) {
      expect(lv.edgeWeight.every(Number.isFinite)).toBe(true);
      expect(new Set(lv.cluster).size).toBe(lv.numClusters);
    }
    const truth = Int32Array.from([0, 0, 0, 1, 1, 1, 1]);
    const labels = Int32Array.from([0, -1, -1, 1, 1, -1, -1]);
    const task = { graph: { ...g, nodeLabels: truth }, labels, numClasses: 2 };
    for (const m of [new CG3(task, { seed: 3, hiddenLocal: 8, hiddenGlobal: 8 }), new GCNBaseline(task, { seed: 3, hidden: 8 })]) {
      for (let s = 0; s < 20; s++) {
        const l = m.step(task, stepInfo(s, { seed: 3 }));
        expect(Number.isFinite(l.dataSync()[0]), `${m.name} step ${s}`).toBe(true);
        l.dispose();
      }
      for (const v of Object.values(m.stateTensors()))
        expect(
          tf.tidy(() => tf.all(tf.isFinite(v)).dataSync()[0]),
          v.name,
        ).toBe(1);
      m.dispose();
    }
  });
});

describe('item 4: sizes come from what the files hold', () => {
  it(row('graph/edge-ids-are-names'), async () => {
    const g = parseEdgeList('0 1\n1 30000\n', 'e.txt');
    expect(g.numNodes).toBe(3);
    expect(g.nodeIds).toEqual([0, 1, 30000]);
    expect(g.x.length).toBe(9);
    const big = parseEdgeList('4000000000 7\n7 9\n', 'big.txt', { labels: { text: '4000000000 1\n9 0\n', source: 'l.txt' } });
    expect(big.nodeIds).toEqual([7, 9, 4000000000]);
    expect(Array.from(big.nodeLabels!)).toEqual([-1, 0, 1]);
    // A file using exactly 0..N-1 keeps its ids (the karate club is read as before).
    expect(parseEdgeList(karateFiles().edges, 'k').nodeIds).toEqual(Array.from({ length: 34 }, (_, i) => i));
    // The whole CLI run on the 2-line file, in a child with a bounded memory: was 7 GB of one-hot features.
    const edges = tmp('sparse-ids.edges');
    const labels = tmp('sparse-ids.labels');
    writeFileSync(edges, '0 1\n1 30000\n');
    // Three labelled nodes: a training label per class and one left to test on.
    writeFileSync(labels, '0 0\n1 0\n30000 1\n');
    const r = await runIsolated(CLI_CHILD, {
      args: ['train', '--method', 'cg3', '--edges', edges, '--labels', labels, '--epochs', '3', '--backend', 'wasm', '--json'],
      cwd: tmp(),
      timeoutMs: 60_000,
    });
    expect(r.timedOut).toBe(false);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout.trim().split('\n').at(-1)!).metrics.nodes).toBe(3);
    expect(r.peakRssMb).toBeLessThan(600);
  });
  it(row('graph/cg3-large-graph-memory'), async () => {
    // A planted-partition graph: 10 classes, each node linked to 5 random nodes (same class with p 0.8) and
    // described by 20 words drawn mostly from its class's 50-word slice of a 500-word vocabulary.
    const n = 20_000;
    let state = 12345;
    const rand = (): number => {
      state = (state * 1103515245 + 12345) % 2147483648;
      return state / 2147483648;
    };
    const cls = (i: number): number => i % 10;
    const edges: string[] = [];
    const labels: string[] = [];
    const features: string[] = ['# sparse features: 20000 nodes, 500 features'];
    for (let i = 0; i < n; i++) {
      for (let k = 0; k < 5; k++) {
        const same = rand() < 0.8;
        const j = same ? cls(i) + 10 * Math.floor(rand() * (n / 10)) : Math.floor(rand() * n);
        if (j !== i) edges.push(`${i} ${j}`);
      }
      labels.push(`${i} ${cls(i)}`);
      const words = new Set<number>();
      while (words.size < 20) words.add(rand() < 0.7 ? cls(i) * 50 + Math.floor(rand() * 50) : Math.floor(rand() * 500));
      features.push(
        `${i} ${[...words]
          .sort((a, b) => a - b)
          .map((w) => `${w}:1`)
          .join(' ')}`,
      );
    }
    const [e, l, f] = [tmp('big.edges'), tmp('big.labels'), tmp('big.features')];
    writeFileSync(e, `${edges.join('\n')}\n`);
    writeFileSync(l, `${labels.join('\n')}\n`);
    writeFileSync(f, `${features.join('\n')}\n`);
    const r = await runIsolated(CLI_CHILD, {
      args: [
        'train',
        '--method',
        'cg3',
        '--edges',
        e,
        '--labels',
        l,
        '--features',
        f,
        '--epochs',
        '2',
        '--backend',
        'wasm',
        '--json',
        '--out',
        tmp('big-run'),
      ],
      cwd: tmp(),
      timeoutMs: 240_000,
    });
    expect(r.timedOut).toBe(false);
    expect(r.exitCode, r.stderr).toBe(0);
    const summary = JSON.parse(r.stdout.trim().split('\n').at(-1)!);
    expect(summary.metrics).toMatchObject({ nodes: n, features: 500, validationNodes: 500, testNodes: 1000 });
    expect(typeof summary.baselines.gcn.accuracy).toBe('number');
    expect(r.peakRssMb).toBeLessThan(1200);
  }, 300_000);
  it(row('graph/identity-features-bound'), () => {
    const path = Array.from({ length: MAX_IDENTITY_NODES }, (_, i) => `${i} ${i + 1}`).join('\n');
    expect(() => parseEdgeList(path, 'path.edges')).toThrow(
      /path\.edges: 5,001 nodes and no node features: one-hot identity features would be 5,001² float32 values \(100 MB\); they are built only up to 5,000 nodes\. Give node features/,
    );
    expect(parseEdgeList(path.split('\n').slice(1).join('\n'), 'p').numNodes).toBe(MAX_IDENTITY_NODES);
    const err = (() => {
      try {
        parseEdgeList('0 1\n', 'idx.edges', { numNodes: 30001 });
      } catch (e) {
        return e as GraphDataError;
      }
    })();
    expect(err).toBeInstanceOf(GraphDataError);
    expect(err).toMatchObject({ code: 'ETOOLARGE', file: 'idx.edges' });
    expect(err!.message).toMatch(/3\.6 GB/);
    expect(() => fromUndirectedEdges(4e9, [[0, 1]])).toThrow(/4,000,000,000 nodes/);
    // With features there is no N×N allocation: the bound does not apply.
    const n = MAX_IDENTITY_NODES + 1;
    expect(fromUndirectedEdges(n, [[0, 1]], { features: new Float32Array(n), numFeatures: 1 }).numNodes).toBe(n);
  });
  it(row('graph/label-1e6'), () => {
    const g = parseEdgeList('0 1\n1 2\n', 'e.txt', { labels: { text: '0 1000000\n1 0\n2 -1\n', source: 'l.txt' } });
    expect(Array.from(g.nodeLabels!)).toEqual([1, 0, -1]);
    expect(g.classValues).toEqual([0, 1000000]);
  });
  it(row('graph/labels-unknown-node'), () => {
    const labels = { text: '0 0\n30000 1\n7 0\n', source: 'l.txt' };
    expect(() => parseEdgeList('0 1\n1 30000\n', 'e.txt', { labels })).toThrow(
      /l\.txt:3: expected 'node label' with a node id of e\.txt and an integer label, got '7 0'; a node in no edge is declared by a line '7 7' there/,
    );
    expect(() => parseEdgeList('0 1\n1 30000\n', 'e.txt', { labels: { text: '0 x\n', source: 'l.txt' } })).toThrow(
      expect.objectContaining({ code: 'EBADROW', file: 'l.txt', line: 1 }),
    );
  });
  it(row('graph/text-file-bound'), () => {
    const huge = tmp('huge.edges');
    // A sparse file: its size is over the bound, its disk use nothing.
    writeFileSync(huge, '0 1\n');
    truncateSync(huge, MAX_TEXT_FILE_BYTES + 1);
    expect(() => loadEdgeList(huge)).toThrow(/huge\.edges: edge list of 500 MB; text inputs are read whole and refused over 500 MB/);
    expect(() => loadMolecules({} as never, huge)).toThrow(expect.objectContaining({ code: 'ETOOLARGE', file: huge }));
  });
});

describe('item 10: one class is no classification task', () => {
  it(row('graph/one-class-labels'), async () => {
    const edges = tmp('one.edges');
    const labels = tmp('one.labels');
    writeFileSync(edges, karateFiles().edges);
    writeFileSync(labels, Array.from({ length: 34 }, (_, i) => `${i} 0`).join('\n'));
    const c = capture();
    const args = ['train', '--method', 'cg3', '--edges', edges, '--labels', labels, '--backend', 'wasm', '--out', tmp('one-run')];
    expect(await run(args, c.io)).toBe(1);
    expect(c.err.join('\n')).toMatch(
      /one\.labels: one class \(label 0, 34 node\(s\)\); node classification needs labelled nodes of at least two classes/,
    );
    expect(c.err.join('\n')).not.toMatch(/at least 2 labelled nodes/);
    // The constructors say the same when given one class.
    const g = karateVariant([], []);
    const one = new Int32Array(34).fill(-1);
    one[0] = 0;
    one[1] = 0;
    expect(() => new CG3({ graph: g, labels: one, numClasses: 2 })).toThrow(
      /CG3 needs labelled nodes of at least two classes, got 2 labelled node\(s\) all of class 0/,
    );
    expect(() => new GCNBaseline({ graph: g, labels: one, numClasses: 1 })).toThrow(/needs at least two classes, got task\.numClasses = 1/);
  });
});
