/**
 * The nearest-neighbour view's search: the k items closest to one query, by cosine similarity in the
 * learned space (what kNN evaluation uses) and by Euclidean distance between raw pixels (the baseline that
 * shows what learning added). Exact brute force: the held-out slice is a few hundred items.
 */

/** Indices of the `k` rows of `rows` (`[n, dim]`, row-major) most cosine-similar to row `query`, excluding it, best first. */
export function cosineNeighbours(rows: Float32Array, dim: number, query: number, k: number): number[] {
  const n = rows.length / dim;
  checkArgs(n, dim, query, k, rows.length);
  const norms = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < dim; j++) s += rows[i * dim + j]! ** 2;
    norms[i] = Math.sqrt(s) || 1; // a zero row has similarity 0 with everything
  }
  const scores = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < dim; j++) s += rows[i * dim + j]! * rows[query * dim + j]!;
    scores[i] = s / (norms[i]! * norms[query]!);
  }
  return topK(n, query, k, (a, b) => scores[b]! - scores[a]!);
}

/** Indices of the `k` rows of `rows` (`[n, dim]` bytes or floats) nearest to row `query` in Euclidean distance, excluding it. */
export function pixelNeighbours(rows: ArrayLike<number>, dim: number, query: number, k: number): number[] {
  const n = rows.length / dim;
  checkArgs(n, dim, query, k, rows.length);
  const dist = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < dim; j++) s += (rows[i * dim + j]! - rows[query * dim + j]!) ** 2;
    dist[i] = s;
  }
  return topK(n, query, k, (a, b) => dist[a]! - dist[b]!);
}

function checkArgs(n: number, dim: number, query: number, k: number, length: number): void {
  if (!Number.isInteger(dim) || dim < 1 || !Number.isInteger(n))
    throw new RangeError(`rows of length ${length} do not split into rows of ${dim}`);
  if (!Number.isInteger(query) || query < 0 || query >= n) throw new RangeError(`query ${query} is not a row index in [0, ${n})`);
  if (!Number.isInteger(k) || k < 1) throw new RangeError(`k must be an integer >= 1, got ${k}`);
}

/** The first `k` indices other than `query` under `order` (ties by index, so results are deterministic). */
function topK(n: number, query: number, k: number, order: (a: number, b: number) => number): number[] {
  const idx: number[] = [];
  for (let i = 0; i < n; i++) if (i !== query) idx.push(i);
  idx.sort((a, b) => order(a, b) || a - b);
  return idx.slice(0, k);
}
