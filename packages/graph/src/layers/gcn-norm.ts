/**
 * GCN propagation weights for Â = D^−½ (A + I) D^−½ (Kipf & Welling, ICLR 2017), kept sparse: the edges
 * of A plus one self-loop per node, each with weight 1/√(d_src·d_dst), where d counts incoming edges
 * including the self-loop (PyG `gcn_norm` with `add_self_loops=True`). Existing self-loops in A are
 * dropped first so every node gets exactly one. Runs on the CPU in O(N + E).
 */
export interface SparseAdjacency {
  src: Int32Array;
  dst: Int32Array;
  weight: Float32Array;
}

/** `edgeWeight` `[E]` (optional, default 1) gives the weighted form (coarsened graphs); self-loops weigh 1. */
export function gcnNorm(edgeIndex: Int32Array, numNodes: number, edgeWeight?: Float32Array): SparseAdjacency {
  const e = edgeIndex.length / 2;
  let kept = 0;
  for (let k = 0; k < e; k++) if (edgeIndex[k] !== edgeIndex[e + k]) kept++;
  const total = kept + numNodes;
  const src = new Int32Array(total);
  const dst = new Int32Array(total);
  const a = new Float32Array(total).fill(1);
  let o = 0;
  for (let k = 0; k < e; k++) {
    const s = edgeIndex[k]!;
    const t = edgeIndex[e + k]!;
    if (s === t) continue;
    src[o] = s;
    dst[o] = t;
    if (edgeWeight) a[o] = edgeWeight[k]!;
    o++;
  }
  for (let i = 0; i < numNodes; i++) {
    src[o] = i;
    dst[o] = i;
    o++;
  }
  const deg = new Float64Array(numNodes);
  for (let k = 0; k < total; k++) deg[dst[k]!]! += a[k]!;
  const weight = new Float32Array(total);
  for (let k = 0; k < total; k++) weight[k] = a[k]! / Math.sqrt(deg[src[k]!]! * deg[dst[k]!]!);
  return { src, dst, weight };
}
