import * as tf from '@tensorflow/tfjs';
import { useCpuLeakCheck } from '@contrastive/test-utils';
import { describe, expect, it } from 'vitest';
import { csrToDense, denseToCsr } from '../csr.js';
import { parseEdgeList } from '../edge-list.js';
import { validateGraph } from '../graph.js';
import { parseNodeFeatures } from './parse.js';
import { withNodeFeatures } from './with-node-features.js';

useCpuLeakCheck();

// Ids are names: 10, 20, 30000 are nodes 0, 1, 2.
const g = () => parseEdgeList('10 20\n20 30000\n', 'e.txt', { labels: { text: '10 0\n30000 1\n', source: 'l.txt' } });
const X = [1, 0, 0, 2, 0, 0, 0, 0, 3, 0, 0, 4];

describe('withNodeFeatures', () => {
  it('sets dense x from a tensor, values or a dense parse result; edges, labels and nodeIds kept', () => {
    const base = g();
    const t = tf.tensor2d(X, [3, 4]);
    const fromTensor = withNodeFeatures(base, t);
    t.dispose();
    const fromValues = withNodeFeatures(base, { values: X, numFeatures: 4 });
    const fromParse = withNodeFeatures(base, parseNodeFeatures('10 1 0 0 2\n20 0 0 0 0\n30000 3 0 0 4\n', 'x', base.nodeIds));
    for (const h of [fromTensor, fromValues, fromParse]) {
      validateGraph(h);
      expect(h.numFeatures).toBe(4);
      expect(Array.from(h.x)).toEqual(X);
      expect(h.xSparse).toBeUndefined();
      expect(h.edgeIndex).toBe(base.edgeIndex);
      expect(h.nodeLabels).toBe(base.nodeLabels);
      expect(h.nodeIds).toEqual([10, 20, 30000]);
    }
    // The input graph is untouched (one-hot identity features).
    expect(base.numFeatures).toBe(3);
    // A Float32Array is used as it is.
    const v = Float32Array.from(X);
    expect(withNodeFeatures(base, { values: v, numFeatures: 4 }).x).toBe(v);
  });

  it('sets xSparse from a CSR matrix, COO triples or a sparse parse result (x empty), and back to dense', () => {
    const base = g();
    const csr = denseToCsr(X, 3, 4);
    const fromCsr = withNodeFeatures(base, csr);
    const fromCoo = withNodeFeatures(base, { rows: [2, 0, 2, 0], cols: [3, 3, 0, 0], values: [4, 2, 3, 1], numFeatures: 4 });
    const fromParse = withNodeFeatures(base, parseNodeFeatures('10 0:1 3:2\n30000 0:3 3:4\n', 'x', base.nodeIds));
    for (const h of [fromCsr, fromCoo, fromParse]) {
      validateGraph(h);
      expect(h.x.length).toBe(0);
      expect(h.numFeatures).toBe(4);
      expect(Array.from(csrToDense(h.xSparse!))).toEqual(X);
    }
    // COO repeats are summed (scipy's convention).
    const summed = withNodeFeatures(base, { rows: [0, 0], cols: [1, 1], values: [1, 2], numFeatures: 2 });
    expect(Array.from(csrToDense(summed.xSparse!))).toEqual([0, 3, 0, 0, 0, 0]);
    const back = withNodeFeatures(fromCsr, { values: X, numFeatures: 4 });
    expect(back.xSparse).toBeUndefined();
    validateGraph(back);
  });

  it('refuses a row count that is not the node count, for every form', () => {
    const base = g();
    const t = tf.zeros([4, 2]) as tf.Tensor2D;
    expect(() => withNodeFeatures(base, t)).toThrow(
      "features: the tensor [4, 2] has 4 rows, the graph has 3 nodes (row i is node i; parseNodeFeatures / loadNodeFeatures align a file's ids to the graph)",
    );
    t.dispose();
    expect(() => withNodeFeatures(base, { values: new Float32Array(8), numFeatures: 2 })).toThrow(
      'features: values has 8 values, expected numNodes × numFeatures = 3 × 2 = 6',
    );
    expect(() => withNodeFeatures(base, denseToCsr(new Float32Array(8), 4, 2))).toThrow(/the CSR matrix has 4 rows, the graph has 3 nodes/);
    expect(() => withNodeFeatures(base, { rows: [3], cols: [0], values: [1], numFeatures: 2 })).toThrow(
      'features (COO, graph of 3 nodes): entry 0 (3, 0) is outside the 3 × 2 matrix',
    );
    expect(() => withNodeFeatures(base, parseNodeFeatures('0 1\n1 2\n', 'x', 2))).toThrow(
      /x has 2 values, expected numNodes × numFeatures = 3 × 1/,
    );
  });

  it('refuses NaN and infinite values, naming the node (and its id) and the feature', () => {
    const base = g();
    const t = tf.tensor2d([0, 1, 2, Number.NaN, 4, 5], [3, 2]);
    expect(() => withNodeFeatures(base, t)).toThrow('features: node 1 (id 20), feature 1 is NaN; features must be finite');
    t.dispose();
    expect(() => withNodeFeatures(base, { values: [0, 0, 1e39], numFeatures: 1 })).toThrow(
      'features: node 2 (id 30000), feature 0 is Infinity',
    );
    const csr = denseToCsr([0, 1, 0, 0, 0, 0], 3, 2);
    csr.values[0] = Number.POSITIVE_INFINITY;
    expect(() => withNodeFeatures(base, csr)).toThrow(/features: row 0, column 1 has the non-finite value Infinity/);
    expect(() => withNodeFeatures(base, { rows: [0], cols: [0], values: [Number.NaN], numFeatures: 1 })).toThrow(/non-finite value NaN/);
  });

  it('refuses unknown forms, a bad width and a tensor that is not [N, F]', () => {
    const base = g();
    expect(() => withNodeFeatures(base, { numFeatures: 2 } as never)).toThrow(TypeError);
    expect(() => withNodeFeatures(base, null as never)).toThrow('features must be an object, got null');
    expect(() => withNodeFeatures(base, { values: [], numFeatures: 0 })).toThrow('features: numFeatures must be an integer >= 1, got 0');
    const t = tf.zeros([3]);
    expect(() => withNodeFeatures(base, t as never)).toThrow(
      'features: a tensor must be a float32 or int32 Tensor2D [N, F], got float32 of shape [3]',
    );
    t.dispose();
  });
});
