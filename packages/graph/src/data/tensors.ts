import * as tf from '@tensorflow/tfjs';
import type { GraphBatch } from './batch.js';
import { gcnNorm } from '../layers/gcn-norm.js';

/**
 * A {@link GraphBatch} on the device: what layers and readouts consume. Index tensors are int32.
 * Created by {@link toTensors}; free with {@link disposeGraphTensors}.
 */
export interface GraphTensors {
  numNodes: number;
  numGraphs: number;
  /** Node features `[N, F]`. */
  x: tf.Tensor2D;
  /** Edge sources / targets `[E]`. */
  src: tf.Tensor1D;
  dst: tf.Tensor1D;
  /** Edge features `[E, Fe]` when the batch has them. */
  edgeAttr?: tf.Tensor2D;
  /** Graph id of each node `[N]`. */
  batch: tf.Tensor1D;
  /** Nodes per graph `[B, 1]` (float, ≥ 1) for mean readout. */
  counts: tf.Tensor2D;
  /** GCN-normalised adjacency with self-loops (sources, targets `[E + N]`, weights `[E + N, 1]`). */
  gcn: { src: tf.Tensor1D; dst: tf.Tensor1D; weight: tf.Tensor2D };
  /**
   * Dense padding for max readout: `padIndex` `[B * maxNodes]` node rows (0 where padded) and `padMask`
   * `[B, maxNodes, 1]` (true on real nodes).
   */
  pad: { index: tf.Tensor1D; mask: tf.Tensor3D; maxNodes: number };
}

/** Uploads a batch (CPU typed arrays) to tensors, precomputing GCN weights and readout indices. */
export function toTensors(b: GraphBatch): GraphTensors {
  const e = b.edgeIndex.length / 2;
  const norm = gcnNorm(b.edgeIndex, b.numNodes);
  let maxNodes = 1;
  for (let g = 0; g < b.numGraphs; g++) maxNodes = Math.max(maxNodes, b.ptr[g + 1]! - b.ptr[g]!);
  const padIndex = new Int32Array(b.numGraphs * maxNodes);
  const padMask = new Uint8Array(b.numGraphs * maxNodes);
  const counts = new Float32Array(b.numGraphs);
  for (let g = 0; g < b.numGraphs; g++) {
    const n0 = b.ptr[g]!;
    const n = b.ptr[g + 1]! - n0;
    counts[g] = Math.max(n, 1);
    for (let i = 0; i < n; i++) {
      padIndex[g * maxNodes + i] = n0 + i;
      padMask[g * maxNodes + i] = 1;
    }
  }
  const out: GraphTensors = {
    numNodes: b.numNodes,
    numGraphs: b.numGraphs,
    x: tf.tensor2d(b.x, [b.numNodes, b.numFeatures]),
    src: tf.tensor1d(b.edgeIndex.subarray(0, e), 'int32'),
    dst: tf.tensor1d(b.edgeIndex.subarray(e), 'int32'),
    batch: tf.tensor1d(b.batch, 'int32'),
    counts: tf.tensor2d(counts, [b.numGraphs, 1]),
    gcn: {
      src: tf.tensor1d(norm.src, 'int32'),
      dst: tf.tensor1d(norm.dst, 'int32'),
      weight: tf.tensor2d(norm.weight, [norm.weight.length, 1]),
    },
    pad: {
      index: tf.tensor1d(padIndex, 'int32'),
      mask: tf.tensor3d(padMask, [b.numGraphs, maxNodes, 1], 'bool'),
      maxNodes,
    },
  };
  if (b.edgeAttr && b.numEdgeFeatures !== undefined) out.edgeAttr = tf.tensor2d(b.edgeAttr, [e, b.numEdgeFeatures]);
  return out;
}

/** Frees every tensor of a {@link GraphTensors}. */
export function disposeGraphTensors(t: GraphTensors): void {
  tf.dispose([t.x, t.src, t.dst, t.batch, t.counts, t.gcn.src, t.gcn.dst, t.gcn.weight, t.pad.index, t.pad.mask]);
  if (t.edgeAttr) t.edgeAttr.dispose();
}
