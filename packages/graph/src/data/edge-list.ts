import { GraphDataError } from './errors.js';
import type { Graph } from './graph.js';
import { checkIdentityFeatures, fromUndirectedEdges } from './graph.js';
import { readTable } from './table.js';

/** Options of {@link parseEdgeList}. */
export interface ParseEdgeListOptions {
  /**
   * Index mode: node ids are indices into `[0, numNodes)` (an id outside is refused, nodes in no edge stay
   * as isolated nodes). Default: ids are names, numbered compactly (see {@link parseEdgeList}).
   */
  numNodes?: number;
  /** `node label` lines (a negative label = unlabelled) and their source name for errors. Default: no labels. */
  labels?: { text: string; source: string };
  /**
   * `'identity'`: one-hot node ids as features (small graphs only, see below). `'none'`: no features yet
   * (`numFeatures` 0) — the caller attaches real ones (`withNodeFeatures`, the CLI's `--features`), so a
   * graph of any size is read. Default `'identity'`.
   */
  features?: 'identity' | 'none';
}

/** What {@link parseEdgeList} returns: the graph, with the file's ids and label values beside it. */
export interface EdgeListGraph extends Graph {
  /** The id node `i` has in the file (ascending; `[0, 1, …, N−1]` when the file uses exactly those ids). */
  nodeIds: number[];
  /** With labels: the label value class `c` stands for (ascending; `[0, 1, …]` when the file uses those). */
  classValues?: number[];
}

/** A non-negative integer id or label that a float64 holds exactly, else `undefined`. */
function integerCell(cell: string | undefined): number | undefined {
  if (cell === undefined || cell === '') return undefined;
  const v = Number(cell);
  return Number.isSafeInteger(v) ? v : undefined;
}

/**
 * Parses an undirected edge list for node-level tasks: one `u v` pair per line (non-negative integer node
 * ids, comma, tab or space separated, `#` comments; a line `v v` declares a node with no other edge).
 *
 * **Node ids are names, not indices** (unless `numNodes` is given): the graph's nodes are the ids that occur
 * in the file, numbered 0..N−1 in ascending id order, so `0 1` and `30000 4000000000` both make a 2-node
 * graph; `nodeIds` maps back. A file that uses exactly the ids 0..N−1 keeps them as they are. With
 * `numNodes`, ids are indices in `[0, numNodes)` instead (an id outside is refused naming the line).
 *
 * Node features are one-hot identities, built only up to `MAX_IDENTITY_NODES` (5,000) nodes: a larger graph
 * is refused before allocating (give node features instead). Optional `labels`: `node label` lines whose
 * node must be a node of the edge list (a negative label = unlabelled); **label values are names too**,
 * numbered 0..C−1 in ascending order (`classValues` maps back), so a label 1000000 makes one class, not a
 * million. Errors are {@link GraphDataError}s naming `source` (or the labels' source) and the line.
 * Browser-safe; `loadEdgeList` in `@contrastive/graph/node` reads the files.
 */
export function parseEdgeList(text: string, source: string, opts: ParseEdgeListOptions = {}): EdgeListGraph {
  const { rows } = readTable(text);
  if (rows.length === 0) throw new GraphDataError('EEMPTY', `${source}: no edges (empty graph)`, { file: source });
  const indexMode = opts.numNodes !== undefined;
  if (indexMode && (!Number.isSafeInteger(opts.numNodes) || opts.numNodes! < 1))
    throw new RangeError(`numNodes must be an integer >= 1, got ${String(opts.numNodes)}`);
  const raw: [number, number][] = [];
  const ids = new Set<number>();
  for (const r of rows) {
    const a = integerCell(r.cells[0]);
    const b = integerCell(r.cells[1]);
    if (r.cells.length < 2 || a === undefined || b === undefined || a < 0 || b < 0) {
      throw new GraphDataError(
        'EBADROW',
        `${source}:${r.line}: expected two non-negative integer node ids (at most 2^53 − 1), got '${r.cells.join(' ')}'`,
        { file: source, line: r.line },
      );
    }
    if (indexMode && (a >= opts.numNodes! || b >= opts.numNodes!)) {
      throw new GraphDataError(
        'ERANGE',
        `${source}:${r.line}: edge (${a} -> ${b}) has an endpoint out of range [0, ${opts.numNodes! - 1}]`,
        { file: source, line: r.line },
      );
    }
    raw.push([a, b]);
    ids.add(a).add(b);
  }
  // Names → compact indices (identity when the ids are exactly 0..N−1).
  const nodeIds = indexMode ? Array.from({ length: opts.numNodes! }, (_, i) => i) : [...ids].sort((x, y) => x - y);
  const n = nodeIds.length;
  const identity = nodeIds[n - 1] === n - 1;
  const index = identity ? null : new Map(nodeIds.map((id, i) => [id, i]));
  const at = (id: number): number => (index === null ? id : index.get(id)!);
  const oneHotIds = (opts.features ?? 'identity') === 'identity';
  if (oneHotIds) checkIdentityFeatures(n, source);
  const pairs = raw.map(([a, b]) => [at(a), at(b)] as const);
  let nodeLabels: Int32Array | undefined;
  let classValues: number[] | undefined;
  if (opts.labels) {
    const file = opts.labels.source;
    const given: [number, number][] = [];
    for (const r of readTable(opts.labels.text).rows) {
      const id = integerCell(r.cells[0]);
      const y = integerCell(r.cells[1]);
      const node = id === undefined ? undefined : index === null ? (id >= 0 && id < n ? id : undefined) : index.get(id);
      if (node === undefined || y === undefined) {
        const nodes = identity ? `node in [0, ${n - 1}] (the node ids of ${source})` : `a node id of ${source}`;
        const isolated = id !== undefined && id >= 0 && !indexMode ? `; a node in no edge is declared by a line '${id} ${id}' there` : '';
        throw new GraphDataError(
          id === undefined || y === undefined ? 'EBADROW' : 'ERANGE',
          `${file}:${r.line}: expected 'node label' with ${nodes} and an integer label, got '${r.cells.join(' ')}'${y === undefined ? '' : isolated}`,
          { file, line: r.line },
        );
      }
      given.push([node, y]);
    }
    classValues = [...new Set(given.map(([, y]) => y).filter((y) => y >= 0))].sort((x, y) => x - y);
    const classOf = new Map(classValues.map((v, c) => [v, c]));
    nodeLabels = new Int32Array(n).fill(-1);
    // A later line for the same node wins.
    for (const [node, y] of given) nodeLabels[node] = y < 0 ? -1 : classOf.get(y)!;
  }
  const g = fromUndirectedEdges(n, pairs, {
    ...(nodeLabels ? { nodeLabels } : {}),
    ...(oneHotIds ? {} : { features: new Float32Array(0), numFeatures: 0 }),
  }) as EdgeListGraph;
  g.nodeIds = nodeIds;
  if (classValues) g.classValues = classValues;
  return g;
}
