import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { useCpuLeakCheck, useTempDir } from '@contrastive/test-utils';
import { describe, expect, it } from 'vitest';
import { run } from './main.js';

const tmp = useTempDir('contrastive-graph-nodes-');
function capture(): { out: string[]; err: string[]; io: { out: (s: string) => void; err: (s: string) => void } } {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { out: (s) => out.push(s), err: (s) => err.push(s) } };
}
useCpuLeakCheck();

/**
 * Two 30-node communities (ids 100.., names not indices) joined by one edge, labels = community, sparse
 * features: word 0 or 1 by community, plus one of nine shared noise words.
 */
function writeGraph(dir: string): { edges: string; labels: string; features: string } {
  const id = (i: number): number => 100 + 7 * i;
  const edges: string[] = [];
  const labels: string[] = [];
  const features: string[] = ['# sparse features: 60 nodes, 11 features'];
  for (let i = 0; i < 60; i++) {
    const c = i < 30 ? 0 : 1;
    const base = c * 30;
    edges.push(`${id(i)} ${id(base + ((i - base + 1) % 30))}`, `${id(i)} ${id(base + ((i - base + 7) % 30))}`);
    labels.push(`${id(i)} ${c}`);
    features.push(`${id(i)} ${c}:1 ${2 + (i % 9)}:0.5`);
  }
  edges.push(`${id(0)} ${id(30)}`);
  const paths = { edges: join(dir, 'edges.txt'), labels: join(dir, 'labels.txt'), features: join(dir, 'features.txt') };
  writeFileSync(paths.edges, `${edges.join('\n')}\n`);
  writeFileSync(paths.labels, `${labels.join('\n')}\n`);
  writeFileSync(paths.features, `${features.join('\n')}\n`);
  return paths;
}

const common = ['--backend', 'cpu', '--no-progress', '--json', '--hidden', '8'];

describe('node methods: features, the Planetoid split and best-of-validation selection', () => {
  it('trains gcn, mlp, cg3 and graphcl-node on a graph with sparse features from a file; writes the splits with file ids', async () => {
    const g = writeGraph(tmp());
    const data = ['--edges', g.edges, '--labels', g.labels, '--features', g.features, '--labels-per-class', '3', '--validation', '10'];
    for (const method of ['gcn', 'mlp', 'cg3', 'graphcl-node']) {
      const c = capture();
      const out = tmp(method);
      expect(await run(['train', '--method', method, ...data, '--epochs', '4', '--out', out, ...common], c.io), c.err.join('\n')).toBe(0);
      const s = JSON.parse(c.out.at(-1)!);
      expect(s.metrics).toMatchObject({ nodes: 60, features: 11, labelsPerClass: 3, trainNodes: 6, validationNodes: 10, testNodes: 44 });
      expect(s.metrics.accuracy).toBeGreaterThanOrEqual(0);
      const split = JSON.parse(readFileSync(join(out, 'splits', 'seed-0.json'), 'utf8'));
      const ids = [...split.train, ...split.validation, ...split.test];
      expect(new Set(ids).size).toBe(60);
      expect(ids.every((x: number) => x >= 100 && (x - 100) % 7 === 0)).toBe(true);
      if (method === 'cg3') expect(typeof s.baselines.gcn.accuracy).toBe('number');
      if (method === 'graphcl-node') expect(typeof s.baselines.randomInit.accuracy).toBe('number');
    }
  });
  it('the features separate the communities: the MLP learns them from the file (above chance on the test nodes)', async () => {
    const g = writeGraph(tmp());
    const c = capture();
    const args = ['train', '--method', 'mlp', '--edges', g.edges, '--labels', g.labels, '--features', g.features, '--epochs', '60'];
    expect(
      await run([...args, '--labels-per-class', '5', '--out', tmp('mlp-separates'), ...common, '--dropout', '0'], c.io),
      c.err.join('\n'),
    ).toBe(0);
    expect(JSON.parse(c.out.at(-1)!).metrics.accuracy).toBeGreaterThan(0.9);
  });
  it('a resumed run selects the same epoch and reports the same accuracy as an uninterrupted one', async () => {
    const g = writeGraph(tmp());
    const data = ['--method', 'gcn', '--edges', g.edges, '--labels', g.labels, '--features', g.features, '--labels-per-class', '3'];
    const straight = capture();
    expect(await run(['train', ...data, '--epochs', '8', '--checkpoint-every', '1', '--out', tmp('a'), ...common], straight.io)).toBe(0);
    const first = capture();
    expect(await run(['train', ...data, '--epochs', '4', '--checkpoint-every', '1', '--out', tmp('b'), ...common], first.io)).toBe(0);
    expect(existsSync(join(tmp('b'), 'selection', 'seed-0.json'))).toBe(true);
    const resumed = capture();
    expect(await run(['train', '--resume', '--epochs', '8', '--out', tmp('b'), ...common], resumed.io), resumed.err.join('\n')).toBe(0);
    const [a, b] = [JSON.parse(straight.out.at(-1)!), JSON.parse(resumed.out.at(-1)!)];
    expect(b.metrics.accuracy).toBe(a.metrics.accuracy);
    expect(b.metrics.validationAccuracy).toBe(a.metrics.validationAccuracy);
    expect(b.notes.find((n: string) => n.startsWith('test accuracy at the best'))).toBe(
      a.notes.find((n: string) => n.startsWith('test accuracy at the best')),
    );
  });
  it('refuses --features without --edges, a bad --test, and --dropout for graphcl-node (exit 2)', async () => {
    for (const [args, message] of [
      [['--method', 'gcn', '--features', 'f.txt'], /--features needs --edges/],
      [['--method', 'gcn', '--test', 'some'], /--test/],
      [['--method', 'graphcl-node', '--dropout', '0.5'], /--dropout does not apply to graphcl-node/],
    ] as const) {
      const c = capture();
      expect(await run(['train', ...args, '--out', tmp('x'), ...common], c.io)).toBe(2);
      expect(c.err.join('\n')).toMatch(message);
    }
  });
});
