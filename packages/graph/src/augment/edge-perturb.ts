import type { Rng } from '@contrastive/core';
import type { Graph } from '../data/graph.js';
import { numEdges } from '../data/graph.js';
import { checkRatio } from './subset.js';

/**
 * GraphCL edge perturbation (chem loader `permute_edges`): removes `floor(m·ratio)` random edges and adds
 * the same number of uniformly random node pairs. On an undirected graph (every edge stored in both
 * directions, the default assumption) m counts undirected edges and both directions are removed/added
 * together, so the result stays undirected. Added edges get all-zero edge features ("no bond"), since
 * an invented edge has no type. Default ratio 0.2.
 */
export function perturbEdges(g: Graph, rng: Rng, opts: { ratio?: number; undirected?: boolean } = {}): Graph {
  const ratio = opts.ratio ?? 0.2;
  checkRatio(ratio);
  const undirected = opts.undirected ?? true;
  const e = numEdges(g);
  // Edge "units": one per directed edge, or one per (u<v) pair holding both directions.
  const units: number[][] = [];
  if (undirected) {
    const byKey = new Map<string, number[]>();
    for (let k = 0; k < e; k++) {
      const a = g.edgeIndex[k]!;
      const b = g.edgeIndex[e + k]!;
      const key = a < b ? `${a},${b}` : `${b},${a}`;
      const u = byKey.get(key);
      if (u) u.push(k);
      else byKey.set(key, [k]);
    }
    units.push(...byKey.values());
  } else {
    for (let k = 0; k < e; k++) units.push([k]);
  }
  const change = Math.floor(units.length * ratio);
  const perm = rng.permutation(units.length);
  const keepEdges: number[] = [];
  for (let p = change; p < units.length; p++) keepEdges.push(...units[perm[p]!]!);
  keepEdges.sort((a, b) => a - b);
  const added: [number, number][] = [];
  for (let k = 0; k < change; k++) {
    const a = rng.int(g.numNodes);
    const b = rng.int(g.numNodes);
    added.push([a, b]);
    if (undirected && a !== b) added.push([b, a]);
  }
  const total = keepEdges.length + added.length;
  const edgeIndex = new Int32Array(2 * total);
  keepEdges.forEach((k, o) => {
    edgeIndex[o] = g.edgeIndex[k]!;
    edgeIndex[total + o] = g.edgeIndex[e + k]!;
  });
  added.forEach(([a, b], o) => {
    edgeIndex[keepEdges.length + o] = a;
    edgeIndex[total + keepEdges.length + o] = b;
  });
  const out: Graph = { ...g, edgeIndex };
  if (g.edgeAttr && g.numEdgeFeatures) {
    const fe = g.numEdgeFeatures;
    const ea = new Float32Array(total * fe);
    keepEdges.forEach((k, o) => ea.set(g.edgeAttr!.subarray(k * fe, (k + 1) * fe), o * fe));
    out.edgeAttr = ea;
  }
  return out;
}
