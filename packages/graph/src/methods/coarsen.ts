/**
 * Graph coarsening by hybrid matching, as in H-GCN (Hu et al., IJCAI 2019), the global view of CG3:
 *
 * 1. **Structural equivalence matching (SEM):** nodes with the same (non-empty) neighbour set are merged.
 * 2. **Heavy edge matching (HEM):** visiting the remaining nodes in ascending-degree order, each unmatched
 *    node is merged with the unmatched neighbour of largest normalised weight `w_ij / √(d_i·d_j)`.
 *
 * A merged group never exceeds `maxNodeWeight` original nodes (H-GCN's `max_node_wgt`, default 50).
 * Everything is deterministic (ties broken by node index). The coarse graph has one node per group and
 * an edge between groups whose members were adjacent, with summed weights; self-loops are dropped (GCN
 * adds its own).
 */
export interface CoarseLevel {
  /** Group of each fine node `[nFine]`. */
  cluster: Int32Array;
  numClusters: number;
  /** Coarse edges `[2, E']` (both directions). */
  edgeIndex: Int32Array;
  /** Coarse edge weights `[E']`. */
  edgeWeight: Float32Array;
  /** Original nodes per coarse node `[numClusters]`. */
  nodeWeight: Int32Array;
}

export function coarsenOnce(
  edgeIndex: Int32Array,
  numNodes: number,
  opts: { edgeWeight?: Float32Array; nodeWeight?: Int32Array; maxNodeWeight?: number } = {},
): CoarseLevel {
  const maxW = opts.maxNodeWeight ?? 50;
  const nodeW = opts.nodeWeight ?? new Int32Array(numNodes).fill(1);
  const e = edgeIndex.length / 2;
  const adj: Map<number, number>[] = Array.from({ length: numNodes }, () => new Map());
  for (let k = 0; k < e; k++) {
    const a = edgeIndex[k]!;
    const b = edgeIndex[e + k]!;
    if (a === b) continue;
    const w = opts.edgeWeight ? opts.edgeWeight[k]! : 1;
    // Symmetrise: an edge stored in one or both directions counts once, with its larger weight.
    adj[a]!.set(b, Math.max(adj[a]!.get(b) ?? 0, w));
    adj[b]!.set(a, Math.max(adj[b]!.get(a) ?? 0, w));
  }
  const deg = adj.map((m) => [...m.values()].reduce((s, v) => s + v, 0));
  const group = new Int32Array(numNodes).fill(-1);
  const groupW: number[] = [];
  let ng = 0;
  // 1. SEM: identical neighbour sets.
  const bySig = new Map<string, number[]>();
  for (let i = 0; i < numNodes; i++) {
    if (adj[i]!.size === 0) continue;
    const sig = [...adj[i]!.keys()].sort((a, b) => a - b).join(',');
    const l = bySig.get(sig);
    if (l) l.push(i);
    else bySig.set(sig, [i]);
  }
  for (const members of bySig.values()) {
    if (members.length < 2) continue;
    let cur = -1;
    for (const i of members) {
      if (cur < 0 || groupW[cur]! + nodeW[i]! > maxW) {
        cur = ng++;
        groupW.push(0);
      }
      group[i] = cur;
      groupW[cur]! += nodeW[i]!;
    }
  }
  // Singleton SEM groups are not matches; free them again.
  const count = new Map<number, number>();
  for (let i = 0; i < numNodes; i++) if (group[i]! >= 0) count.set(group[i]!, (count.get(group[i]!) ?? 0) + 1);
  for (let i = 0; i < numNodes; i++) if (group[i]! >= 0 && count.get(group[i]!) === 1) group[i] = -1;
  // 2. HEM in ascending degree order.
  const order = Array.from({ length: numNodes }, (_, i) => i).sort((a, b) => deg[a]! - deg[b]! || a - b);
  for (const i of order) {
    if (group[i]! >= 0) continue;
    let best = -1;
    let bestScore = -Infinity;
    for (const [j, w] of adj[i]!) {
      if (group[j]! >= 0 || j === i || nodeW[i]! + nodeW[j]! > maxW) continue;
      const score = w / Math.sqrt(deg[i]! * deg[j]!);
      if (score > bestScore || (score === bestScore && j < best)) {
        bestScore = score;
        best = j;
      }
    }
    const g = ng++;
    group[i] = g;
    groupW.push(nodeW[i]!);
    if (best >= 0) {
      group[best] = g;
      groupW[g]! += nodeW[best]!;
    }
  }
  // Renumber groups densely in order of first member.
  const renum = new Int32Array(ng).fill(-1);
  let nc = 0;
  const cluster = new Int32Array(numNodes);
  for (let i = 0; i < numNodes; i++) {
    const g = group[i]!;
    if (renum[g]! < 0) renum[g] = nc++;
    cluster[i] = renum[g]!;
  }
  const nodeWeight = new Int32Array(nc);
  for (let i = 0; i < numNodes; i++) nodeWeight[cluster[i]!]! += nodeW[i]!;
  const coarse = new Map<number, number>();
  for (let a = 0; a < numNodes; a++) {
    for (const [b, w] of adj[a]!) {
      const ca = cluster[a]!;
      const cb = cluster[b]!;
      if (ca === cb) continue;
      const key = ca * nc + cb;
      coarse.set(key, (coarse.get(key) ?? 0) + w);
    }
  }
  const keys = [...coarse.keys()].sort((x, y) => x - y);
  const ei = new Int32Array(2 * keys.length);
  const ew = new Float32Array(keys.length);
  keys.forEach((key, k) => {
    ei[k] = Math.floor(key / nc);
    ei[keys.length + k] = key % nc;
    ew[k] = coarse.get(key)!;
  });
  return { cluster, numClusters: nc, edgeIndex: ei, edgeWeight: ew, nodeWeight };
}

/** `levels` successive coarsenings of a graph (stops early if a level no longer shrinks the graph). */
export function coarsenHierarchy(edgeIndex: Int32Array, numNodes: number, levels: number, maxNodeWeight = 50): CoarseLevel[] {
  const out: CoarseLevel[] = [];
  let ei = edgeIndex;
  let n = numNodes;
  let ew: Float32Array | undefined;
  let nw: Int32Array | undefined;
  for (let l = 0; l < levels; l++) {
    const opts: { edgeWeight?: Float32Array; nodeWeight?: Int32Array; maxNodeWeight: number } = { maxNodeWeight };
    if (ew) opts.edgeWeight = ew;
    if (nw) opts.nodeWeight = nw;
    const level = coarsenOnce(ei, n, opts);
    if (level.numClusters === n) break;
    out.push(level);
    ei = level.edgeIndex;
    ew = level.edgeWeight;
    nw = level.nodeWeight;
    n = level.numClusters;
  }
  return out;
}
