import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { createRng, initBackend } from '@contrastive/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { batchGraphs } from '../data/batch.js';
import type { Graph } from '../data/graph.js';
import { disposeGraphTensors, toTensors } from '../data/tensors.js';
import { GINEncoder } from './gin-encoder.js';
import { GCNEncoder } from './gcn-encoder.js';

function randomGraph(n: number, e: number, f: number, fe: number, seed: number): Graph {
  const rng = createRng(seed);
  const ei = new Int32Array(2 * e);
  for (let k = 0; k < e; k++) {
    ei[k] = rng.int(n);
    ei[e + k] = rng.int(n);
  }
  return {
    numNodes: n,
    numFeatures: f,
    x: Float32Array.from({ length: n * f }, () => rng.normal()),
    edgeIndex: ei,
    edgeAttr: Float32Array.from({ length: e * fe }, () => rng.normal()),
    numEdgeFeatures: fe,
  };
}

/** Forward + gradient of a GIN encoder on the active backend. */
function ginRun(): Float32Array[] {
  const t = toTensors(batchGraphs([randomGraph(7, 12, 3, 2, 1), randomGraph(5, 8, 3, 2, 2)]));
  const enc = new GINEncoder({ inputDim: 3, edgeDim: 2, hidden: 6, layers: 2, readout: 'max' }, createRng(9));
  const vars = Object.values(enc.variables());
  const { value, grads } = tf.variableGrads(() => tf.sum(tf.square(enc.embed(t))) as tf.Scalar, vars);
  const out = [value.dataSync().slice(), ...vars.map((v) => grads[v.name]!.dataSync().slice())];
  tf.dispose([value, ...Object.values(grads)]);
  enc.dispose();
  disposeGraphTensors(t);
  return out as Float32Array[];
}

let before = 0;
beforeAll(async () => {
  await initBackend({ backend: 'wasm', log: false });
  before = tf.memory().numTensors;
});
afterAll(async () => {
  expect(tf.memory().numTensors).toBe(before);
  await tf.setBackend('cpu');
});

describe('graph layers on wasm', () => {
  it('GIN forward and gradients agree with the cpu backend', async () => {
    await tf.setBackend('cpu');
    const cpu = ginRun();
    await tf.setBackend('wasm');
    const wasm = ginRun();
    expect(wasm.length).toBe(cpu.length);
    cpu.forEach((a, i) => a.forEach((v, j) => expect(Math.abs(v - wasm[i]![j]!)).toBeLessThan(1e-3 * Math.max(1, Math.abs(v)))));
  });
  it('a 100k-node graph fits: GCN and GIN run sparse (no N×N tensor)', () => {
    const n = 100_000;
    const e = n - 1;
    const ei = new Int32Array(4 * e);
    for (let i = 0; i < e; i++) {
      ei[i] = i;
      ei[e + i] = i + 1;
      ei[2 * e + i] = i + 1;
      ei[3 * e + i] = i;
    }
    const g: Graph = { numNodes: n, numFeatures: 4, x: new Float32Array(n * 4).fill(0.5), edgeIndex: ei };
    const t = toTensors(batchGraphs([g]));
    const gcn = new GCNEncoder([4, 16, 2], createRng(3));
    const gin = new GINEncoder({ inputDim: 4, hidden: 8, layers: 2, readout: 'max' }, createRng(4));
    const h = gcn.apply(t);
    const { nodes, graphs } = gin.encode(t);
    expect(h.shape).toEqual([n, 2]);
    expect(graphs.shape).toEqual([1, 8]);
    // Constant features on a path: nodes ≥ 3 hops from an end are identical after 2 layers; the end differs.
    const head = nodes.slice([0, 0], [5, 8]);
    const rows = head.arraySync() as number[][];
    head.dispose();
    expect(rows[3]).toEqual(rows[4]);
    expect(rows[0]).not.toEqual(rows[4]);
    tf.dispose([h, nodes, graphs]);
    gcn.dispose();
    gin.dispose();
    disposeGraphTensors(t);
  });
});

describe('ginWorkload (benchmark helper)', () => {
  it('runs training steps and frees everything', async () => {
    const { ginWorkload } = await import('./gin-workload.js');
    const w = ginWorkload({ graphs: 4, nodes: 10, hidden: 8 });
    const a = w.step();
    const b = w.step();
    expect(b.dataSync()[0]).not.toBe(a.dataSync()[0]);
    tf.dispose([a, b]);
    w.dispose();
  });
});
