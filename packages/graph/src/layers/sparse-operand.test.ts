import * as tf from '@tensorflow/tfjs';
import { createRng } from '@contrastive/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import fixture from '../__fixtures__/graph_layers.json' with { type: 'json' };
import { csrFromCoo, csrToDense, denseToCsr } from '../data/csr.js';
import { GCNConv } from './gcn.js';
import { gcnMatrix } from './node-inputs.js';
import { SparseOperand } from './sparse-operand.js';

const T = fixture;
let before = 0;
beforeEach(() => {
  before = tf.memory().numTensors;
});
afterEach(() => {
  expect(tf.memory().numTensors).toBe(before);
});

function close(actual: ArrayLike<number>, expected: ArrayLike<number>, tol = 1e-5): void {
  expect(actual.length).toBe(expected.length);
  for (let k = 0; k < actual.length; k++) expect(Math.abs(actual[k]! - expected[k]!)).toBeLessThan(tol);
}

describe('SparseOperand', () => {
  it('A·h and its gradient Aᵀ·dy equal the dense products, for a random rectangular matrix', () => {
    const rng = createRng(3);
    const [r, c, d] = [7, 5, 3];
    const dense = Array.from({ length: r * c }, () => (rng.uniform() < 0.4 ? rng.range(-1, 1) : 0));
    const op = new SparseOperand(denseToCsr(dense, r, c));
    const h = tf.tensor2d(
      Array.from({ length: c * d }, () => rng.range(-1, 1)),
      [c, d],
    );
    const w = tf.tensor2d(
      Array.from({ length: r * d }, () => rng.range(-1, 1)),
      [r, d],
    );
    const a = tf.tensor2d(dense, [r, c]);
    const y = op.matMul(h);
    const yDense = tf.matMul(a, h);
    close(y.dataSync(), yDense.dataSync());
    const g = tf.grad((x: tf.Tensor) => tf.sum(tf.mul(op.matMul(x as tf.Tensor2D), w)))(h);
    const gDense = tf.grad((x: tf.Tensor) => tf.sum(tf.mul(tf.matMul(a, x as tf.Tensor2D), w)))(h);
    close(g.dataSync(), gDense.dataSync());
    tf.dispose([h, w, a, y, yDense, g, gDense]);
  });
  it('refuses an operand of the wrong height', () => {
    const op = new SparseOperand(denseToCsr([1, 0, 0, 1], 2, 2));
    const h = tf.zeros([3, 1]) as tf.Tensor2D;
    expect(() => op.matMul(h)).toThrow(/h must be \[2, d\]/);
    h.dispose();
  });
  it('dropout zeroes about the given share of non-zeros, scales the rest by 1/(1−p), and repeats with its seed', () => {
    const n = 4000;
    const op = new SparseOperand(
      csrFromCoo(
        n,
        1,
        Array.from({ length: n }, (_, i) => i),
        new Array(n).fill(0),
        new Array(n).fill(2),
      ),
    );
    const a = op.dropout(0.25, 11).matrix.values;
    const b = op.dropout(0.25, 11).matrix.values;
    const c = op.dropout(0.25, 12).matrix.values;
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(Array.from(a)).not.toEqual(Array.from(c));
    const zeros = a.filter((v) => v === 0).length;
    expect(zeros / n).toBeGreaterThan(0.22);
    expect(zeros / n).toBeLessThan(0.28);
    expect(new Set(a.filter((v) => v !== 0)).size).toBe(1);
    expect(a.find((v) => v !== 0)).toBeCloseTo(2 / 0.75, 6);
    // The transpose carries the same dropped values (gradients see the same mask).
    const h = tf.ones([1, 1]) as tf.Tensor2D;
    const dropped = op.dropout(0.25, 11);
    const g = tf.grad((x: tf.Tensor) => tf.sum(dropped.matMul(x as tf.Tensor2D)))(h);
    const total = a.reduce((s, v) => s + v, 0);
    expect(Math.abs(g.dataSync()[0]! - total) / total).toBeLessThan(1e-4);
    tf.dispose([h, g]);
  });
});

describe('gcnMatrix and GCNConv on a sparse operand', () => {
  it('gives the PyTorch reference values and gradients, with dense and with sparse features', () => {
    // The fixture's two 3-node graphs as one 6-node graph (no edge crosses between them).
    const edgeIndex = Int32Array.from([...T.src, ...T.dst]);
    const adj = new SparseOperand(gcnMatrix(edgeIndex, 6));
    const conv = new GCNConv(3, 4, createRng(1));
    const [w, b] = [tf.tensor2d(T.gcn.W), tf.tensor1d(T.gcn.b)];
    conv.lin.weight.assign(w);
    conv.bias.assign(b);
    tf.dispose([w, b]);
    const x = tf.tensor2d(T.x);
    const R = tf.tensor2d(T.R);
    const t = { gcn: adj, numNodes: 6 };
    const out = conv.apply(x, t);
    close(out.dataSync(), T.gcn.out.flat(), 1e-4);
    const sparseX = new SparseOperand(denseToCsr(T.x.flat(), 6, 3));
    const outSparse = conv.apply(sparseX, t);
    close(outSparse.dataSync(), T.gcn.out.flat(), 1e-4);
    const { value, grads } = tf.variableGrads(() => tf.sum(tf.mul(conv.apply(sparseX, t), R)) as tf.Scalar, [conv.lin.weight]);
    close(grads[conv.lin.weight.name]!.dataSync(), T.gcn.gradW.flat(), 1e-4);
    const gx = tf.grad((h: tf.Tensor) => tf.sum(tf.mul(conv.apply(h as tf.Tensor2D, t), R)))(x);
    close(gx.dataSync(), T.gcn.gradX.flat(), 1e-4);
    tf.dispose([x, R, out, outSparse, value, gx, ...Object.values(grads)]);
    conv.dispose();
  });
  it('is D^−½(A+I)D^−½ with rows = targets, one self-loop per node', () => {
    // Star 0–1, 0–2 (both directions) plus a self-loop 1–1 that must be replaced by the one GCN adds.
    const m = gcnMatrix(Int32Array.from([0, 1, 0, 2, 1, 1, 0, 2, 0, 1]), 3);
    const d = [3, 2, 2];
    const expected = [
      [1 / 3, 1 / Math.sqrt(6), 1 / Math.sqrt(6)],
      [1 / Math.sqrt(6), 1 / 2, 0],
      [1 / Math.sqrt(6), 0, 1 / 2],
    ];
    expect(d.length).toBe(3);
    close(csrToDense(m), expected.flat());
  });
});
