import * as tf from '@tensorflow/tfjs';
import type { CsrMatrix } from '../data/csr.js';
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
 * so `Â·H` aggregates each node's incoming messages.
 */
export function gcnMatrix(edgeIndex: Int32Array, numNodes: number, edgeWeight?: Float32Array): CsrMatrix {
  const a = gcnNorm(edgeIndex, numNodes, edgeWeight);
  const count = new Int32Array(numNodes + 1);
  for (const t of a.dst) count[t + 1]!++;
  for (let i = 0; i < numNodes; i++) count[i + 1]! += count[i]!;
  const next = count.slice(0, numNodes);
  const colIdx = new Int32Array(a.src.length);
  const values = new Float32Array(a.src.length);
  const order = new Int32Array(a.src.length);
  for (let k = 0; k < a.src.length; k++) order[next[a.dst[k]!]!++] = k;
  // Sort each row by source so the matrix is canonical CSR (gcnNorm has no duplicate pairs once the
  // graph's edges are unique; duplicates are merged here if a caller passes them).
  let o = 0;
  const rowPtr = new Int32Array(numNodes + 1);
  for (let i = 0; i < numNodes; i++) {
    const seg = Array.from(order.subarray(count[i]!, count[i + 1]!)).sort((p, q) => a.src[p]! - a.src[q]!);
    for (const k of seg) {
      if (o > rowPtr[i]! && colIdx[o - 1] === a.src[k]) values[o - 1]! += a.weight[k]!;
      else {
        colIdx[o] = a.src[k]!;
        values[o++] = a.weight[k]!;
      }
    }
    rowPtr[i + 1] = o;
  }
  return { numRows: numNodes, numCols: numNodes, rowPtr, colIdx: colIdx.slice(0, o), values: values.slice(0, o) };
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
