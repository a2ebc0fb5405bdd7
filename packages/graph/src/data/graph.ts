import type { CsrMatrix } from './csr.js';
import { validateCsr } from './csr.js';
import { GraphDataError } from './errors.js';

/**
 * The graph container shared by every part of the package. Graphs live on the CPU as typed arrays
 * (augmentations are index manipulations, cheap in JS); they become tensors only when a batch is fed to a
 * model (see `toTensors`). Layout follows PyTorch Geometric: node features `x` `[N, F]` row-major, edges in
 * COO form `edgeIndex` `[2, E]` row-major (sources `edgeIndex[0..E)`, targets `edgeIndex[E..2E)`), message
 * direction source → target. An undirected graph stores both directions.
 */
export interface Graph {
  /** Number of nodes N (≥ 1). */
  numNodes: number;
  /** Node feature width F. */
  numFeatures: number;
  /** Node features `[N, F]`, row-major (empty when `xSparse` holds them). */
  x: Float32Array;
  /**
   * Node features in sparse CSR form `[N, F]` (bag-of-words, TF-IDF) instead of `x`: then `x` is empty and
   * `numFeatures` equals `xSparse.numCols`. Node-level methods (CG3, GCN, MLP, GraphCL on nodes) read it;
   * graph-level batching refuses it.
   */
  xSparse?: CsrMatrix;
  /** COO edges `[2, E]`, row-major: `edgeIndex[e]` → `edgeIndex[E + e]`. */
  edgeIndex: Int32Array;
  /** Optional edge features `[E, Fe]`, row-major (bond types for molecules). */
  edgeAttr?: Float32Array;
  /** Edge feature width Fe (required when `edgeAttr` is given). */
  numEdgeFeatures?: number;
  /** Optional graph-level target (class or property value). */
  y?: number;
  /** Optional per-node integer labels `[N]` (node classification; −1 = unlabelled). */
  nodeLabels?: Int32Array;
}

/** Number of (directed) edges of a graph. */
export function numEdges(g: Pick<Graph, 'edgeIndex'>): number {
  return g.edgeIndex.length / 2;
}

/**
 * Checks a graph's shapes and indices and throws a `RangeError` naming the problem: an empty graph,
 * feature arrays of the wrong length, an odd-length edge index, or an edge whose endpoint is out of
 * range (the message names the edge number and its endpoints).
 */
export function validateGraph(g: Graph, name = 'graph'): void {
  if (g === null || typeof g !== 'object') throw new TypeError(`${name} must be a Graph object, got ${String(g)}`);
  if (!Number.isInteger(g.numNodes) || g.numNodes < 0) {
    throw new RangeError(`${name}.numNodes must be an integer >= 1, got ${String(g.numNodes)}`);
  }
  if (g.numNodes === 0) throw new RangeError(`${name} is empty (0 nodes); a graph needs at least one node`);
  if (!Number.isInteger(g.numFeatures) || g.numFeatures < 0) {
    throw new RangeError(`${name}.numFeatures must be an integer >= 0, got ${String(g.numFeatures)}`);
  }
  if (g.xSparse !== undefined) {
    validateCsr(g.xSparse, `${name}.xSparse`);
    if (g.xSparse.numRows !== g.numNodes || g.xSparse.numCols !== g.numFeatures || !(g.x instanceof Float32Array) || g.x.length !== 0) {
      throw new RangeError(
        `${name}.xSparse must be [numNodes, numFeatures] = [${g.numNodes}, ${g.numFeatures}] with an empty x, got ` +
          `[${g.xSparse.numRows}, ${g.xSparse.numCols}] and x of length ${g.x?.length ?? 'none'}`,
      );
    }
  } else if (!(g.x instanceof Float32Array) || g.x.length !== g.numNodes * g.numFeatures) {
    throw new RangeError(
      `${name}.x must be a Float32Array of length numNodes*numFeatures = ${g.numNodes}*${g.numFeatures} = ` +
        `${g.numNodes * g.numFeatures} ([N, F] row-major), got length ${g.x?.length ?? 'none'}`,
    );
  }
  if (!(g.edgeIndex instanceof Int32Array) || g.edgeIndex.length % 2 !== 0) {
    throw new RangeError(`${name}.edgeIndex must be an Int32Array of shape [2, E] (even length), got length ${g.edgeIndex?.length}`);
  }
  const e = g.edgeIndex.length / 2;
  for (let k = 0; k < e; k++) {
    const s = g.edgeIndex[k]!;
    const t = g.edgeIndex[e + k]!;
    if (s < 0 || s >= g.numNodes || t < 0 || t >= g.numNodes) {
      throw new RangeError(`${name}.edgeIndex: edge ${k} (${s} -> ${t}) has an endpoint out of range [0, ${g.numNodes - 1}]`);
    }
  }
  if (g.edgeAttr !== undefined) {
    const fe = g.numEdgeFeatures;
    if (fe === undefined || !Number.isInteger(fe) || fe < 1) {
      throw new RangeError(`${name}.numEdgeFeatures must be an integer >= 1 when edgeAttr is given, got ${String(fe)}`);
    }
    if (!(g.edgeAttr instanceof Float32Array) || g.edgeAttr.length !== e * fe) {
      throw new RangeError(`${name}.edgeAttr must be a Float32Array of length E*Fe = ${e}*${fe} = ${e * fe}, got ${g.edgeAttr?.length}`);
    }
  }
  if (g.nodeLabels !== undefined && (!(g.nodeLabels instanceof Int32Array) || g.nodeLabels.length !== g.numNodes)) {
    throw new RangeError(`${name}.nodeLabels must be an Int32Array of length numNodes = ${g.numNodes}, got ${g.nodeLabels?.length}`);
  }
}

/**
 * The most nodes a graph gets one-hot identity features for: they are `N × N` float32 values, 100 MB at
 * 5,000 nodes (and the first layer's weight is `N × hidden` on top). Every featureless benchmark graph this
 * package uses is far smaller (the karate club has 34 nodes); a larger graph needs real node features.
 */
export const MAX_IDENTITY_NODES = 5000;

/**
 * Throws a {@link GraphDataError} (`ETOOLARGE`) when `numNodes` is over {@link MAX_IDENTITY_NODES}: called
 * before the `N × N` identity features are allocated. `source` names the input in the message.
 */
export function checkIdentityFeatures(numNodes: number, source = 'graph'): void {
  if (numNodes <= MAX_IDENTITY_NODES) return;
  const gb = (numNodes * numNodes * 4) / 1e9;
  throw new GraphDataError(
    'ETOOLARGE',
    `${source}: ${numNodes.toLocaleString('en-US')} nodes and no node features: one-hot identity features would be ` +
      `${numNodes.toLocaleString('en-US')}² float32 values (${gb < 1 ? `${Math.round(gb * 1000)} MB` : `${gb.toFixed(1)} GB`}); ` +
      `they are built only up to ${MAX_IDENTITY_NODES.toLocaleString('en-US')} nodes. Give node features instead ` +
      '(the CLI: --features FILE, dense or sparse; the API: withNodeFeatures, or the `features` option of fromUndirectedEdges)',
    { file: source },
  );
}

/**
 * Builds a graph from an undirected edge list (each pair stored in both directions, duplicates and
 * self-loops removed). `features` defaults to a one-hot identity `[N, N]` (the usual choice for
 * featureless graphs such as the karate club), built only up to {@link MAX_IDENTITY_NODES} nodes: a larger
 * graph without `features` is refused (a `GraphDataError`, `ETOOLARGE`) before anything is allocated.
 */
export function fromUndirectedEdges(
  numNodes: number,
  pairs: ReadonlyArray<readonly [number, number]>,
  options: { features?: Float32Array; numFeatures?: number; nodeLabels?: Int32Array } = {},
): Graph {
  if (options.features === undefined) checkIdentityFeatures(numNodes);
  // Pairs are deduplicated by the key min·N + max, exact below 2^53.
  if (numNodes > 94_906_265) throw new GraphDataError('ETOOLARGE', `numNodes ${numNodes} is over the supported 94,906,265`);
  const seen = new Set<number>();
  const src: number[] = [];
  const dst: number[] = [];
  pairs.forEach(([a, b], k) => {
    if (!Number.isInteger(a) || !Number.isInteger(b) || a < 0 || b < 0 || a >= numNodes || b >= numNodes) {
      throw new RangeError(`edge ${k} (${a} -> ${b}) has an endpoint out of range [0, ${numNodes - 1}]`);
    }
    if (a === b) return;
    const key = Math.min(a, b) * numNodes + Math.max(a, b);
    if (seen.has(key)) return;
    seen.add(key);
    src.push(a, b);
    dst.push(b, a);
  });
  const edgeIndex = new Int32Array(src.length * 2);
  edgeIndex.set(src, 0);
  edgeIndex.set(dst, src.length);
  let x = options.features;
  let numFeatures = options.numFeatures ?? 0;
  if (x === undefined) {
    x = new Float32Array(numNodes * numNodes);
    for (let i = 0; i < numNodes; i++) x[i * numNodes + i] = 1;
    numFeatures = numNodes;
  }
  const g: Graph = { numNodes, numFeatures, x, edgeIndex };
  if (options.nodeLabels) g.nodeLabels = options.nodeLabels;
  validateGraph(g);
  return g;
}
