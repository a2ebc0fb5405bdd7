import type { Graph } from '../data/graph.js';
import { numEdges } from '../data/graph.js';

/**
 * The induced subgraph on the nodes with `keep[i] = true`, renumbered in order. Edges with a removed
 * endpoint are removed with it (their features too); node labels follow their nodes.
 */
export function inducedSubgraph(g: Graph, keep: Uint8Array): Graph {
  const map = new Int32Array(g.numNodes).fill(-1);
  let n = 0;
  for (let i = 0; i < g.numNodes; i++) if (keep[i]) map[i] = n++;
  const f = g.numFeatures;
  const x = new Float32Array(n * f);
  for (let i = 0; i < g.numNodes; i++) if (map[i]! >= 0) x.set(g.x.subarray(i * f, (i + 1) * f), map[i]! * f);
  const e = numEdges(g);
  const kept: number[] = [];
  for (let k = 0; k < e; k++) if (map[g.edgeIndex[k]!]! >= 0 && map[g.edgeIndex[e + k]!]! >= 0) kept.push(k);
  const out: Graph = { ...g, numNodes: n, x, edgeIndex: new Int32Array(2 * kept.length) };
  kept.forEach((k, o) => {
    out.edgeIndex[o] = map[g.edgeIndex[k]!]!;
    out.edgeIndex[kept.length + o] = map[g.edgeIndex[e + k]!]!;
  });
  if (g.edgeAttr && g.numEdgeFeatures) {
    const fe = g.numEdgeFeatures;
    const ea = new Float32Array(kept.length * fe);
    kept.forEach((k, o) => ea.set(g.edgeAttr!.subarray(k * fe, (k + 1) * fe), o * fe));
    out.edgeAttr = ea;
  }
  if (g.nodeLabels) {
    const nl = new Int32Array(n);
    for (let i = 0; i < g.numNodes; i++) if (map[i]! >= 0) nl[map[i]!] = g.nodeLabels[i]!;
    out.nodeLabels = nl;
  }
  return out;
}

/** Throws unless `ratio` ∈ [0, 1). */
export function checkRatio(ratio: number, name = 'ratio'): void {
  if (typeof ratio !== 'number' || !(ratio >= 0 && ratio < 1)) {
    throw new RangeError(`${name} must be a number in [0, 1), got ${String(ratio)}`);
  }
}
