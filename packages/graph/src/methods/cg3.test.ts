import * as tf from '@tensorflow/tfjs';
import { initBackend, stepInfo } from '@contrastive/core';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { karateClub } from '../data/karate-club.js';
import { fromUndirectedEdges } from '../data/graph.js';
import { maskedAccuracy } from '../eval/masked-accuracy.js';
import { CG3 } from './cg3.js';
import { GCNBaseline } from './gcn-baseline.js';
import { coarsenHierarchy, coarsenOnce } from './coarsen.js';

let before = 0;
beforeAll(async () => {
  await initBackend({ backend: 'wasm', log: false });
});
beforeEach(() => {
  before = tf.memory().numTensors;
});
afterEach(() => {
  expect(tf.memory().numTensors).toBe(before);
});

describe('hybrid-matching coarsening', () => {
  it('merges structurally equivalent nodes, then heavy edges, respecting the weight cap', () => {
    // Star: leaves 1..4 share the neighbour set {0} → one SEM group (cap 50); centre stays alone.
    const star = fromUndirectedEdges(5, [
      [0, 1],
      [0, 2],
      [0, 3],
      [0, 4],
    ]);
    const lv = coarsenOnce(star.edgeIndex, 5);
    expect(lv.numClusters).toBe(2);
    expect(new Set([1, 2, 3, 4].map((i) => lv.cluster[i])).size).toBe(1);
    expect(lv.edgeIndex.length / 2).toBe(2);
    // With a cap of 2 the leaves pair up instead.
    expect(coarsenOnce(star.edgeIndex, 5, { maxNodeWeight: 2 }).numClusters).toBe(3);
    // Path 0-1-2-3: HEM matches (0,1) and (2,3).
    const path = fromUndirectedEdges(4, [
      [0, 1],
      [1, 2],
      [2, 3],
    ]);
    const p = coarsenOnce(path.edgeIndex, 4);
    expect(p.numClusters).toBe(2);
    expect(p.cluster[0]).toBe(p.cluster[1]);
    expect(p.cluster[2]).toBe(p.cluster[3]);
  });
  it('shrinks the karate club level by level, every node in exactly one group', () => {
    const g = karateClub();
    const levels = coarsenHierarchy(g.edgeIndex, 34, 3);
    let n = 34;
    for (const lv of levels) {
      expect(lv.cluster.length).toBe(n);
      expect(lv.numClusters).toBeLessThan(n);
      expect(Math.max(...lv.cluster)).toBe(lv.numClusters - 1);
      expect(lv.nodeWeight.reduce((s, v) => s + v, 0)).toBe(34);
      n = lv.numClusters;
    }
  });
});

describe('CG3', () => {
  it('trains on the karate club with two labels and beats chance; loss decreases; no leaks', () => {
    const g = karateClub();
    const truth = g.nodeLabels!;
    const labels = new Int32Array(34).fill(-1);
    labels[0] = truth[0]!;
    labels[33] = truth[33]!;
    labels[1] = truth[1]!;
    labels[32] = truth[32]!;
    const task = { graph: g, labels, numClasses: 2 };
    const m = new CG3(task, { seed: 1, hiddenLocal: 16, hiddenGlobal: 16, dropout: 0.3, learningRate: 0.005 });
    const losses: number[] = [];
    for (let s = 0; s < 80; s++) {
      const l = m.step(task, stepInfo(s, { seed: 1 }));
      losses.push(l.dataSync()[0]!);
      l.dispose();
    }
    const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(mean(losses.slice(-10))).toBeLessThan(mean(losses.slice(0, 10)));
    const acc = maskedAccuracy(
      m.predict(),
      truth,
      Array.from(labels, (y) => y < 0),
    );
    expect(acc).toBeGreaterThan(0.8);
    expect(Object.keys(m.stateTensors())).toContain('global/down0/w');
    m.dispose();
    const b = new GCNBaseline(task, { seed: 1, hidden: 16 });
    b.step(task, stepInfo(0, { seed: 1 })).dispose();
    expect(b.predict().length).toBe(34);
    b.dispose();
  });
  it('rejects too few labels and out-of-range labels', () => {
    const g = karateClub();
    const labels = new Int32Array(34).fill(-1);
    labels[0] = 0;
    expect(() => new CG3({ graph: g, labels, numClasses: 2 })).toThrow(/at least 2 labelled/);
    labels[1] = 5;
    expect(() => new CG3({ graph: g, labels, numClasses: 2 })).toThrow(/labels\[1\] = 5/);
  });
});
