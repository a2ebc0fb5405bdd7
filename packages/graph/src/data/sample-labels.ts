import { createRng } from '@contrastive/core';

/**
 * The training labels of a semi-supervised node task: `k` nodes per class of `truth` drawn with `seed`,
 * every other node unlabelled (−1). Nodes with a negative truth label are never picked.
 */
export function sampleLabels(truth: Int32Array, k: number, seed: number): Int32Array {
  const rng = createRng(seed);
  const labels = new Int32Array(truth.length).fill(-1);
  const classes = [...new Set(Array.from(truth).filter((y) => y >= 0))].sort((a, b) => a - b);
  for (const c of classes) {
    const members = rng.shuffle(Array.from(truth.keys()).filter((i) => truth[i] === c));
    for (const i of members.slice(0, k)) labels[i] = c;
  }
  return labels;
}
