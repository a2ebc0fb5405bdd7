/**
 * Synthetic embeddings for testing and timing vector stores: a seeded mixture of Gaussians on the unit sphere, which
 * is closer to what a sentence encoder produces (topics = clusters, neighbours mostly inside one) than uniform
 * random vectors, and which an ANN index can get wrong (clusters overlap as `spread` grows).
 */
import type { Rng } from '@contrastive/core';

/** Options of {@link clusteredUnitVectors}. */
export interface ClusteredVectorsOptions {
  /** Number of vectors. */
  count: number;
  /** Vector width. */
  dim: number;
  /** Cluster centres (random unit vectors); default 50. */
  clusters?: number;
  /**
   * Norm of the noise added to a centre before normalising; default 1.5. At 1 the clusters are tight; at 2 and
   * above in 64-d the set is close to uniform on the sphere (the hardest case for HNSW).
   */
  spread?: number;
  /** Centres to reuse (row-major, `clusters × dim`), so queries come from the corpus's mixture. */
  centres?: Float32Array;
}

/** Returns `count × dim` unit vectors (row-major) and the centres used. Deterministic for a given `rng` state. */
export function clusteredUnitVectors(options: ClusteredVectorsOptions, rng: Rng): { vectors: Float32Array; centres: Float32Array } {
  const { count, dim, clusters = 50, spread = 1.5 } = options;
  if (!Number.isInteger(count) || count < 0) throw new RangeError(`count must be a non-negative integer, got ${count}`);
  if (!Number.isInteger(dim) || dim < 1) throw new RangeError(`dim must be a positive integer, got ${dim}`);
  if (!Number.isInteger(clusters) || clusters < 1) throw new RangeError(`clusters must be a positive integer, got ${clusters}`);
  if (!(spread >= 0)) throw new RangeError(`spread must be >= 0, got ${spread}`);
  let centres = options.centres;
  if (centres === undefined) {
    centres = new Float32Array(clusters * dim);
    for (let i = 0; i < centres.length; i++) centres[i] = rng.normal();
    normaliseRows(centres, dim);
  } else if (centres.length !== clusters * dim) {
    throw new RangeError(`centres has ${centres.length} values, expected clusters ${clusters} × dim ${dim}`);
  }
  const vectors = new Float32Array(count * dim);
  const scale = spread / Math.sqrt(dim);
  for (let i = 0; i < count; i++) {
    const c = rng.int(clusters) * dim;
    for (let j = 0; j < dim; j++) vectors[i * dim + j] = centres[c + j]! + scale * rng.normal();
  }
  normaliseRows(vectors, dim);
  return { vectors, centres };
}

function normaliseRows(v: Float32Array, dim: number): void {
  for (let o = 0; o < v.length; o += dim) {
    let sq = 0;
    for (let j = 0; j < dim; j++) sq += v[o + j]! * v[o + j]!;
    const inv = 1 / Math.max(Math.sqrt(sq), 1e-12);
    for (let j = 0; j < dim; j++) v[o + j]! *= inv;
  }
}
