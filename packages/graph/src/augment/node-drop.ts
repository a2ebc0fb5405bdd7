import type { Rng } from '@contrastive/core';
import type { Graph } from '../data/graph.js';
import { checkRatio, inducedSubgraph } from './subset.js';

/**
 * GraphCL node dropping (You et al., NeurIPS 2020, `drop_nodes`): removes `floor(n·ratio)` uniformly
 * chosen nodes together with every edge touching them; at least one node is always kept.
 * Default ratio 0.2 (GraphCL/JOAO `aug_ratio`).
 */
export function dropNodes(g: Graph, rng: Rng, opts: { ratio?: number } = {}): Graph {
  const ratio = opts.ratio ?? 0.2;
  checkRatio(ratio);
  const drop = Math.min(Math.floor(g.numNodes * ratio), g.numNodes - 1);
  const perm = rng.permutation(g.numNodes);
  const keep = new Uint8Array(g.numNodes).fill(1);
  for (let k = 0; k < drop; k++) keep[perm[k]!] = 0;
  return inducedSubgraph(g, keep);
}
