import * as tf from '@tensorflow/tfjs';
import { createRng, initBackend, stepInfo } from '@contrastive/core';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { dropUndirectedEdges, featureColumnMask, nodeView } from '../augment/node-views.js';
import { csrToDense, denseToCsr } from '../data/csr.js';
import type { Graph } from '../data/graph.js';
import { fromUndirectedEdges } from '../data/graph.js';
import { nodeInputs } from '../layers/node-inputs.js';
import { SparseOperand } from '../layers/sparse-operand.js';
import { GraphCLNode } from './graphcl-node.js';

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

/** Two 20-node rings joined by one edge; features: the ring's own word plus a shared one. */
function twoRings(): { graph: Graph; truth: Int32Array } {
  const pairs: [number, number][] = [[0, 20]];
  const x = new Float32Array(40 * 3);
  const truth = new Int32Array(40);
  for (let i = 0; i < 40; i++) {
    const c = i < 20 ? 0 : 1;
    pairs.push([i, c * 20 + ((i + 1) % 20)]);
    x[i * 3 + c] = 1;
    x[i * 3 + 2] = 0.5;
    truth[i] = c;
  }
  return { graph: fromUndirectedEdges(40, pairs, { features: x, numFeatures: 3 }), truth };
}

describe('node views', () => {
  it('drops undirected edges in both directions together, about the given share, reproducibly', () => {
    const { graph } = twoRings();
    const kept = dropUndirectedEdges(graph.edgeIndex, 0.5, createRng(1));
    const e = kept.length / 2;
    const pairs = new Set(Array.from({ length: e }, (_, k) => `${kept[k]}-${kept[e + k]}`));
    for (const p of pairs) expect(pairs.has(p.split('-').reverse().join('-'))).toBe(true);
    expect(e).toBeGreaterThan(0.3 * (graph.edgeIndex.length / 2));
    expect(e).toBeLessThan(0.7 * (graph.edgeIndex.length / 2));
    expect(Array.from(dropUndirectedEdges(graph.edgeIndex, 0.5, createRng(1)))).toEqual(Array.from(kept));
    expect(dropUndirectedEdges(graph.edgeIndex, 0, createRng(1)).length).toBe(graph.edgeIndex.length);
  });
  it('masks the same feature columns for every node, dense and sparse alike', () => {
    const { graph } = twoRings();
    const mask = featureColumnMask(3, 0.5, createRng(4));
    const dense = nodeInputs(graph);
    const sparse = { ...dense, x: new SparseOperand(denseToCsr(graph.x, 40, 3)) };
    const a = nodeView(dense, graph.edgeIndex, { edgeRate: 0, featureRate: 0.5 }, createRng(4));
    const b = nodeView(sparse, graph.edgeIndex, { edgeRate: 0, featureRate: 0.5 }, createRng(4));
    const xa = (a.x as tf.Tensor2D).dataSync();
    const xb = csrToDense((b.x as SparseOperand).matrix);
    // edgeRate 0 draws one number per undirected edge first, then the mask: recompute the mask after those draws.
    const rng = createRng(4);
    dropUndirectedEdges(graph.edgeIndex, 0, rng);
    const expected = featureColumnMask(3, 0.5, rng);
    for (let i = 0; i < 40; i++)
      for (let j = 0; j < 3; j++) {
        expect(xa[i * 3 + j]).toBe(expected[j] ? graph.x[i * 3 + j] : 0);
        expect(xb[i * 3 + j]).toBe(xa[i * 3 + j]);
      }
    expect(mask.length).toBe(3);
    tf.dispose([a.x as tf.Tensor, dense.x as tf.Tensor]);
  });
});

describe('GraphCLNode', () => {
  it('trains without labels in the loss: the loss falls, the labels do not change it, the probe predicts every node', () => {
    const { graph, truth } = twoRings();
    const labels = Int32Array.from(truth, (y, i) => (i % 10 === 0 ? y : -1));
    const other = Int32Array.from(labels, (y) => (y < 0 ? y : 1 - y));
    const m = new GraphCLNode({ graph, labels, numClasses: 2 }, { seed: 1, hidden: 8, learningRate: 0.01 });
    const flipped = new GraphCLNode({ graph, labels: other, numClasses: 2 }, { seed: 1, hidden: 8, learningRate: 0.01 });
    const losses: number[] = [];
    for (let s = 0; s < 30; s++) {
      const l = m.step(m.task, stepInfo(s, { seed: 3 }));
      const f = flipped.step(flipped.task, stepInfo(s, { seed: 3 }));
      losses.push(l.dataSync()[0]!);
      expect(f.dataSync()[0]).toBeCloseTo(losses.at(-1)!, 5);
      tf.dispose([l, f]);
    }
    expect(losses.slice(-5).reduce((a, b) => a + b) / 5).toBeLessThan(losses.slice(0, 5).reduce((a, b) => a + b) / 5);
    const p = m.predict();
    expect(p.length).toBe(40);
    let right = 0;
    p.forEach((y, i) => {
      if (y === truth[i]) right++;
    });
    expect(right / 40).toBeGreaterThan(0.8);
    m.dispose();
    flipped.dispose();
  });
  it('contrasts a sample of contrastNodes nodes per step and refuses bad rates', () => {
    const { graph, truth } = twoRings();
    const task = { graph, labels: Int32Array.from(truth, (y, i) => (i % 10 === 0 ? y : -1)), numClasses: 2 };
    const m = new GraphCLNode(task, { seed: 1, hidden: 8, contrastNodes: 6 });
    const a = m.loss(createRng(2));
    const b = m.loss(createRng(2));
    expect(a.dataSync()[0]).toBe(b.dataSync()[0]);
    tf.dispose([a, b]);
    m.dispose();
    expect(() => new GraphCLNode(task, { edgeDropRate: 1 })).toThrow(/edgeDropRate must be in \[0, 1\)/);
    expect(() => new GraphCLNode(task, { contrastNodes: 1 })).toThrow(/contrastNodes/);
  });
});
