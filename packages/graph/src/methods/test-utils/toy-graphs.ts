import { createRng } from '@contrastive/core';
import type { Graph } from '../../data/graph.js';
import { fromUndirectedEdges } from '../../data/graph.js';

/** Small random graphs for method tests: rings of 5–9 nodes with one chord, 3 normal features per node. */
export function toyGraphs(count: number, seed: number): Graph[] {
  const rng = createRng(seed);
  return Array.from({ length: count }, () => {
    const n = 5 + rng.int(5);
    const pairs: [number, number][] = [];
    for (let i = 0; i < n; i++) pairs.push([i, (i + 1) % n]);
    pairs.push([0, 2 + rng.int(n - 2)]);
    const x = Float32Array.from({ length: n * 3 }, () => rng.normal());
    return fromUndirectedEdges(n, pairs, { features: x, numFeatures: 3 });
  });
}
