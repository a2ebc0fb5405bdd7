import type { Graph } from './graph.js';
import { numEdges, validateGraph } from './graph.js';

/**
 * Many small graphs as one disjoint union, PyTorch Geometric style: node rows concatenated, edge indices
 * offset by each graph's first node, `batch[i]` = the graph of node i, `ptr[g]..ptr[g+1]` = the node
 * range of graph g (`ptr` has numGraphs + 1 entries), `edgePtr` likewise for edges.
 */
export interface GraphBatch {
  numGraphs: number;
  numNodes: number;
  numFeatures: number;
  x: Float32Array;
  edgeIndex: Int32Array;
  edgeAttr?: Float32Array;
  numEdgeFeatures?: number;
  batch: Int32Array;
  ptr: Int32Array;
  edgePtr: Int32Array;
  /** Graph targets `[numGraphs]` when every graph has `y`. */
  y?: Float32Array;
  /** Node labels `[numNodes]` when every graph has them. */
  nodeLabels?: Int32Array;
}

/**
 * Batches graphs into one disjoint union (see {@link GraphBatch}). All graphs must share the node and
 * edge feature widths; each is validated and errors name `graphs[i]`.
 */
export function batchGraphs(graphs: readonly Graph[]): GraphBatch {
  if (!Array.isArray(graphs) || graphs.length === 0) {
    throw new RangeError(`graphs must be a non-empty array of Graph, got ${Array.isArray(graphs) ? 'an empty array' : typeof graphs}`);
  }
  const first = graphs[0]!;
  const f = first.numFeatures;
  const fe = first.edgeAttr ? first.numEdgeFeatures! : undefined;
  let n = 0;
  let e = 0;
  graphs.forEach((g, i) => {
    validateGraph(g, `graphs[${i}]`);
    if (g.xSparse !== undefined)
      throw new RangeError(
        `graphs[${i}] has sparse node features (xSparse): graph-level batching needs dense x; node-level methods read xSparse`,
      );
    if (g.numFeatures !== f) throw new RangeError(`graphs[${i}].numFeatures is ${g.numFeatures}, expected ${f} like graphs[0]`);
    const gfe = g.edgeAttr ? g.numEdgeFeatures : undefined;
    if (gfe !== fe) throw new RangeError(`graphs[${i}] edge features width ${String(gfe)} differs from graphs[0] (${String(fe)})`);
    n += g.numNodes;
    e += numEdges(g);
  });
  const x = new Float32Array(n * f);
  const edgeIndex = new Int32Array(2 * e);
  const edgeAttr = fe !== undefined ? new Float32Array(e * fe) : undefined;
  const batch = new Int32Array(n);
  const ptr = new Int32Array(graphs.length + 1);
  const edgePtr = new Int32Array(graphs.length + 1);
  const allY = graphs.every((g) => g.y !== undefined);
  const allLabels = graphs.every((g) => g.nodeLabels !== undefined);
  const y = allY ? new Float32Array(graphs.length) : undefined;
  const nodeLabels = allLabels ? new Int32Array(n) : undefined;
  let no = 0;
  let eo = 0;
  graphs.forEach((g, gi) => {
    const ge = numEdges(g);
    x.set(g.x, no * f);
    for (let k = 0; k < ge; k++) {
      edgeIndex[eo + k] = g.edgeIndex[k]! + no;
      edgeIndex[e + eo + k] = g.edgeIndex[ge + k]! + no;
    }
    if (edgeAttr && g.edgeAttr) edgeAttr.set(g.edgeAttr, eo * fe!);
    batch.fill(gi, no, no + g.numNodes);
    if (y) y[gi] = g.y!;
    if (nodeLabels) nodeLabels.set(g.nodeLabels!, no);
    no += g.numNodes;
    eo += ge;
    ptr[gi + 1] = no;
    edgePtr[gi + 1] = eo;
  });
  const out: GraphBatch = { numGraphs: graphs.length, numNodes: n, numFeatures: f, x, edgeIndex, batch, ptr, edgePtr };
  if (edgeAttr) {
    out.edgeAttr = edgeAttr;
    out.numEdgeFeatures = fe!;
  }
  if (y) out.y = y;
  if (nodeLabels) out.nodeLabels = nodeLabels;
  return out;
}

/** Splits a batch back into its graphs (inverse of {@link batchGraphs}). */
export function unbatch(b: GraphBatch): Graph[] {
  const e = b.edgeIndex.length / 2;
  const out: Graph[] = [];
  for (let gi = 0; gi < b.numGraphs; gi++) {
    const n0 = b.ptr[gi]!;
    const n1 = b.ptr[gi + 1]!;
    const e0 = b.edgePtr[gi]!;
    const e1 = b.edgePtr[gi + 1]!;
    const ge = e1 - e0;
    const edgeIndex = new Int32Array(2 * ge);
    for (let k = 0; k < ge; k++) {
      edgeIndex[k] = b.edgeIndex[e0 + k]! - n0;
      edgeIndex[ge + k] = b.edgeIndex[e + e0 + k]! - n0;
    }
    const g: Graph = {
      numNodes: n1 - n0,
      numFeatures: b.numFeatures,
      x: b.x.slice(n0 * b.numFeatures, n1 * b.numFeatures),
      edgeIndex,
    };
    if (b.edgeAttr && b.numEdgeFeatures !== undefined) {
      g.edgeAttr = b.edgeAttr.slice(e0 * b.numEdgeFeatures, e1 * b.numEdgeFeatures);
      g.numEdgeFeatures = b.numEdgeFeatures;
    }
    if (b.y) g.y = b.y[gi]!;
    if (b.nodeLabels) g.nodeLabels = b.nodeLabels.slice(n0, n1);
    out.push(g);
  }
  return out;
}

/** A single graph as a batch of one (node-level tasks on one large graph). */
export function singleGraphBatch(g: Graph): GraphBatch {
  return batchGraphs([g]);
}
