import * as tf from '@tensorflow/tfjs';
import { createRng, initBackend, l2Normalize, stepInfo } from '@contrastive/core';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { denseToCsr } from '../data/csr.js';
import type { Graph } from '../data/graph.js';
import { fromUndirectedEdges } from '../data/graph.js';
import { karateClub } from '../data/karate-club.js';
import { gcnNorm } from '../layers/gcn-norm.js';
import { cg3ReconstructionLoss } from '../losses/cg3-losses.js';
import { CG3 } from './cg3.js';
import { GCNBaseline } from './gcn-baseline.js';
import type { NodeTask } from './node-task.js';

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

/** The karate club's task with two labels per faction. */
function karateTask(graph: Graph = karateClub()): NodeTask {
  const labels = new Int32Array(34).fill(-1);
  for (const i of [0, 1]) labels[i] = 0;
  for (const i of [32, 33]) labels[i] = 1;
  return { graph, labels, numClasses: 2 };
}

/** A random graph with sparse-ish dense features (so the CSR form has real zeros). */
function randomGraph(n: number, f: number, seed: number): Graph {
  const rng = createRng(seed);
  const pairs: [number, number][] = [];
  for (let i = 1; i < n; i++) pairs.push([i, rng.int(i)]);
  for (let k = 0; k < n; k++) pairs.push([rng.int(n), rng.int(n)]);
  const x = Float32Array.from({ length: n * f }, () => (rng.uniform() < 0.2 ? rng.uniform() : 0));
  return fromUndirectedEdges(n, pairs, { features: x, numFeatures: f });
}

const scalar = (t: tf.Scalar): number => {
  const v = t.dataSync()[0]!;
  t.dispose();
  return v;
};

describe('CG3 on large graphs', () => {
  it('gives the same loss and the same trained weights with sparse features as with the dense ones (no dropout)', async () => {
    const dense = randomGraph(40, 12, 1);
    const sparse: Graph = { ...dense, x: new Float32Array(0), xSparse: denseToCsr(dense.x, 40, 12) };
    const labels = Int32Array.from({ length: 40 }, (_, i) => (i < 6 ? i % 3 : -1));
    const a = new CG3({ graph: dense, labels, numClasses: 3 }, { seed: 5, dropout: 0 });
    const b = new CG3({ graph: sparse, labels, numClasses: 3 }, { seed: 5, dropout: 0 });
    expect(Math.abs(scalar(a.loss()) - scalar(b.loss()))).toBeLessThan(1e-5);
    for (let s = 0; s < 3; s++) {
      tf.dispose([a.step(a.task, stepInfo(s, { totalSteps: 9 })), b.step(b.task, stepInfo(s, { totalSteps: 9 }))]);
    }
    const wa = a.local.convs[0]!.lin.weight.dataSync();
    const wb = b.local.convs[0]!.lin.weight.dataSync();
    let diff = 0;
    for (let k = 0; k < wa.length; k++) diff = Math.max(diff, Math.abs(wa[k]! - wb[k]!));
    expect(diff).toBeLessThan(1e-4);
    a.dispose();
    b.dispose();
  });
  it('reconstruction through the factorised Linear equals the Linear on the concatenated pairs', () => {
    const task = karateTask();
    const cg3 = new CG3(task, { seed: 2, wUnsup: 0, wSup: 0 });
    const { zL, zG } = cg3.views();
    const norm = gcnNorm(task.graph.edgeIndex, 34);
    const value = tf.tidy(() => {
      const src = tf.tensor1d(norm.src, 'int32');
      const dst = tf.tensor1d(norm.dst, 'int32');
      const lg = tf.concat([tf.gather(zL, src), tf.gather(zG, dst)], 1) as tf.Tensor2D;
      const gl = tf.concat([tf.gather(zG, src), tf.gather(zL, dst)], 1) as tf.Tensor2D;
      const logits = tf.concat([cg3.reconstruction.apply(lg), cg3.reconstruction.apply(gl)], 0).reshape([-1]) as tf.Tensor1D;
      return cg3ReconstructionLoss(logits);
    });
    // loss() with the contrastive weights at 0 = CE + CE(z^G) + 0.4 L_g + decay; recompute the rest here.
    const rest = tf.tidy(() => {
      const idx = tf.tensor1d([0, 1, 32, 33], 'int32');
      const y = tf.oneHot(tf.tensor1d([0, 0, 1, 1], 'int32'), 2).toFloat();
      const pred = l2Normalize(tf.add(tf.mul(zL, 0.6), tf.mul(zG, 0.4)) as tf.Tensor2D);
      const decay = tf.mul(tf.sum(tf.square(cg3.local.convs[0]!.lin.weight)), 5e-4 / 2);
      return tf.addN([
        tf.losses.softmaxCrossEntropy(y, tf.gather(pred, idx)),
        tf.losses.softmaxCrossEntropy(y, tf.gather(zG, idx)),
        decay,
      ]) as tf.Scalar;
    });
    const expected = scalar(rest) + 0.4 * scalar(value);
    expect(Math.abs(scalar(cg3.loss()) - expected)).toBeLessThan(1e-5);
    tf.dispose([zL, zG]);
    cg3.dispose();
  });
  it('samples contrastNodes nodes per step above the bound (seeded), and is exact at or below it', () => {
    const task = karateTask();
    const full = new CG3(task, { seed: 3 });
    const exact = new CG3(task, { seed: 3, contrastNodes: 34 });
    const sampled = new CG3(task, { seed: 3, contrastNodes: 8 });
    expect(scalar(full.loss())).toBeCloseTo(scalar(exact.loss()), 6);
    // Evaluation mode draws a fixed, evenly spaced subset; training mode draws with the step's generator.
    expect(Math.abs(scalar(sampled.loss()) - scalar(full.loss()))).toBeGreaterThan(1e-4);
    const l1 = scalar(sampled.loss(createRng(7)));
    const l2 = scalar(sampled.loss(createRng(7)));
    const l3 = scalar(sampled.loss(createRng(8)));
    expect(l1).toBe(l2);
    expect(l3).not.toBe(l1);
    expect(() => new CG3(task, { contrastNodes: 1 })).toThrow(/contrastNodes/);
    [full, exact, sampled].forEach((m) => m.dispose());
  });
  it('the MLP baseline ignores the edges, the GCN does not', () => {
    const task = karateTask();
    const rewired = karateTask(fromUndirectedEdges(34, [[0, 1]]));
    const run = (t: NodeTask, propagate: boolean): Int32Array => {
      const m = new GCNBaseline(t, { seed: 1, propagate });
      for (let s = 0; s < 20; s++) m.step(t, stepInfo(s, { totalSteps: 20 })).dispose();
      const p = m.predict();
      expect(m.name).toBe(propagate ? 'gcn' : 'mlp');
      m.dispose();
      return p;
    };
    expect(Array.from(run(task, false))).toEqual(Array.from(run(rewired, false)));
    expect(Array.from(run(task, true))).not.toEqual(Array.from(run(rewired, true)));
  });
});
