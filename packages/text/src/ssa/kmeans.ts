import { createRng, type Rng } from '@contrastive/core';

/** Options of {@link kMeans}; defaults are scikit-learn's `KMeans` (0.22, as `AspDec/SSCL/kmeans.py` calls it). */
export interface KMeansOptions {
  /** Clusters K. Default 30 (`--n_clusters`). */
  k?: number;
  /** Independent k-means++ restarts; the one of lowest inertia wins. Default 10 (sklearn). */
  nInit?: number;
  /** Lloyd iterations per restart. Default 300 (sklearn). */
  maxIter?: number;
  /** Stop when the centres move less than `tol` × the mean per-feature variance (summed squared shift). Default 1e-4 (sklearn). */
  tol?: number;
  /** Seed (the code's `--kmeans_seeds` 0). Default 0. */
  seed?: number;
}

/** Result of {@link kMeans}. */
export interface KMeansResult {
  /** K×d centres, row-major. */
  centroids: Float32Array;
  /** Cluster of each point. */
  labels: Int32Array;
  /** Sum of squared distances of the points to their centres. */
  inertia: number;
  k: number;
  dim: number;
}

/**
 * Euclidean k-means (Lloyd) with k-means++ seeding (sklearn's greedy variant: 2 + ⌊ln K⌋ candidates per centre,
 * the one lowering the potential most is kept), as the official code clusters the **raw** (un-normalised) word
 * vectors with `sklearn.cluster.KMeans(n_clusters=30, random_state=0)` to initialise the aspect matrix. An empty
 * cluster is re-seeded with the point farthest from its centre. Memory: the K×d centres and one label and distance
 * per point; each iteration is O(n·K·d).
 *
 * @param points n×d row-major.
 */
export function kMeans(points: Float32Array, dim: number, options: KMeansOptions = {}): KMeansResult {
  const { k = 30, nInit = 10, maxIter = 300, tol = 1e-4, seed = 0 } = options;
  if (!(Number.isInteger(dim) && dim >= 1) || points.length % dim !== 0)
    throw new RangeError(`points (${points.length} values) is not a whole number of ${dim}-d rows`);
  const n = points.length / dim;
  if (!(Number.isInteger(k) && k >= 1)) throw new RangeError(`k must be an integer >= 1, got ${k}`);
  if (n < k) throw new RangeError(`k-means needs at least k = ${k} points, got ${n}`);
  if (!(Number.isInteger(nInit) && nInit >= 1)) throw new RangeError(`nInit must be an integer >= 1, got ${nInit}`);
  // sklearn scales tol by the mean variance of the features.
  const mean = new Float64Array(dim);
  for (let i = 0; i < n; i++) for (let x = 0; x < dim; x++) mean[x]! += points[i * dim + x]! / n;
  let variance = 0;
  for (let i = 0; i < n; i++)
    for (let x = 0; x < dim; x++) {
      const d = points[i * dim + x]! - mean[x]!;
      variance += (d * d) / n;
    }
  const threshold = (tol * variance) / dim;
  const rng = createRng(seed);
  let best: KMeansResult | null = null;
  for (let r = 0; r < nInit; r++) {
    const run = lloyd(points, n, dim, kMeansPlusPlus(points, n, dim, k, rng), k, maxIter, threshold);
    if (best === null || run.inertia < best.inertia) best = run;
  }
  return best!;
}

function sqDist(a: Float32Array, ai: number, b: Float32Array, bi: number, dim: number): number {
  let s = 0;
  for (let x = 0; x < dim; x++) {
    const d = a[ai + x]! - b[bi + x]!;
    s += d * d;
  }
  return s;
}

function kMeansPlusPlus(points: Float32Array, n: number, dim: number, k: number, rng: Rng): Float32Array {
  const centres = new Float32Array(k * dim);
  const trials = 2 + Math.floor(Math.log(k));
  const first = rng.int(n);
  centres.set(points.subarray(first * dim, first * dim + dim), 0);
  const closest = new Float64Array(n);
  let potential = 0;
  for (let i = 0; i < n; i++) potential += closest[i] = sqDist(points, i * dim, centres, 0, dim);
  const candidateDist = new Float64Array(n);
  const bestDist = new Float64Array(n);
  for (let c = 1; c < k; c++) {
    let bestCandidate = -1;
    let bestPotential = Infinity;
    for (let t = 0; t < trials; t++) {
      // Draw ∝ squared distance to the nearest centre chosen so far.
      let u = rng.uniform() * potential;
      let cand = n - 1;
      for (let i = 0; i < n; i++) {
        u -= closest[i]!;
        if (u < 0) {
          cand = i;
          break;
        }
      }
      let pot = 0;
      for (let i = 0; i < n; i++) pot += candidateDist[i] = Math.min(closest[i]!, sqDist(points, i * dim, points, cand * dim, dim));
      if (pot < bestPotential) {
        bestPotential = pot;
        bestCandidate = cand;
        bestDist.set(candidateDist);
      }
    }
    centres.set(points.subarray(bestCandidate * dim, bestCandidate * dim + dim), c * dim);
    closest.set(bestDist);
    potential = bestPotential;
  }
  return centres;
}

function lloyd(
  points: Float32Array,
  n: number,
  dim: number,
  centres: Float32Array,
  k: number,
  maxIter: number,
  threshold: number,
): KMeansResult {
  const labels = new Int32Array(n);
  const dist = new Float64Array(n);
  const sums = new Float64Array(k * dim);
  const sizes = new Int32Array(k);
  const assign = (): number => {
    let inertia = 0;
    for (let i = 0; i < n; i++) {
      let bk = 0;
      let bd = Infinity;
      for (let c = 0; c < k; c++) {
        const d = sqDist(points, i * dim, centres, c * dim, dim);
        if (d < bd) {
          bd = d;
          bk = c;
        }
      }
      labels[i] = bk;
      dist[i] = bd;
      inertia += bd;
    }
    return inertia;
  };
  for (let it = 0; it < maxIter; it++) {
    assign();
    sums.fill(0);
    sizes.fill(0);
    for (let i = 0; i < n; i++) {
      const c = labels[i]!;
      sizes[c]!++;
      for (let x = 0; x < dim; x++) sums[c * dim + x]! += points[i * dim + x]!;
    }
    let shift = 0;
    for (let c = 0; c < k; c++) {
      if (sizes[c] === 0) {
        // Re-seed an empty cluster with the point farthest from its centre.
        let far = 0;
        for (let i = 1; i < n; i++) if (dist[i]! > dist[far]!) far = i;
        dist[far] = 0;
        for (let x = 0; x < dim; x++) {
          const v = points[far * dim + x]!;
          shift += (v - centres[c * dim + x]!) ** 2;
          centres[c * dim + x] = v;
        }
        continue;
      }
      for (let x = 0; x < dim; x++) {
        const v = sums[c * dim + x]! / sizes[c]!;
        shift += (v - centres[c * dim + x]!) ** 2;
        centres[c * dim + x] = v;
      }
    }
    if (shift <= threshold) break;
  }
  const inertia = assign();
  return { centroids: centres, labels, inertia, k, dim };
}
