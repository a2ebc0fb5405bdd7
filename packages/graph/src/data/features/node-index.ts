/**
 * Maps a features file's node ids to the graph's compact node numbers. Node ids are names (see
 * `parseEdgeList`): node `i` of the graph has the file id `nodeIds[i]`, ascending; a plain count `N` stands
 * for the ids `0..N−1`.
 */
export interface NodeIndex {
  /** Number of graph nodes N. */
  size: number;
  /** The largest file id (the last of `nodeIds`). */
  maxId: number;
  /** The graph node of a file id, or −1 when the graph has no node with that id. */
  of(id: number): number;
  /** The file id of graph node `i`. */
  idOf(i: number): number;
}

/**
 * Builds the {@link NodeIndex} of `nodeIds` (ascending distinct non-negative safe integers, as
 * `EdgeListGraph.nodeIds`) or of the count `N` (ids `0..N−1`). Throws a `RangeError` naming the first bad id.
 */
export function nodeIndex(nodeIds: readonly number[] | number): NodeIndex {
  if (typeof nodeIds === 'number') {
    if (!Number.isSafeInteger(nodeIds) || nodeIds < 1)
      throw new RangeError(`nodeIds: a node count must be an integer >= 1, got ${nodeIds}`);
    const n = nodeIds;
    return { size: n, maxId: n - 1, of: (id) => (id < n ? id : -1), idOf: (i) => i };
  }
  if (!Array.isArray(nodeIds) || nodeIds.length === 0)
    throw new RangeError(`nodeIds must be a non-empty array of node ids (EdgeListGraph.nodeIds) or a node count, got ${String(nodeIds)}`);
  for (let i = 0; i < nodeIds.length; i++) {
    const id = nodeIds[i]!;
    if (!Number.isSafeInteger(id) || id < 0 || (i > 0 && id <= nodeIds[i - 1]!))
      throw new RangeError(`nodeIds must be ascending distinct non-negative integers; nodeIds[${i}] = ${id}`);
  }
  const n = nodeIds.length;
  const maxId = nodeIds[n - 1]!;
  if (maxId === n - 1) return { size: n, maxId, of: (id) => (id < n ? id : -1), idOf: (i) => i };
  const map = new Map<number, number>();
  for (let i = 0; i < n; i++) map.set(nodeIds[i]!, i);
  return { size: n, maxId, of: (id) => map.get(id) ?? -1, idOf: (i) => nodeIds[i]! };
}

/** The graph's ids in words, for error messages: `ids 0..33` or `5 ids from 10 to 30000`. */
export function describeIds(index: NodeIndex): string {
  const n = index.size;
  return index.maxId === n - 1 ? `ids 0..${n - 1}` : `${n.toLocaleString('en-US')} ids from ${index.idOf(0)} to ${index.maxId}`;
}
