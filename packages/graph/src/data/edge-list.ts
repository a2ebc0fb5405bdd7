import type { Graph } from './graph.js';
import { fromUndirectedEdges } from './graph.js';
import { readTable } from './table.js';

/** Options of {@link parseEdgeList}. */
export interface ParseEdgeListOptions {
  /** Number of nodes. Default: the largest id + 1. */
  numNodes?: number;
  /** `node label` lines (−1 or absent = unlabelled) and their source name for errors. Default: no labels. */
  labels?: { text: string; source: string };
}

/**
 * Parses an undirected edge list for node-level tasks: one `u v` pair per line (0-based node ids, comma,
 * tab or space separated, `#` comments). The node count is the largest id + 1 unless `numNodes` is given;
 * node features are one-hot identities. Optional `labels`: `node label` lines (−1 or absent =
 * unlabelled). Errors name `source` and line (non-integer or negative id, out-of-range id, empty file).
 * Browser-safe; `loadEdgeList` in `@contrastive/graph/node` reads the files.
 */
export function parseEdgeList(text: string, source: string, opts: ParseEdgeListOptions = {}): Graph {
  const { rows } = readTable(text);
  if (rows.length === 0) throw new RangeError(`${source}: no edges (empty graph)`);
  const pairs: [number, number][] = [];
  let maxId = -1;
  for (const r of rows) {
    const [a, b] = r.cells.map(Number);
    if (r.cells.length < 2 || !Number.isInteger(a) || !Number.isInteger(b) || a! < 0 || b! < 0) {
      throw new RangeError(`${source}:${r.line}: expected two non-negative integer node ids, got '${r.cells.join(' ')}'`);
    }
    if (opts.numNodes !== undefined && (a! >= opts.numNodes || b! >= opts.numNodes)) {
      throw new RangeError(`${source}:${r.line}: edge (${a} -> ${b}) has an endpoint out of range [0, ${opts.numNodes - 1}]`);
    }
    pairs.push([a!, b!]);
    maxId = Math.max(maxId, a!, b!);
  }
  const n = opts.numNodes ?? maxId + 1;
  let nodeLabels: Int32Array | undefined;
  if (opts.labels) {
    nodeLabels = new Int32Array(n).fill(-1);
    for (const r of readTable(opts.labels.text).rows) {
      const [i, y] = r.cells.map(Number);
      if (!Number.isInteger(i) || !Number.isInteger(y) || i! < 0 || i! >= n) {
        throw new RangeError(
          `${opts.labels.source}:${r.line}: expected 'node label' with node in [0, ${n - 1}], got '${r.cells.join(' ')}'`,
        );
      }
      nodeLabels[i!] = y!;
    }
  }
  return fromUndirectedEdges(n, pairs, nodeLabels ? { nodeLabels } : {});
}
