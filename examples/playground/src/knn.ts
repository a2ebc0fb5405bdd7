/**
 * Weighted kNN accuracy on host arrays — the definition of core's `knnAccuracy` (Wu et al. 2018: L2-normalised
 * features, the k most cosine-similar reference rows each vote exp(s/τ) for their label, ties to the lowest
 * class), computed in plain JS on embeddings the worker has already read with `await data()`. Core's version
 * reads tensors back synchronously (`dataSync`), which the WebGPU backend does poorly or, in a worker on some
 * drivers, not at all; at the page's sizes (≤ 2,000 queries × 5,000 references) plain JS takes milliseconds to
 * a second.
 */

function normalizedRows(x: Float32Array, dim: number): Float64Array {
  const out = new Float64Array(x.length);
  for (let r = 0; r < x.length / dim; r++) {
    let s = 0;
    for (let j = 0; j < dim; j++) s += x[r * dim + j]! ** 2;
    const inv = s > 0 ? 1 / Math.sqrt(s) : 0;
    for (let j = 0; j < dim; j++) out[r * dim + j] = x[r * dim + j]! * inv;
  }
  return out;
}

/** Fraction of `query` rows whose weighted-kNN vote among `reference` rows gives their label. */
export function knnAccuracyHost(
  reference: Float32Array,
  referenceLabels: Int32Array,
  query: Float32Array,
  queryLabels: Int32Array,
  dim: number,
  { k = 200, temperature = 0.1 }: { k?: number; temperature?: number } = {},
): number {
  const n = referenceLabels.length;
  const m = queryLabels.length;
  if (reference.length !== n * dim || query.length !== m * dim) throw new RangeError('knn: embeddings do not match the label counts × dim');
  if (n === 0 || m === 0) throw new RangeError('knn: needs at least one reference and one query row');
  const kk = Math.min(k, n);
  const numClasses = Math.max(...referenceLabels, ...queryLabels) + 1;
  const ref = normalizedRows(reference, dim);
  const q = normalizedRows(query, dim);
  const sims = new Float64Array(n);
  const order = new Int32Array(n);
  const scores = new Float64Array(numClasses);
  let correct = 0;
  for (let i = 0; i < m; i++) {
    for (let r = 0; r < n; r++) {
      let s = 0;
      for (let j = 0; j < dim; j++) s += ref[r * dim + j]! * q[i * dim + j]!;
      // float32 like the tensor version, so equal similarities tie the same way
      sims[r] = Math.fround(s);
      order[r] = r;
    }
    // Best first; equal similarities by the lower reference index (as tf.topk).
    order.sort((a, b) => sims[b]! - sims[a]! || a - b);
    scores.fill(0);
    const max = sims[order[0]!]!;
    for (let j = 0; j < kk; j++) scores[referenceLabels[order[j]!]!]! += Math.exp((sims[order[j]!]! - max) / temperature);
    let best = 0;
    for (let c = 1; c < numClasses; c++) if (scores[c]! > scores[best]!) best = c;
    if (best === queryLabels[i]) correct++;
  }
  return correct / m;
}
