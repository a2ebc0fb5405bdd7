import * as tf from '@tensorflow/tfjs';
import { createRng } from '@contrastive/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Graph } from '../data/graph.js';
import { fromUndirectedEdges, validateGraph } from '../data/graph.js';
import { karateClub } from '../data/karate-club.js';
import { maskAttributes } from './attr-mask.js';
import { perturbEdges } from './edge-perturb.js';
import { dropNodes } from './node-drop.js';
import { AUGMENTATION_NAMES, graphAugmentation } from './registry.js';
import { subgraph } from './subgraph.js';

/** Karate club with distinguishable features: node i has feature row [i, 2i] so we can track nodes. */
function tracked(): Graph {
  const g = karateClub();
  const x = new Float32Array(34 * 2);
  for (let i = 0; i < 34; i++) x.set([i, 2 * i], 2 * i);
  const e = g.edgeIndex.length / 2;
  const edgeAttr = new Float32Array(e);
  for (let k = 0; k < e; k++) edgeAttr[k] = g.edgeIndex[k]! * 100 + g.edgeIndex[e + k]!;
  return { ...g, x, numFeatures: 2, edgeAttr, numEdgeFeatures: 1 };
}
function edgeSet(g: Graph, ids: (i: number) => number = (i) => i): Set<string> {
  const e = g.edgeIndex.length / 2;
  const s = new Set<string>();
  for (let k = 0; k < e; k++) s.add(`${ids(g.edgeIndex[k]!)}-${ids(g.edgeIndex[e + k]!)}`);
  return s;
}

// Augmentations are CPU index ops: they must not allocate tensors at all.
let before = 0;
beforeAll(async () => {
  await tf.setBackend('cpu');
  before = tf.memory().numTensors;
});
afterAll(() => {
  expect(tf.memory().numTensors).toBe(before);
});
describe('dropNodes', () => {
  it('removes floor(n·r) nodes and every edge touching them; surviving edges keep their features', () => {
    const g = tracked();
    const v = dropNodes(g, createRng(1), { ratio: 0.2 });
    validateGraph(v);
    expect(v.numNodes).toBe(34 - Math.floor(34 * 0.2));
    const orig = (i: number): number => v.x[2 * i]!;
    const kept = new Set(Array.from({ length: v.numNodes }, (_, i) => orig(i)));
    const expected = new Set([...edgeSet(g)].filter((s) => s.split('-').every((a) => kept.has(Number(a)))));
    expect(edgeSet(v, orig)).toEqual(expected);
    const e = v.edgeIndex.length / 2;
    for (let k = 0; k < e; k++) expect(v.edgeAttr![k]).toBe(orig(v.edgeIndex[k]!) * 100 + orig(v.edgeIndex[e + k]!));
    // labels follow nodes
    for (let i = 0; i < v.numNodes; i++) expect(v.nodeLabels![i]).toBe(g.nodeLabels![orig(i)]);
  });
  it('is deterministic per seed and keeps at least one node', () => {
    expect(dropNodes(tracked(), createRng(5)).x).toEqual(dropNodes(tracked(), createRng(5)).x);
    const one = fromUndirectedEdges(1, []);
    expect(dropNodes(one, createRng(1), { ratio: 0.9 }).numNodes).toBe(1);
    expect(() => dropNodes(one, createRng(1), { ratio: 1 })).toThrow(/ratio must be a number in \[0, 1\)/);
  });
});

describe('subgraph (JOAO BFS expansion)', () => {
  it('keeps floor(n·(1−r)) connected nodes and exactly the induced edges', () => {
    const g = tracked();
    for (const seed of [1, 2, 3]) {
      const v = subgraph(g, createRng(seed), { ratio: 0.2 });
      validateGraph(v);
      expect(v.numNodes).toBe(Math.floor(34 * 0.8));
      const orig = (i: number): number => v.x[2 * i]!;
      const kept = new Set(Array.from({ length: v.numNodes }, (_, i) => orig(i)));
      const expected = new Set([...edgeSet(g)].filter((s) => s.split('-').every((a) => kept.has(Number(a)))));
      expect(edgeSet(v, orig)).toEqual(expected);
      // connected: BFS over the subgraph reaches every node
      const seen = new Set([0]);
      const queue = [0];
      const e = v.edgeIndex.length / 2;
      while (queue.length) {
        const u = queue.pop()!;
        for (let k = 0; k < e; k++)
          if (v.edgeIndex[k] === u && !seen.has(v.edgeIndex[e + k]!)) {
            seen.add(v.edgeIndex[e + k]!);
            queue.push(v.edgeIndex[e + k]!);
          }
      }
      expect(seen.size).toBe(v.numNodes);
    }
  });
  it('stops at the component boundary', () => {
    const g = fromUndirectedEdges(6, [
      [0, 1],
      [1, 2],
      [3, 4],
      [4, 5],
    ]);
    const v = subgraph(g, createRng(7), { ratio: 0 });
    expect(v.numNodes).toBe(3);
  });
});

describe('perturbEdges', () => {
  it('removes and adds floor(m·r) undirected edges, stays symmetric and in range', () => {
    const g = tracked();
    const v = perturbEdges(g, createRng(3), { ratio: 0.2 });
    validateGraph(v);
    const removed = Math.floor(78 * 0.2);
    const before = edgeSet(g);
    const after = edgeSet(v);
    const kept = [...after].filter((s) => before.has(s));
    expect(kept.length).toBeGreaterThanOrEqual(2 * (78 - removed));
    expect(v.edgeIndex.length / 2).toBeLessThanOrEqual(156);
    for (const s of after) {
      const [a, b] = s.split('-');
      expect(after.has(`${b}-${a}`)).toBe(true);
    }
    // kept edges keep their features, added ones are zero
    const e = v.edgeIndex.length / 2;
    for (let k = 0; k < e; k++) {
      const a = v.edgeIndex[k]!;
      const b = v.edgeIndex[e + k]!;
      const attr = v.edgeAttr![k]!;
      expect(attr === a * 100 + b || attr === 0).toBe(true);
    }
  });
});

describe('maskAttributes', () => {
  it('replaces floor(n·r) rows with the mean and leaves the rest', () => {
    const g = tracked();
    const v = maskAttributes(g, createRng(4), { ratio: 0.3 });
    let changed = 0;
    for (let i = 0; i < 34; i++) {
      if (v.x[2 * i] !== g.x[2 * i]) {
        changed++;
        expect(v.x[2 * i]).toBeCloseTo(16.5, 4);
        expect(v.x[2 * i + 1]).toBeCloseTo(33, 4);
      }
    }
    expect(changed).toBe(Math.floor(34 * 0.3));
    expect(v.edgeIndex).toBe(g.edgeIndex);
  });
});

describe('graphAugmentation registry', () => {
  it('knows JOAO’s five augmentations and rejects others', () => {
    for (const a of AUGMENTATION_NAMES) validateGraph(graphAugmentation(a)(tracked(), createRng(1)));
    expect(() => graphAugmentation('rotate' as never)).toThrow(/augmentation must be one of 'nodeDrop'/);
  });
});
