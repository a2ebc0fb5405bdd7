import * as tf from '@tensorflow/tfjs';
import { createRng } from '@contrastive/core';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import fixture from '../__fixtures__/graph_layers.json' with { type: 'json' };
import { batchGraphs } from '../data/batch.js';
import type { Graph } from '../data/graph.js';
import { disposeGraphTensors, toTensors } from '../data/tensors.js';
import type { GraphTensors } from '../data/tensors.js';
import { GCNConv } from './gcn.js';
import { GINConv } from './gin.js';
import { readout } from './readout.js';

const T = fixture;

function fixtureTensors(): GraphTensors {
  // Two graphs of 3 nodes; the fixture's edges are already in batch numbering.
  const e = T.src.length;
  const edgesA = T.src.map((s, k) => [s, T.dst[k]!] as const).filter(([s]) => s < 3);
  const edgesB = T.src.map((s, k) => [s, T.dst[k]!] as const).filter(([s]) => s >= 3);
  const x = Float32Array.from(T.x.flat());
  const ea = Float32Array.from(T.edgeAttr.flat());
  const mk = (edges: (readonly [number, number])[], off: number, eOff: number): Graph => ({
    numNodes: 3,
    numFeatures: 3,
    x: x.slice(off * 3, off * 3 + 9),
    edgeIndex: Int32Array.from([...edges.map(([s]) => s - off), ...edges.map(([, d]) => d - off)]),
    edgeAttr: ea.slice(eOff * 2, (eOff + edges.length) * 2),
    numEdgeFeatures: 2,
  });
  expect(edgesA.length + edgesB.length).toBe(e);
  return toTensors(batchGraphs([mk(edgesA, 0, 0), mk(edgesB, 3, edgesA.length)]));
}

function close(actual: tf.Tensor, expected: number[][], tol = 1e-4): void {
  const a = actual.arraySync() as number[][];
  expect(a.length).toBe(expected.length);
  a.forEach((row, i) => row.forEach((v, j) => expect(Math.abs(v - expected[i]![j]!)).toBeLessThan(tol)));
}

let before = 0;
const temps: tf.Tensor[] = [];
/** Tensors assigned into variables are copied; free the temporaries after each test. */
function keep<T extends tf.Tensor>(t: T): T {
  temps.push(t);
  return t;
}
beforeAll(async () => {
  await tf.setBackend('cpu');
});
beforeEach(() => {
  before = tf.memory().numTensors;
});
afterEach(() => {
  tf.dispose(temps.splice(0));
  expect(tf.memory().numTensors).toBe(before);
});

describe('GCNConv', () => {
  it('matches a hand-computed path graph', () => {
    // Path 0-1 (both directions): with self-loops every degree is 2, so Â = [[.5,.5],[.5,.5]].
    const g: Graph = { numNodes: 2, numFeatures: 1, x: Float32Array.from([1, 3]), edgeIndex: Int32Array.from([0, 1, 1, 0]) };
    const t = toTensors(batchGraphs([g]));
    const conv = new GCNConv(1, 1, createRng(1));
    conv.lin.weight.assign(keep(tf.tensor2d([[2]])));
    const out = conv.apply(t.x, t);
    expect(Array.from(out.dataSync())).toEqual([4, 4]);
    tf.dispose([out]);
    conv.dispose();
    disposeGraphTensors(t);
  });
  it('matches the PyTorch reference (values and gradients)', () => {
    const t = fixtureTensors();
    const conv = new GCNConv(3, 4, createRng(1));
    conv.lin.weight.assign(keep(tf.tensor2d(T.gcn.W)));
    conv.bias.assign(keep(tf.tensor1d(T.gcn.b)));
    const R = tf.tensor2d(T.R);
    const out = conv.apply(t.x, t);
    close(out, T.gcn.out);
    const { value, grads } = tf.variableGrads(() => tf.sum(tf.mul(conv.apply(t.x, t), R)) as tf.Scalar, [conv.lin.weight]);
    close(grads[conv.lin.weight.name]!, T.gcn.gradW);
    const gx = tf.grad((x: tf.Tensor) => tf.sum(tf.mul(conv.apply(x as tf.Tensor2D, t), R)))(t.x);
    close(gx, T.gcn.gradX);
    tf.dispose([R, out, gx, value, ...Object.values(grads)]);
    conv.dispose();
    disposeGraphTensors(t);
  });
});

describe('GINConv', () => {
  it('matches the PyTorch reference with edge features (values and gradients)', () => {
    const t = fixtureTensors();
    const conv = new GINConv(3, 4, 2, createRng(2));
    conv.edgeLin!.weight.assign(keep(tf.tensor2d(T.gin.We)));
    conv.mlp1.weight.assign(keep(tf.tensor2d(T.gin.W1)));
    conv.mlp1.bias!.assign(keep(tf.tensor1d(T.gin.b1)));
    conv.mlp2.weight.assign(keep(tf.tensor2d(T.gin.W2)));
    conv.mlp2.bias!.assign(keep(tf.tensor1d(T.gin.b2)));
    const R = tf.tensor2d(T.R);
    const out = conv.apply(t.x, t);
    close(out, T.gin.out);
    const f = (): tf.Scalar => tf.sum(tf.mul(conv.apply(t.x, t), R)) as tf.Scalar;
    const { value, grads } = tf.variableGrads(f, [conv.mlp1.weight, conv.edgeLin!.weight]);
    close(grads[conv.mlp1.weight.name]!, T.gin.gradW1);
    close(grads[conv.edgeLin!.weight.name]!, T.gin.gradWe);
    const gx = tf.grad((x: tf.Tensor) => tf.sum(tf.mul(conv.apply(x as tf.Tensor2D, t), R)))(t.x);
    close(gx, T.gin.gradX);
    tf.dispose([R, out, gx, value, ...Object.values(grads)]);
    conv.dispose();
    disposeGraphTensors(t);
  });
  it('matches a hand-computed directed edge with an edge feature', () => {
    // Edge 0 → 1 with feature 2, x = [1, 4], W_e = 1: agg0 = 1 (no incoming edge), agg1 = 4 + (1 + 2) = 7.
    // MLP: w1 = [[1, 1]], b1 = 0, w2 = [[.5], [.5]], b2 = 0 → out = relu(agg) = agg for agg > 0.
    const g: Graph = {
      numNodes: 2,
      numFeatures: 1,
      x: Float32Array.from([1, 4]),
      edgeIndex: Int32Array.from([0, 1]),
      edgeAttr: Float32Array.from([2]),
      numEdgeFeatures: 1,
    };
    const t = toTensors(batchGraphs([g]));
    const conv = new GINConv(1, 1, 1, createRng(5));
    conv.edgeLin!.weight.assign(keep(tf.tensor2d([[1]])));
    conv.mlp1.weight.assign(keep(tf.tensor2d([[1, 1]])));
    conv.mlp2.weight.assign(keep(tf.tensor2d([[0.5], [0.5]])));
    const out = conv.apply(t.x, t);
    expect(Array.from(out.dataSync())).toEqual([1, 7]);
    out.dispose();
    conv.dispose();
    disposeGraphTensors(t);
  });
  it('throws when edge features are expected but missing', () => {
    const g: Graph = { numNodes: 2, numFeatures: 1, x: Float32Array.from([1, 3]), edgeIndex: Int32Array.from([0, 1, 1, 0]) };
    const t = toTensors(batchGraphs([g]));
    const conv = new GINConv(1, 2, 3, createRng(3));
    expect(() => conv.apply(t.x, t)).toThrow(/edgeDim=3.*no edgeAttr/);
    conv.dispose();
    disposeGraphTensors(t);
  });
});

describe('readout', () => {
  for (const kind of ['sum', 'mean', 'max'] as const) {
    it(`${kind} matches the PyTorch reference (values and gradients)`, () => {
      const t = fixtureTensors();
      const H = tf.tensor2d(T.readout.H);
      const RG = tf.tensor2d(T.readout.RG);
      const out = readout(H, t, kind);
      close(out, T.readout[kind].out);
      const g = tf.grad((h: tf.Tensor) => tf.sum(tf.mul(readout(h as tf.Tensor2D, t, kind), RG)))(H);
      close(g, T.readout[kind].gradH);
      tf.dispose([H, RG, out, g]);
      disposeGraphTensors(t);
    });
  }
});
