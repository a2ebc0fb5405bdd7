import type { Rng } from '@contrastive/core';
import type { Graph } from '../data/graph.js';
import { numEdges } from '../data/graph.js';
import { checkRatio, inducedSubgraph } from './subset.js';

/**
 * Subgraph sampling by random BFS expansion, **JOAO's version** (You et al., ICML 2021,
 * `GraphCL_Automated/.../loader.py` `subgraph`): start at a uniformly random node, keep a frontier of the
 * neighbours of every node taken so far, and repeatedly move a random frontier node into the subgraph
 * until `floor(n·(1 − ratio))` nodes are kept (or the start node's component is exhausted); return the
 * induced subgraph.
 *
 * Two deliberate differences from GraphCL's code (see the spec):
 * - "ratio" is the fraction **removed** (JOAO keeps 80 % at ratio 0.2); GraphCL's loader keeps
 *   `int(n·ratio)` nodes, i.e. 20 %.
 * - the frontier grows with each new node (GraphCL's `idx_neigh.union(...)` result is never assigned,
 *   its frontier stays the seed's neighbours — GraphCL README / issue #24). JOAO fixed it; so do we.
 * JOAO's loop condition (`while len(idx_sub) <= sub_num`) keeps one node more than its target; we
 * keep exactly the target so the ratio is honoured.
 */
export function subgraph(g: Graph, rng: Rng, opts: { ratio?: number } = {}): Graph {
  const ratio = opts.ratio ?? 0.2;
  checkRatio(ratio);
  const n = g.numNodes;
  const target = Math.max(1, Math.floor(n * (1 - ratio)));
  const e = numEdges(g);
  // CSR adjacency (out-neighbours, as JOAO uses edge_index[1][edge_index[0] == v]).
  const start = new Int32Array(n + 1);
  for (let k = 0; k < e; k++) start[g.edgeIndex[k]! + 1]! += 1;
  for (let i = 0; i < n; i++) start[i + 1]! += start[i]!;
  const fill = start.slice(0, n);
  const nbr = new Int32Array(e);
  for (let k = 0; k < e; k++) nbr[fill[g.edgeIndex[k]!]!++] = g.edgeIndex[e + k]!;

  const keep = new Uint8Array(n);
  const inFrontier = new Uint8Array(n);
  const frontier: number[] = [];
  const take = (v: number): void => {
    keep[v] = 1;
    for (let p = start[v]!; p < start[v + 1]!; p++) {
      const u = nbr[p]!;
      if (!keep[u] && !inFrontier[u]) {
        inFrontier[u] = 1;
        frontier.push(u);
      }
    }
  };
  take(rng.int(n));
  let kept = 1;
  while (kept < target && frontier.length > 0) {
    const j = rng.int(frontier.length);
    const v = frontier[j]!;
    frontier[j] = frontier[frontier.length - 1]!;
    frontier.pop();
    if (keep[v]) continue;
    take(v);
    kept++;
  }
  return inducedSubgraph(g, keep);
}
