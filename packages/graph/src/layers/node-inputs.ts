import * as tf from '@tensorflow/tfjs';
import type { CsrMatrix } from '../data/csr.js';
import { csrFromCoo } from '../data/csr.js';
import type { Graph } from '../data/graph.js';
import { validateGraph } from '../data/graph.js';
import { gcnNorm } from './gcn-norm.js';
import { SparseOperand } from './sparse-operand.js';

/**
 * What a node-level model reads from one graph: its features (a dense tensor, or a {@link SparseOperand}
 * for `Graph.xSparse`) and its GCN-normalised adjacency Â = D^−½(A+I)D^−½ as a {@link SparseOperand}.
 * Built once per graph by {@link nodeInputs}; free with {@link disposeNodeInputs}.
 */
export interface NodeInputs {
  numNodes: number;
  /** Node features `[N, F]`. */
  x: tf.Tensor2D | SparseOperand;
  /** Â `[N, N]`: row i holds the weights of the messages node i receives (itself included). */
  gcn: SparseOperand;
}

/**
 * The CSR form of a GCN-normalised adjacency (see `gcnNorm`): rows are message targets, columns sources,
 * so `Â·H` aggregates each node's incoming messages (repeated pairs are summed, as `csrFromCoo` does).
 */
export function gcnMatrix(edgeIndex: Int32Array, numNodes: number, edgeWeight?: Float32Array): CsrMatrix {
  const a = gcnNorm(edgeIndex, numNodes, edgeWeight);
  return csrFromCoo(numNodes, numNodes, a.dst, a.src, a.weight);
}

/** Uploads a graph's features (dense tensor or sparse operand) and builds its Â (validates the graph first). */
export function nodeInputs(graph: Graph): NodeInputs {
  validateGraph(graph);
  const x = graph.xSparse ? new SparseOperand(graph.xSparse) : tf.tensor2d(graph.x, [graph.numNodes, graph.numFeatures]);
  return { numNodes: graph.numNodes, x, gcn: new SparseOperand(gcnMatrix(graph.edgeIndex, graph.numNodes)) };
}

/** Frees the tensors of a {@link NodeInputs} (sparse operands live in JavaScript memory). */
export function disposeNodeInputs(t: NodeInputs): void {
  if (!(t.x instanceof SparseOperand)) t.x.dispose();
}

/** Dropout of layer inputs, dense or sparse, with masks from `seed` (no-op at rate 0). */
export function dropoutInput<T extends tf.Tensor2D | SparseOperand>(h: T, rate: number, seed: number | undefined): T {
  if (rate === 0) return h;
  if (h instanceof SparseOperand) return h.dropout(rate, seed ?? Math.floor(Math.random() * 0x7fffffff)) as T;
  return tf.dropout(h, rate, undefined, seed) as T;
}
