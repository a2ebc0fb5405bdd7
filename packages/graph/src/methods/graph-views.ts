import * as tf from '@tensorflow/tfjs';
import type { Encoder } from '@contrastive/core';
import { parallelRows } from '@contrastive/core';
import { batchGraphs } from '../data/batch.js';
import type { Graph } from '../data/graph.js';
import type { GraphTensors } from '../data/tensors.js';
import { disposeGraphTensors, toTensors } from '../data/tensors.js';

/** Uploads `graphs` as one batch, runs `f` on it, frees the batch tensors (even if `f` throws). */
export function withBatch<T>(graphs: readonly Graph[], f: (t: GraphTensors) => T): T {
  const t = toTensors(batchGraphs(graphs));
  try {
    return f(t);
  } finally {
    disposeGraphTensors(t);
  }
}

/**
 * `f` of the batch of `graphs` — one row per graph, e.g. GIN + readout + projection head — split over the
 * replicas of a data-parallel step: each rank batches and encodes only its contiguous slice of graphs and
 * the rows are gathered with their gradients (core's `parallelRows`); outside a data-parallel step it is
 * `withBatch(graphs, f)`. Row-exact because every row depends on its own graph only: message passing stays
 * inside a graph, the readout is a per-graph segment reduction, and the GIN encoder and the heads have no
 * batch norm or dropout.
 */
export function projectGraphs(graphs: readonly Graph[], f: (t: GraphTensors) => tf.Tensor2D): tf.Tensor2D {
  return parallelRows(graphs.length, (start, count) => withBatch(graphs.slice(start, start + count), (t) => tf.tidy(() => f(t))));
}

/**
 * Graph embeddings `[N, outDim]` of `graphs` by `encoder` (any `Encoder<GraphTensors>` giving graph
 * vectors, e.g. a `GINEncoder`; evaluation mode), computed in chunks of `batchSize` (evaluation: linear
 * probe, kNN). The caller owns the result.
 */
export function embedGraphs(encoder: Encoder<GraphTensors>, graphs: readonly Graph[], batchSize = 256): tf.Tensor2D {
  const parts: tf.Tensor2D[] = [];
  for (let i = 0; i < graphs.length; i += batchSize) {
    parts.push(withBatch(graphs.slice(i, i + batchSize), (t) => encoder.apply(t, false) as tf.Tensor2D));
  }
  const out = tf.concat(parts, 0) as tf.Tensor2D;
  tf.dispose(parts);
  return out;
}
