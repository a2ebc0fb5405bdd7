import { createRng } from '@contrastive/core';
import { FlatIndex } from '../flat-index.js';
import { clusteredUnitVectors } from '../synthetic.js';

/** A seeded corpus and queries from one mixture of Gaussians, and the exact FlatIndex over the corpus. */
export function clusteredCorpus(count: number, queries: number, dim: number, seed: number, spread = 1.5) {
  const rng = createRng(seed);
  const { vectors, centres } = clusteredUnitVectors({ count, dim, spread }, rng);
  const q = clusteredUnitVectors({ count: queries, dim, spread, centres }, rng).vectors;
  const keys = Array.from({ length: count }, (_, i) => i * 3 + 7); // not 0..n-1, so a key/row mix-up shows
  const exact = new FlatIndex(dim, count);
  exact.addSync(keys, vectors);
  return { keys, vectors, queries: q, exact };
}

/** Row `i` of a row-major matrix. */
export function row(m: Float32Array, dim: number, i: number): Float32Array {
  return m.subarray(i * dim, (i + 1) * dim);
}
