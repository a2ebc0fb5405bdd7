import { checkAdd, checkSearch, type SearchHit, type VectorIndex } from './vector-index.js';

/**
 * Exact inner-product search over every stored vector (what FAISS calls `IndexFlatIP`): the reference the
 * approximate stores are tested against, and a fine store up to ~10⁵ vectors. Browser-safe, plain JavaScript
 * (a dot product per stored vector and query; ties broken by the smaller key). Memory: `4 × dim` bytes per vector,
 * grown by doubling.
 */
export class FlatIndex implements VectorIndex {
  readonly dim: number;
  private data: Float32Array;
  private keys: number[] = [];
  private readonly slot = new Map<number, number>();

  constructor(dim: number, capacity = 1024) {
    if (!Number.isInteger(dim) || dim < 1) throw new RangeError(`dim must be a positive integer, got ${dim}`);
    this.dim = dim;
    this.data = new Float32Array(dim * Math.max(1, capacity));
  }

  async size(): Promise<number> {
    return this.keys.length;
  }

  /** Synchronous {@link add} (the store is in memory). */
  addSync(keys: readonly number[], vectors: Float32Array): void {
    const d = this.dim;
    checkAdd(d, keys, vectors);
    keys.forEach((key, i) => {
      let s = this.slot.get(key);
      if (s === undefined) {
        s = this.keys.length;
        if ((s + 1) * d > this.data.length) {
          const grown = new Float32Array(this.data.length * 2);
          grown.set(this.data);
          this.data = grown;
        }
        this.keys.push(key);
        this.slot.set(key, s);
      }
      this.data.set(vectors.subarray(i * d, (i + 1) * d), s * d);
    });
  }

  async add(keys: readonly number[], vectors: Float32Array): Promise<void> {
    this.addSync(keys, vectors);
  }

  /** Synchronous {@link search}. */
  searchSync(vectors: Float32Array, k: number): SearchHit[][] {
    const d = this.dim;
    const nq = checkSearch(d, vectors, k);
    const n = this.keys.length;
    const out: SearchHit[][] = [];
    for (let q = 0; q < nq; q++) {
      const qo = q * d;
      // A bounded min-heap would be faster for large k; k ≪ n in practice, so keep a sorted list of the best k.
      const best: SearchHit[] = [];
      for (let s = 0; s < n; s++) {
        let dot = 0;
        const so = s * d;
        for (let j = 0; j < d; j++) dot += vectors[qo + j]! * this.data[so + j]!;
        const key = this.keys[s]!;
        if (best.length === k) {
          const last = best[k - 1]!;
          if (dot < last.score || (dot === last.score && key > last.key)) continue;
          best.pop();
        }
        let p = best.length;
        while (p > 0 && (best[p - 1]!.score < dot || (best[p - 1]!.score === dot && best[p - 1]!.key > key))) p--;
        best.splice(p, 0, { key, score: dot });
      }
      out.push(best);
    }
    return out;
  }

  async search(vectors: Float32Array, k: number): Promise<SearchHit[][]> {
    return this.searchSync(vectors, k);
  }

  async remove(keys: readonly number[]): Promise<void> {
    const d = this.dim;
    for (const key of keys) {
      const s = this.slot.get(key);
      if (s === undefined) continue;
      // Move the last vector into the freed slot.
      const last = this.keys.length - 1;
      if (s !== last) {
        const lastKey = this.keys[last]!;
        this.data.copyWithin(s * d, last * d, (last + 1) * d);
        this.keys[s] = lastKey;
        this.slot.set(lastKey, s);
      }
      this.keys.pop();
      this.slot.delete(key);
    }
  }

  /** The stored keys and their vectors (row-major), in storage order: what a file store saves. */
  entries(): { keys: number[]; vectors: Float32Array } {
    return { keys: [...this.keys], vectors: this.data.slice(0, this.keys.length * this.dim) };
  }

  async close(): Promise<void> {
    this.data = new Float32Array(0);
    this.keys = [];
    this.slot.clear();
  }
}
