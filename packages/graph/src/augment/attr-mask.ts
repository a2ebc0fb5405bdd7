import type { Rng } from '@contrastive/core';
import type { Graph } from '../data/graph.js';
import { checkRatio } from './subset.js';

/**
 * GraphCL attribute masking: replaces the feature rows of `floor(n·ratio)` random nodes with the
 * graph's mean feature vector (`mode: 'mean'`, the transfer/semi-supervised code) or with N(0.5, 0.5²)
 * noise (`mode: 'noise'`, GraphCL's unsupervised-TU code). Structure is untouched. Default ratio 0.2.
 */
export function maskAttributes(g: Graph, rng: Rng, opts: { ratio?: number; mode?: 'mean' | 'noise' } = {}): Graph {
  const ratio = opts.ratio ?? 0.2;
  checkRatio(ratio);
  const mode = opts.mode ?? 'mean';
  if (mode !== 'mean' && mode !== 'noise') throw new RangeError(`mode must be 'mean' or 'noise', got '${String(mode)}'`);
  const f = g.numFeatures;
  const n = g.numNodes;
  const mean = new Float32Array(f);
  for (let i = 0; i < n; i++) for (let j = 0; j < f; j++) mean[j]! += g.x[i * f + j]! / n;
  const x = g.x.slice();
  const perm = rng.permutation(n);
  const count = Math.floor(n * ratio);
  for (let k = 0; k < count; k++) {
    const i = perm[k]!;
    for (let j = 0; j < f; j++) x[i * f + j] = mode === 'mean' ? mean[j]! : 0.5 + 0.5 * rng.normal();
  }
  return { ...g, x };
}
