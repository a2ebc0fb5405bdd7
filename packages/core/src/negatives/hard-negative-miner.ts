import * as tf from '@tensorflow/tfjs';
import type { NegativeContext, NegativeSource } from '../types.js';
import { assertEmbeddings, assertInt, assertInRange, assertOneOf, shapeStr } from '../validate.js';
import { l2Normalize } from '../losses/similarity.js';

/** How a miner keeps a query's positive out of its negatives. */
export type PositiveExclusion = 'index' | 'identity' | 'none';
const EXCLUSIONS: readonly PositiveExclusion[] = ['index', 'identity', 'none'];

/** Options of {@link mineHardNegatives}. */
export interface MineHardNegativesOptions {
  /** Number of negatives kept per query. */
  k: number;
  /**
   * - `'index'`: pool row i is query i's positive (in-batch keys): it is never chosen for query i.
   * - `'identity'`: any pool row whose cosine similarity to `positives[i]` is ≥ 1 − `tolerance` is never
   *   chosen for query i (a queue or bank that already holds the positive key).
   * - `'none'`: no exclusion.
   * Default `'index'` for a `[N, D]` pool with N rows, else `'identity'` when `positives` is given,
   * else `'none'`.
   */
  exclude?: PositiveExclusion;
  /** The positives `[N, D]` (needed by `'identity'`). */
  positives?: tf.Tensor2D;
  /** Cosine tolerance of `'identity'`. Default `1e-6`. */
  tolerance?: number;
}

/**
 * Hard-negative mining: for each query the k pool rows of highest cosine similarity that are not its
 * positive (the "top-k most similar non-positive keys" of hard-negative methods such as Kalantidis
 * et al., NeurIPS 2020, MoCHi, and the semi-hard/hard miners of PyTorch Metric Learning).
 *
 * `pool` is `[M, D]` shared by all queries or `[N, M, D]` per query; returns the chosen rows, as given
 * (not normalised), `[N, k, D]`. With exclusion, k must be ≤ M − 1 (the positive is assumed to appear
 * at most once in the pool). Gradients flow into the chosen rows.
 */
export function mineHardNegatives(queries: tf.Tensor2D, pool: tf.Tensor2D | tf.Tensor3D, options: MineHardNegativesOptions): tf.Tensor3D {
  assertEmbeddings(queries, 'queries');
  const { k, positives, tolerance = 1e-6 } = options ?? ({} as MineHardNegativesOptions);
  const [n, d] = queries.shape;
  if (!(pool instanceof tf.Tensor) || (pool.rank !== 2 && pool.rank !== 3)) {
    throw new RangeError(
      `pool must be a tensor [M, D] or [N, M, D], got ${pool instanceof tf.Tensor ? shapeStr(pool.shape) : typeof pool}`,
    );
  }
  const perQuery = pool.rank === 3;
  const m = perQuery ? pool.shape[1]! : pool.shape[0]!;
  if (pool.shape[pool.rank - 1] !== d || (perQuery && pool.shape[0] !== n)) {
    throw new RangeError(
      `pool must have shape ${perQuery ? `[${n}, M, ${d}]` : `[M, ${d}]`} to match queries ${shapeStr(queries.shape)}, got ${shapeStr(pool.shape)}`,
    );
  }
  const exclude = options.exclude ?? (!perQuery && m === n ? 'index' : positives !== undefined ? 'identity' : 'none');
  assertOneOf(exclude, EXCLUSIONS, 'exclude');
  assertInRange(tolerance, 0, 2, 'tolerance');
  if (exclude === 'index' && (perQuery || m < n)) {
    throw new RangeError(`exclude 'index' needs a shared pool [M, D] with M >= N (${n}), got ${shapeStr(pool.shape)}`);
  }
  if (exclude === 'identity') {
    assertEmbeddings(positives, 'positives');
    if (positives.shape[0] !== n || positives.shape[1] !== d) {
      throw new RangeError(`positives must have shape [${n}, ${d}], got ${shapeStr(positives.shape)}`);
    }
  }
  assertInt(k, 'k', 1);
  const available = exclude === 'none' ? m : m - 1;
  if (k > available) {
    throw new RangeError(`k (${k}) must be <= ${available}: the pool has ${m} rows${exclude === 'none' ? '' : ' and one is the positive'}`);
  }

  return tf.tidy(() => {
    const q = l2Normalize(queries);
    const p = l2Normalize(pool);
    // Similarities [N, M]: shared pool q·pᵀ, per-query pool ⟨q_i, p_ij⟩.
    const sims = perQuery
      ? tf.squeeze(tf.matMul(p as tf.Tensor3D, tf.expandDims(q, 2) as tf.Tensor3D), [2])
      : tf.matMul(q, p as tf.Tensor2D, false, true);
    let banned: tf.Tensor | null = null;
    if (exclude === 'index') {
      banned = tf.cast(
        tf.pad(tf.eye(n), [
          [0, 0],
          [0, m - n],
        ]),
        'bool',
      );
    } else if (exclude === 'identity') {
      const pos = l2Normalize(positives!);
      const posSims = perQuery
        ? tf.squeeze(tf.matMul(p as tf.Tensor3D, tf.expandDims(pos, 2) as tf.Tensor3D), [2])
        : tf.matMul(pos, p as tf.Tensor2D, false, true);
      banned = tf.greaterEqual(posSims, 1 - tolerance);
    }
    const scores = banned === null ? sims : tf.where(banned, tf.fill(sims.shape, -Infinity), sims);
    const { indices } = tf.topk(scores, k);
    return (perQuery ? tf.gather(pool, indices, 1, 1) : tf.gather(pool, indices)) as tf.Tensor3D;
  });
}

/** Options of {@link HardNegativeMiner}. */
export interface HardNegativeMinerOptions {
  /** Number of hard negatives per query. */
  k: number;
  /**
   * Where the candidate pool comes from (a {@link MoCoQueue}, a {@link MemoryBank}, …). The miner owns
   * it: `update` and `dispose` are forwarded. Default: none, i.e. the batch's keys `ctx.positives`.
   */
  source?: NegativeSource;
  /** Positive exclusion, see {@link MineHardNegativesOptions.exclude}. Default: automatic. */
  exclude?: PositiveExclusion;
  /** Cosine tolerance of `'identity'` exclusion. Default `1e-6`. */
  tolerance?: number;
}

/**
 * A {@link NegativeSource} that keeps, for each query, the k most similar non-positive keys of a pool:
 * the other keys of the batch (no `source`; `ctx.positives` is the key batch and key i is query i's
 * positive) or what `source` returns (a queue `[K, D]` or per-query bank samples `[N, K, D]`, the
 * positive excluded by identity when `ctx.positives` is given). Returns `[N, k, D]`.
 *
 * @example
 * const miner = new HardNegativeMiner({ k: 64, source: new MoCoQueue({ size: 4096, dim: 128 }) });
 * const negs = miner.negatives(q, { positives: k });   // [N, 64, D]
 */
export class HardNegativeMiner implements NegativeSource {
  readonly name: string;
  readonly k: number;
  private readonly source: NegativeSource | undefined;
  private readonly exclude: PositiveExclusion | undefined;
  private readonly tolerance: number;

  constructor(options: HardNegativeMinerOptions) {
    const { k, source, exclude, tolerance = 1e-6 } = options ?? ({} as HardNegativeMinerOptions);
    assertInt(k, 'HardNegativeMiner options.k', 1);
    if (exclude !== undefined) assertOneOf(exclude, EXCLUSIONS, 'HardNegativeMiner options.exclude');
    assertInRange(tolerance, 0, 2, 'HardNegativeMiner options.tolerance');
    this.k = k;
    this.source = source;
    this.exclude = exclude;
    this.tolerance = tolerance;
    this.name = `hard-negative-miner(${source?.name ?? 'in-batch'})`;
  }

  /** The k hardest negatives per query `[N, k, D]` (the caller disposes it). */
  negatives(queries: tf.Tensor2D, ctx?: NegativeContext): tf.Tensor3D {
    const pool = this.source?.negatives(queries, ctx) ?? null;
    if (pool === null) {
      if (ctx?.positives === undefined) {
        throw new TypeError('HardNegativeMiner without a pool source needs ctx.positives: the batch keys [N, D]');
      }
      if (ctx.positives.shape[0] !== queries.shape[0]) {
        throw new RangeError(
          `ctx.positives must have one row per query (${queries.shape[0]}) for in-batch mining, got ${shapeStr(ctx.positives.shape)}`,
        );
      }
      return mineHardNegatives(queries, ctx.positives, { k: this.k, exclude: this.exclude ?? 'index', tolerance: this.tolerance });
    }
    try {
      const exclude = this.exclude ?? (ctx?.positives !== undefined ? 'identity' : 'none');
      return mineHardNegatives(queries, pool, { k: this.k, exclude, positives: ctx?.positives, tolerance: this.tolerance });
    } finally {
      pool.dispose();
    }
  }

  /** Forwards to the source (a queue enqueues, a bank updates its rows). */
  update(keys: tf.Tensor2D, ctx?: NegativeContext): void {
    this.source?.update(keys, ctx);
  }

  /** Disposes the source it owns. */
  dispose(): void {
    this.source?.dispose();
  }
}
