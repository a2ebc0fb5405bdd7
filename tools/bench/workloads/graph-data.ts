/**
 * Deterministic synthetic graph batch shared (by construction, not by file) with
 * tools/bench/torch/gin_graphs.py: 128 graphs of 24 nodes, a ring plus 12 chords (i → i+7), both
 * directions, 16 node features; two "views" drop a different fixed 20% of node features.
 */
export const GIN_GRAPHS = 128;
export const GIN_NODES = 24;
export const GIN_FEATURES = 16;

export function ginEdges(graphs = GIN_GRAPHS): { src: Int32Array; dst: Int32Array } {
  const src: number[] = [];
  const dst: number[] = [];
  for (let g = 0; g < graphs; g++) {
    const o = g * GIN_NODES;
    const add = (a: number, b: number) => {
      src.push(o + a, o + b);
      dst.push(o + b, o + a);
    };
    for (let i = 0; i < GIN_NODES; i++) add(i, (i + 1) % GIN_NODES);
    for (let i = 0; i < GIN_NODES; i += 2) add(i, (i + 7) % GIN_NODES);
  }
  return { src: Int32Array.from(src), dst: Int32Array.from(dst) };
}
