import type * as tf from '@tensorflow/tfjs';
import type { CsrMatrix } from '../csr.js';
import { csrFromCoo, validateCsr } from '../csr.js';
import type { Graph } from '../graph.js';
import type { NodeFeatures } from './types.js';

/** Dense features `[N, F]` row-major. A `Float32Array` is used as it is (not copied); other arrays are converted. */
export interface DenseFeatures {
  values: Float32Array | ArrayLike<number>;
  numFeatures: number;
}

/** Sparse features as coordinate triples (any order; a repeated `(row, col)` is summed, as scipy's `coo → csr`). */
export interface CooFeatures {
  rows: ArrayLike<number>;
  cols: ArrayLike<number>;
  values: ArrayLike<number>;
  numFeatures: number;
}

/** What {@link withNodeFeatures} takes: a `tf.Tensor2D` `[N, F]`, dense values, a CSR matrix, COO triples, or a reader's result. */
export type NodeFeaturesInput = tf.Tensor2D | DenseFeatures | CsrMatrix | CooFeatures | NodeFeatures;

/** Row `i` of the graph in words: `node 3` or `node 3 (id 30000)` for an edge list whose ids are names. */
function nodeName(graph: Graph, i: number): string {
  const ids = (graph as { nodeIds?: readonly number[] }).nodeIds;
  return ids && ids[i] !== i ? `node ${i} (id ${ids[i]})` : `node ${i}`;
}

function checkRows(graph: Graph, rows: number, what: string): void {
  if (rows !== graph.numNodes)
    throw new RangeError(
      `features: ${what} has ${rows} rows, the graph has ${graph.numNodes} nodes (row i is node i; parseNodeFeatures / loadNodeFeatures align a file's ids to the graph)`,
    );
}

function dense(graph: Graph, values: Float32Array, numFeatures: number, what: string): Graph {
  if (!Number.isInteger(numFeatures) || numFeatures < 1)
    throw new RangeError(`features: numFeatures must be an integer >= 1, got ${numFeatures}`);
  if (values.length !== graph.numNodes * numFeatures)
    throw new RangeError(
      `features: ${what} has ${values.length} values, expected numNodes × numFeatures = ${graph.numNodes} × ${numFeatures} = ${graph.numNodes * numFeatures}`,
    );
  for (let k = 0; k < values.length; k++) {
    if (Number.isFinite(values[k]!)) continue;
    const i = Math.floor(k / numFeatures);
    throw new RangeError(`features: ${nodeName(graph, i)}, feature ${k - i * numFeatures} is ${values[k]}; features must be finite`);
  }
  const { xSparse: _dropped, ...rest } = graph;
  return { ...rest, x: values, numFeatures };
}

function sparse(graph: Graph, m: CsrMatrix): Graph {
  validateCsr(m, 'features');
  checkRows(graph, m.numRows, 'the CSR matrix');
  return { ...graph, x: new Float32Array(0), numFeatures: m.numCols, xSparse: m };
}

const isTensor = (f: object): f is tf.Tensor => typeof (f as tf.Tensor).dataSync === 'function' && Array.isArray((f as tf.Tensor).shape);

/**
 * A copy of `graph` (same edges, labels and, for an edge list, `nodeIds`) whose node features are `features`:
 * dense inputs set `x` `[N, F]` (and drop `xSparse`), sparse ones set `xSparse` (then `x` is empty and
 * `numFeatures` is the matrix's column count). Row `i` must be node `i`: align a file's ids with
 * `parseNodeFeatures` / `loadNodeFeatures`. Throws a `RangeError` naming the input when its row count is not
 * `graph.numNodes` or a value is not finite (NaN, ±Inf, or a float64 beyond float32), a `TypeError` for an
 * unknown form. A tensor is read (`dataSync`) and left to the caller to dispose. Browser-safe.
 *
 * @example
 * withNodeFeatures(g, tf.tensor2d([[1, 0], [0, 1], [1, 1]]));                         // dense, from a tensor
 * withNodeFeatures(g, { rows: [0, 2], cols: [5, 1], values: [1, 2], numFeatures: 8 }); // sparse, from COO
 */
export function withNodeFeatures<G extends Graph>(graph: G, features: NodeFeaturesInput): G {
  if (features === null || typeof features !== 'object') throw new TypeError(`features must be an object, got ${String(features)}`);
  if ('kind' in features)
    return (features.kind === 'sparse' ? sparse(graph, features.matrix) : dense(graph, features.x, features.numFeatures, 'x')) as G;
  if (isTensor(features)) {
    if (features.rank !== 2 || (features.dtype !== 'float32' && features.dtype !== 'int32'))
      throw new RangeError(
        `features: a tensor must be a float32 or int32 Tensor2D [N, F], got ${features.dtype} of shape [${features.shape.join(', ')}]`,
      );
    checkRows(graph, features.shape[0]!, `the tensor [${features.shape.join(', ')}]`);
    return dense(graph, Float32Array.from(features.dataSync()), features.shape[1]!, 'the tensor') as G;
  }
  if ('rowPtr' in features) return sparse(graph, features) as G;
  if ('rows' in features && 'cols' in features) {
    const { rows, cols, values, numFeatures } = features;
    if (!Number.isInteger(numFeatures) || numFeatures < 1)
      throw new RangeError(`features: numFeatures must be an integer >= 1, got ${numFeatures}`);
    let m: CsrMatrix;
    try {
      m = csrFromCoo(graph.numNodes, numFeatures, rows, cols, values);
    } catch (e) {
      throw new RangeError(`features (COO, graph of ${graph.numNodes} nodes): ${(e as Error).message}`);
    }
    // Summing repeated entries can overflow float32.
    return sparse(graph, m) as G;
  }
  if ('values' in features && 'numFeatures' in features) {
    const v = features.values instanceof Float32Array ? features.values : Float32Array.from(features.values);
    return dense(graph, v, features.numFeatures, 'values') as G;
  }
  throw new TypeError(
    'features must be a tf.Tensor2D, { values, numFeatures }, a CsrMatrix { numRows, numCols, rowPtr, colIdx, values }, COO { rows, cols, values, numFeatures } or a parseNodeFeatures result',
  );
}
