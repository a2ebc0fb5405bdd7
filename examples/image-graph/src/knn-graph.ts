/**
 * The k-nearest-neighbour graph of a set of embeddings: each node joined to its k most cosine-similar other
 * nodes, edges made undirected (the union: i–j when j is among i's k nearest or i among j's). Pure JS over a
 * row-major Float32Array `[N, D]`; O(N²·D), fine for the few thousand images of this example.
 */
export function knnGraphEdges(embeddings: Float32Array, n: number, dim: number, k: number): [number, number][] {
  if (!Number.isInteger(k) || k < 1 || k >= n) throw new RangeError(`k must be an integer in [1, ${n - 1}], got ${k}`);
  if (embeddings.length !== n * dim) throw new RangeError(`embeddings must have n·dim = ${n * dim} values, got ${embeddings.length}`);
  const unit = new Float32Array(embeddings.length);
  for (let i = 0; i < n; i++) {
    let norm = 0;
    for (let d = 0; d < dim; d++) norm += embeddings[i * dim + d]! ** 2;
    const inv = norm > 0 ? 1 / Math.sqrt(norm) : 0;
    for (let d = 0; d < dim; d++) unit[i * dim + d] = embeddings[i * dim + d]! * inv;
  }
  const edges: [number, number][] = [];
  const sims = new Float32Array(n);
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let dot = 0;
      for (let d = 0; d < dim; d++) dot += unit[i * dim + d]! * unit[j * dim + d]!;
      sims[j] = j === i ? Number.NEGATIVE_INFINITY : dot;
      order[j] = j;
    }
    // Ties broken by index, so the graph is deterministic.
    const nearest = Array.from(order)
      .sort((a, b) => sims[b]! - sims[a]! || a - b)
      .slice(0, k);
    for (const j of nearest) edges.push([i, j]);
  }
  return edges;
}
