/**
 * The vectors of a frozen tower, computed once per distinct text: a training run over (query, positive) pairs sees
 * each text many times (every epoch, and one passage may be the positive of several queries), but the tower is
 * frozen, so its vector never changes. Embedding them up front turns every training step into a gather and a few
 * matmuls.
 */
import * as tf from '@tensorflow/tfjs';
import type { EncodeOptions } from '../encoders/sentence-encoder.js';
import type { TowerEmbedder } from './use-lite-encoder.js';

/** Rows per storage block: blocks are allocated as the cache grows, so nothing is ever copied to grow it. */
const BLOCK_ROWS = 4096;

/** Options of {@link TowerCache}. */
export interface TowerCacheOptions {
  /**
   * Texts handed to the tower per call. Default `128`: bounds the tower's working memory (USE-lite's graph runs on
   * one batch at a time) whatever the number of texts.
   */
  batchSize?: number;
}

/**
 * A `text → row` map over float32 storage (`dim` floats per distinct text; USE-lite: 2 KiB a text, so 100,000
 * texts hold 205 MB) in front of a {@link TowerEmbedder}. It is itself a {@link TowerEmbedder}: `encode` answers
 * from the cache and embeds only the texts it has not seen, so an `AdapterEncoder` on a cache evaluates a
 * validation slice every epoch without re-running the tower.
 *
 * Vectors are the tower's default output (USE-lite: unit length), whatever `normalize` says.
 *
 * @example
 * const cache = new TowerCache(useLiteEncoder);
 * await cache.add(adapterTexts(examples), (done, total) => log(`${done}/${total}`));
 * const x = cache.gather(['a query', 'its passage']);   // tf.Tensor2D [2, 512]; the caller disposes it
 */
export class TowerCache implements TowerEmbedder {
  readonly name: string;
  readonly dim: number;
  readonly batchSize: number;
  private readonly rows = new Map<string, number>();
  private readonly blocks: Float32Array[] = [];

  constructor(
    /** The frozen tower (not owned: dispose it yourself). */
    readonly tower: TowerEmbedder,
    options: TowerCacheOptions = {},
  ) {
    const { batchSize = 128 } = options;
    if (!Number.isInteger(batchSize) || batchSize < 1)
      throw new RangeError(`TowerCache: batchSize must be an integer >= 1, got ${batchSize}`);
    if (!Number.isInteger(tower?.dim) || tower.dim < 1)
      throw new TypeError(`TowerCache: the tower must say its width (dim), got ${String(tower?.dim)}`);
    this.name = tower.name;
    this.dim = tower.dim;
    this.batchSize = batchSize;
  }

  /** Distinct texts held. */
  get size(): number {
    return this.rows.size;
  }

  /** Bytes of vector storage allocated (whole blocks of 4,096 rows). */
  get bytes(): number {
    return this.blocks.reduce((s, b) => s + b.byteLength, 0);
  }

  /** True when `text`'s vector is cached. */
  has(text: string): boolean {
    return this.rows.has(text);
  }

  /**
   * Embeds the texts of `texts` not cached yet (each distinct text once), `batchSize` at a time; returns how many
   * were embedded. `onProgress(done, total)` counts the new texts. A tower error leaves the batches before it cached.
   */
  async add(texts: Iterable<string>, onProgress?: (done: number, total: number) => void): Promise<number> {
    const missing: string[] = [];
    const seen = new Set<string>();
    for (const t of texts) {
      if (typeof t !== 'string') throw new TypeError(`TowerCache.add: texts must be strings, got ${typeof t}`);
      if (!this.rows.has(t) && !seen.has(t)) {
        seen.add(t);
        missing.push(t);
      }
    }
    for (let start = 0; start < missing.length; start += this.batchSize) {
      const chunk = missing.slice(start, start + this.batchSize);
      const vectors = await this.tower.encode(chunk, { batchSize: this.batchSize });
      if (vectors.length !== chunk.length)
        throw new Error(`TowerCache: the tower returned ${vectors.length} vectors for ${chunk.length} texts`);
      vectors.forEach((v, i) => {
        if (v.length !== this.dim) throw new Error(`TowerCache: the tower returned a ${v.length}-d vector, expected ${this.dim}`);
        this.store(chunk[i]!, v);
      });
      onProgress?.(Math.min(start + this.batchSize, missing.length), missing.length);
    }
    return missing.length;
  }

  private store(text: string, v: Float32Array): void {
    const row = this.rows.size;
    const block = Math.floor(row / BLOCK_ROWS);
    if (block === this.blocks.length) this.blocks.push(new Float32Array(BLOCK_ROWS * this.dim));
    this.blocks[block]!.set(v, (row % BLOCK_ROWS) * this.dim);
    this.rows.set(text, row);
  }

  /** The cached vector of `text` (a view into the storage: copy it before changing it). Throws when it is not cached. */
  vector(text: string): Float32Array {
    const row = this.rows.get(text);
    if (row === undefined) {
      const shown = JSON.stringify(text.length > 60 ? `${text.slice(0, 57)}...` : text);
      throw new RangeError(`TowerCache: ${shown} was not embedded (add it with cache.add first)`);
    }
    const at = (row % BLOCK_ROWS) * this.dim;
    return this.blocks[Math.floor(row / BLOCK_ROWS)]!.subarray(at, at + this.dim);
  }

  /** `[texts.length, dim]` cached vectors of `texts`, in order, as a new tensor (the caller disposes it). */
  gather(texts: readonly string[]): tf.Tensor2D {
    const out = new Float32Array(texts.length * this.dim);
    texts.forEach((t, i) => out.set(this.vector(t), i * this.dim));
    return tf.tensor2d(out, [texts.length, this.dim]);
  }

  /** The {@link TowerEmbedder} view: cached vectors (copies), embedding the missing texts first. */
  async encode(texts: readonly string[], options: EncodeOptions = {}): Promise<Float32Array[]> {
    if (options.pooling !== undefined) throw new RangeError(`pooling does not apply to the cached ${this.name} tower (leave it unset)`);
    await this.add(texts);
    const out = texts.map((t) => Float32Array.from(this.vector(t)));
    options.onProgress?.(out.length);
    return out;
  }
}
