import { UMAP } from 'umap-js';
import { createRng } from '../random/rng.js';
import { assertInt, assertOneOf } from '../validate.js';
import { rowCount, toLabels, toMatrix, type EmbeddingInput, type LabelInput } from './inputs.js';
import { pca2 } from './pca.js';

export type EmbeddingMapMethod = 'umap' | 'pca';
export const EMBEDDING_MAP_METHODS: readonly EmbeddingMapMethod[] = ['umap', 'pca'];

export interface EmbeddingMapOptions {
  /** 'umap' (McInnes et al. 2018, umap-js) or 'pca' (power iteration). Default 'umap'. */
  method?: EmbeddingMapMethod;
  /** Seed of the subsample and of UMAP's randomness (the same seed gives the same map). Default 0. */
  seed?: number;
  /** At most this many rows are projected (a seeded uniform subsample beyond it). Default 2000. */
  maxPoints?: number;
  /** UMAP neighbours, default 15 (clipped to N − 1). */
  nNeighbors?: number;
  /** UMAP minimum distance, default 0.1. */
  minDist?: number;
  /** UMAP optimisation epochs; default umap-js's choice (500 for small N, 200 beyond 10k rows). */
  nEpochs?: number;
}

export interface EmbeddingMap {
  /** Row-major `n×2` coordinates of the projected rows. */
  coords: Float32Array;
  /** Which input rows were projected (all of them unless `maxPoints` subsampled), ascending. */
  indices: Int32Array;
  /** Labels of the projected rows, when labels were given. */
  labels: Int32Array | null;
}

/**
 * 2-D map of an embedding for a person to look at: UMAP (umap-js, seeded) or PCA of (a subsample of)
 * the rows. UMAP needs N ≥ 3; tiny inputs are better served by `'pca'`.
 *
 * @param embeddings `[N, D]` tensor or rows. @param labels optional `[N]` class ids kept with the rows.
 */
export function embeddingMap(embeddings: EmbeddingInput, labels?: LabelInput | null, opts: EmbeddingMapOptions = {}): EmbeddingMap {
  const method = opts.method ?? 'umap';
  assertOneOf(method, EMBEDDING_MAP_METHODS, 'method');
  const seed = opts.seed ?? 0;
  const maxPoints = opts.maxPoints ?? 2000;
  assertInt(maxPoints, 'maxPoints', 3);
  const lab = labels == null ? null : toLabels(labels, 'labels', rowCount(embeddings), 'embeddings');
  const { data, rows, cols } = toMatrix(embeddings, 'embeddings');
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i]!)) {
      throw new RangeError(`embeddings[${Math.floor(i / cols)}][${i % cols}] is ${data[i]}; embeddings must be finite`);
    }
  }
  const rng = createRng(seed);
  let indices: Int32Array;
  if (rows > maxPoints) {
    indices = rng.permutation(rows).slice(0, maxPoints).sort();
  } else {
    indices = new Int32Array(rows);
    for (let i = 0; i < rows; i++) indices[i] = i;
  }
  const n = indices.length;
  const sub = new Float32Array(n * cols);
  for (let i = 0; i < n; i++) sub.set(data.subarray(indices[i]! * cols, (indices[i]! + 1) * cols), i * cols);
  const subLabels = lab ? Int32Array.from(indices, (i) => lab[i]!) : null;

  let coords: Float32Array;
  if (method === 'pca') {
    coords = pca2(sub, n, cols, { seed }).coords;
  } else {
    if (n < 3) throw new RangeError(`method 'umap' needs at least 3 rows, got ${n}; use method: 'pca'`);
    const nNeighbors = Math.min(opts.nNeighbors ?? 15, n - 1);
    assertInt(nNeighbors, 'nNeighbors', 2);
    const umap = new UMAP({
      nComponents: 2,
      nNeighbors,
      minDist: opts.minDist ?? 0.1,
      random: () => rng.uniform(),
      ...(opts.nEpochs !== undefined ? { nEpochs: opts.nEpochs } : {}),
    });
    const rowsArr: number[][] = [];
    for (let i = 0; i < n; i++) rowsArr.push(Array.from(sub.subarray(i * cols, (i + 1) * cols)));
    const out = umap.fit(rowsArr);
    coords = new Float32Array(n * 2);
    out.forEach((p, i) => {
      coords[2 * i] = p[0]!;
      coords[2 * i + 1] = p[1]!;
    });
  }
  return { coords, indices, labels: subLabels };
}
