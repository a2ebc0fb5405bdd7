import * as tf from '@tensorflow/tfjs';
import { createRng } from '@contrastive/core';
import { batchGraphs } from '../data/batch.js';
import type { Graph } from '../data/graph.js';
import type { GraphTensors } from '../data/tensors.js';
import { disposeGraphTensors, toTensors } from '../data/tensors.js';
import { GINEncoder } from './gin-encoder.js';

/** Options of {@link ginWorkload}; defaults mimic a MoCL/GraphCL-chem batch of small molecules. */
export interface GinWorkloadOptions {
  /** Graphs per batch. Default 32. */
  graphs?: number;
  /** Nodes per graph. Default 25 (a drug-like molecule). */
  nodes?: number;
  /** Node feature width. Default 27 (`ATOM_FEATURES`). */
  features?: number;
  /** Edge feature width. Default 5 (`BOND_FEATURES`). */
  edgeFeatures?: number;
  /** Hidden width. Default 64. */
  hidden?: number;
  /** GIN layers. Default 3. */
  layers?: number;
  /** Seed of the graphs and weights. Default 0. */
  seed?: number;
}

/**
 * A self-contained GIN training workload for benchmarks (`tools/bench`): a fixed batch of random
 * ring-with-chords graphs (molecule-sized, with edge features), a {@link GINEncoder} with mean readout
 * and an Adam optimiser. `step()` runs forward + backward + update and returns the loss (sum of squared
 * graph embeddings, a stand-in objective with the same kernels as a contrastive step's encoder pass).
 * Exercises gather, `UnsortedSegmentSum` (forward and as gather's gradient), matMul and readouts.
 */
export function ginWorkload(opts: GinWorkloadOptions = {}): {
  step(): tf.Scalar;
  batch: GraphTensors;
  encoder: GINEncoder;
  dispose(): void;
} {
  const rng = createRng(opts.seed ?? 0);
  const f = opts.features ?? 27;
  const fe = opts.edgeFeatures ?? 5;
  const graphs: Graph[] = Array.from({ length: opts.graphs ?? 32 }, () => {
    const n = opts.nodes ?? 25;
    const src: number[] = [];
    const dst: number[] = [];
    const add = (a: number, b: number): void => {
      src.push(a, b);
      dst.push(b, a);
    };
    for (let i = 0; i < n; i++) add(i, (i + 1) % n);
    for (let c = 0; c < Math.floor(n / 6); c++) add(rng.int(n), rng.int(n));
    const e = src.length;
    return {
      numNodes: n,
      numFeatures: f,
      x: Float32Array.from({ length: n * f }, () => (rng.uniform() < 0.15 ? 1 : 0)),
      edgeIndex: Int32Array.from([...src, ...dst]),
      edgeAttr: Float32Array.from({ length: e * fe }, () => (rng.uniform() < 0.3 ? 1 : 0)),
      numEdgeFeatures: fe,
    };
  });
  const batch = toTensors(batchGraphs(graphs));
  const encoder = new GINEncoder({ inputDim: f, edgeDim: fe, hidden: opts.hidden ?? 64, layers: opts.layers ?? 3, readout: 'mean' }, rng);
  const optimizer = tf.train.adam(1e-3);
  const vars = Object.values(encoder.variables());
  return {
    batch,
    encoder,
    step: () => optimizer.minimize(() => tf.tidy(() => tf.mean(tf.square(encoder.embed(batch))) as tf.Scalar), true, vars)!,
    dispose: () => {
      encoder.dispose();
      optimizer.dispose();
      disposeGraphTensors(batch);
    },
  };
}
