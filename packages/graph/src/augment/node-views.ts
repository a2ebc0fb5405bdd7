import * as tf from '@tensorflow/tfjs';
import type { Rng } from '@contrastive/core';
import { gcnMatrix } from '../layers/node-inputs.js';
import type { NodeInputs } from '../layers/node-inputs.js';
import { SparseOperand } from '../layers/sparse-operand.js';

/**
 * The edges of an undirected graph (both directions stored) with each undirected edge dropped with
 * probability `rate`, both directions together (GraphCL's edge perturbation without the additions; GRACE's
 * edge dropping). `[2, E']` row-major. O(E).
 */
export function dropUndirectedEdges(edgeIndex: Int32Array, rate: number, rng: Rng): Int32Array {
  if (!(rate >= 0 && rate < 1)) throw new RangeError(`edge drop rate must be in [0, 1), got ${rate}`);
  const e = edgeIndex.length / 2;
  // Decide once per unordered pair: the draw is keyed on the pair's first occurrence.
  const keep = new Uint8Array(e);
  const decided = new Map<number, boolean>();
  let kept = 0;
  for (let k = 0; k < e; k++) {
    const a = edgeIndex[k]!;
    const b = edgeIndex[e + k]!;
    const key = Math.min(a, b) * 0x100000000 + Math.max(a, b);
    let d = decided.get(key);
    if (d === undefined) {
      d = rng.uniform() >= rate;
      decided.set(key, d);
    } else decided.delete(key);
    if (d) {
      keep[k] = 1;
      kept++;
    }
  }
  const out = new Int32Array(2 * kept);
  let o = 0;
  for (let k = 0; k < e; k++) {
    if (!keep[k]) continue;
    out[o] = edgeIndex[k]!;
    out[kept + o] = edgeIndex[e + k]!;
    o++;
  }
  return out;
}

/** A random feature-column keep mask (1 = kept) with each of `numFeatures` columns masked with probability `rate`. */
export function featureColumnMask(numFeatures: number, rate: number, rng: Rng): Uint8Array {
  if (!(rate >= 0 && rate < 1)) throw new RangeError(`feature mask rate must be in [0, 1), got ${rate}`);
  return Uint8Array.from({ length: numFeatures }, () => (rng.uniform() < rate ? 0 : 1));
}

/**
 * One augmented view of a whole graph for node-level contrast (GRACE, Zhu et al. 2020, with GraphCL's
 * augmentation names): undirected edges dropped with `edgeRate`, feature columns zeroed with `featureRate`
 * (the same columns for every node), Â renormalised on the kept edges. The caller disposes the returned
 * dense features when they differ from `base.x` (see {@link disposeView}).
 */
export function nodeView(base: NodeInputs, edgeIndex: Int32Array, rates: { edgeRate: number; featureRate: number }, rng: Rng): NodeInputs {
  const edges = dropUndirectedEdges(edgeIndex, rates.edgeRate, rng);
  const numFeatures = base.x instanceof SparseOperand ? base.x.shape[1] : base.x.shape[1];
  const mask = featureColumnMask(numFeatures, rates.featureRate, rng);
  let x: tf.Tensor2D | SparseOperand;
  if (base.x instanceof SparseOperand) {
    const m = base.x.matrix;
    const values = Float32Array.from(m.values, (v, k) => (mask[m.colIdx[k]!] ? v : 0));
    x = base.x.withValues(values);
  } else {
    const dense = base.x;
    x = tf.tidy(() => tf.mul(dense, tf.tensor2d(Float32Array.from(mask), [1, numFeatures])) as tf.Tensor2D);
  }
  return { numNodes: base.numNodes, x, gcn: new SparseOperand(gcnMatrix(edges, base.numNodes)) };
}

/** Frees a {@link nodeView}'s own tensors (not those it shares with `base`). */
export function disposeView(view: NodeInputs, base: NodeInputs): void {
  if (view.x !== base.x && !(view.x instanceof SparseOperand)) view.x.dispose();
}
