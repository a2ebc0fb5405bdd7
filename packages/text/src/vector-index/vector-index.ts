/**
 * A vector index: the store behind dense search and ANCE's negative refresh. Inner-product similarity (vectors
 * are L2-normalised by the encoders, so this is cosine). Keys are non-negative safe integers chosen by the caller
 * (a passage's line number). Vectors travel as one row-major `Float32Array` of `n × dim` values.
 *
 * Implementations: {@link FlatIndex} (exact, browser-safe, the reference every other store is tested against);
 * in `@contrastive/text/node`, `usearch` (in-process HNSW) and PostgreSQL + pgvector.
 */

/** One search result: the key of a stored vector and its inner product with the query. */
export interface SearchHit {
  key: number;
  score: number;
}

/** Who made the vectors of an index: an index built by one encoder must not be searched with another's vectors. */
export interface IndexInfo {
  /** Vector width. */
  dim: number;
  /** An identifier of the encoder that produced the vectors (e.g. a model folder's fingerprint), if known. */
  encoder?: string;
}

export interface VectorIndex {
  /** Vector width every `add` and `search` must match. */
  readonly dim: number;
  /** Number of stored vectors. */
  size(): Promise<number>;
  /**
   * Stores `keys.length` vectors (row-major `vectors`, `keys.length × dim` values). An existing key is replaced.
   * Non-finite values and wrong lengths are refused before anything is stored.
   */
  add(keys: readonly number[], vectors: Float32Array): Promise<void>;
  /**
   * The best `k` stored vectors by inner product for each of `vectors.length / dim` queries, best first
   * (fewer when the index holds fewer than `k`).
   */
  search(vectors: Float32Array, k: number): Promise<SearchHit[][]>;
  /** Removes the vectors of `keys` (unknown keys are ignored). */
  remove(keys: readonly number[]): Promise<void>;
  /** Frees what the index holds (memory, connections). */
  close(): Promise<void>;
}

/** Checks a batch for {@link VectorIndex.add}: integer keys, `keys.length × dim` finite values. */
export function checkAdd(dim: number, keys: readonly number[], vectors: Float32Array): void {
  if (vectors.length !== keys.length * dim)
    throw new RangeError(`add: ${keys.length} keys need ${keys.length * dim} values (dim ${dim}), got ${vectors.length}`);
  for (const k of keys) if (!Number.isSafeInteger(k) || k < 0) throw new RangeError(`add: key ${k} is not a non-negative safe integer`);
  for (let i = 0; i < vectors.length; i++)
    if (!Number.isFinite(vectors[i]!))
      throw new RangeError(`add: vector ${Math.floor(i / dim)} (key ${keys[Math.floor(i / dim)]}) has a non-finite value`);
}

/** Checks a batch of queries for {@link VectorIndex.search}; returns the number of queries. */
export function checkSearch(dim: number, vectors: Float32Array, k: number): number {
  if (!Number.isInteger(k) || k < 1) throw new RangeError(`search: k must be a positive integer, got ${k}`);
  if (vectors.length % dim !== 0)
    throw new RangeError(`search: ${vectors.length} values are not a whole number of ${dim}-d queries (dimension mismatch?)`);
  for (let i = 0; i < vectors.length; i++)
    if (!Number.isFinite(vectors[i]!)) throw new RangeError(`search: query ${Math.floor(i / dim)} has a non-finite value`);
  return vectors.length / dim;
}
