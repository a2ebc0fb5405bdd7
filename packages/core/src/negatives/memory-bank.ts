import * as tf from '@tensorflow/tfjs';
import { createRng, type Rng } from '../random/rng.js';
import type { Checkpointable, NegativeContext, NegativeSource } from '../types.js';
import { assertEmbeddings, assertInRange, assertInt, shapeStr } from '../validate.js';
import { l2Normalize } from '../losses/similarity.js';
import { gatherRows } from './gather-rows.js';
import { randomUnitRows } from './random-unit-rows.js';
import { scatterRows } from './scatter-rows.js';

/** Options of {@link MemoryBank}. */
export interface MemoryBankOptions {
  /** Number of rows n: one per dataset item (Wu et al.: the training-set size). */
  size: number;
  /** Feature dimension D (Wu et al.: 128). */
  dim: number;
  /** Momentum m of the row update v ← normalize(m·v + (1−m)·f). Default `0.5` (lemniscate `nce-m`). */
  momentum?: number;
  /** Seed of the random initial rows and of the default sampling stream. Default `0`. */
  seed?: number;
  /** k, negatives sampled per query by {@link MemoryBank.negatives}. Default `4096` (Wu et al.'s m). */
  negativesPerQuery?: number;
  /**
   * Whether {@link MemoryBank.negatives} excludes each query's own row (needs `ctx.indices`). Default
   * `true`. Wu et al.'s code does not exclude it; set `false` to match it exactly.
   */
  excludePositive?: boolean;
  /**
   * Draw one set of k negatives for the whole batch (`[k, D]`) instead of k per query (`[N, k, D]`).
   * N times less memory and copying (per query, N·k·D floats: 537 MB at N = 256, k = 4096, D = 128);
   * with `excludePositive` no row of the batch (`ctx.indices`) is drawn. Default `false` (Wu et al.).
   */
  shared?: boolean;
}

/** Options of {@link MemoryBank.sample}. */
export interface MemoryBankSampleOptions {
  /** Number of queries N when `exclude` is not given. Default `1`. */
  n?: number;
  /** Per-query dataset index `[N]` never drawn for that query (its positive). Sets N. */
  exclude?: Int32Array;
  /**
   * Random stream for this draw. Default: the bank's own stream (seeded by `options.seed`). Pass a
   * stream derived from seed + step (the `train()` loop's `info.rng`) to make a resumed run repeat
   * the same draws: the bank's own stream position is not part of a checkpoint.
   */
  rng?: Rng;
}

/** The context a memory bank reads (`indices`, and `rng` for the draw); kept as a name for callers. */
export type MemoryBankContext = NegativeContext;

/**
 * The memory bank of instance discrimination (Wu et al., CVPR 2018, "Unsupervised Feature Learning via
 * Non-Parametric Instance Discrimination"; `zhirongw/lemniscate.pytorch` `lib/NCEAverage.py`): one
 * L2-normalised row per dataset item, initialised to random unit vectors, stored in a `tf.Variable`
 * `[n, D]`.
 *
 * - `update(keys, {indices})` after the loss: for each item i of the batch,
 *   v_i ← normalize(m·v_i + (1−m)·f_i) with f_i = normalize(keys_i) (a proximal/momentum update).
 *   If an index repeats within a batch, the last occurrence wins (each is computed from the old row).
 * - `sample(k, {exclude})` draws k rows per query uniformly with replacement → `[N, k, D]`, optionally
 *   never drawing query i's own index `exclude[i]` (drawn uniformly from the other n − 1 rows).
 * - `negatives(queries, ctx)` = `sample(negativesPerQuery, {n: N, exclude: ctx.indices})`.
 *
 * @example
 * const bank = new MemoryBank({ size: 60000, dim: 128, negativesPerQuery: 4096, seed: 1 });
 * const negs = bank.negatives(q, { indices });          // [N, 4096, D]
 * // ... loss with per-query negatives ...
 * negs.dispose();
 * bank.update(keys, { indices });                     // after the loss, keys without gradient
 */
export class MemoryBank implements NegativeSource, Checkpointable {
  readonly name = 'memory-bank';
  /** n, the number of rows. */
  readonly size: number;
  /** D, the feature dimension. */
  readonly dim: number;
  /** m, the update momentum. */
  readonly momentum: number;
  /** k, negatives per query of {@link negatives}. */
  readonly negativesPerQuery: number;
  /** Whether {@link negatives} excludes the positive's row. */
  readonly excludePositive: boolean;
  /** Whether {@link negatives} draws one shared set `[k, D]` per batch. */
  readonly shared: boolean;
  private readonly bank: tf.Variable<tf.Rank.R2>;
  private readonly rng: Rng;
  private disposed = false;

  constructor(options: MemoryBankOptions) {
    const {
      size,
      dim,
      momentum = 0.5,
      seed = 0,
      negativesPerQuery = 4096,
      excludePositive = true,
      shared = false,
    } = options ?? ({} as MemoryBankOptions);
    assertInt(size, 'MemoryBank options.size', 1);
    assertInt(dim, 'MemoryBank options.dim', 1);
    assertInRange(momentum, 0, 1, 'MemoryBank options.momentum');
    assertInt(negativesPerQuery, 'MemoryBank options.negativesPerQuery', 1);
    if (typeof excludePositive !== 'boolean') {
      throw new TypeError(`MemoryBank options.excludePositive must be a boolean, got ${String(excludePositive)}`);
    }
    this.size = size;
    this.dim = dim;
    this.momentum = momentum;
    this.negativesPerQuery = negativesPerQuery;
    if (typeof shared !== 'boolean') throw new TypeError(`MemoryBank options.shared must be a boolean, got ${String(shared)}`);
    this.excludePositive = excludePositive;
    this.shared = shared;
    this.rng = createRng(seed);
    const init = randomUnitRows(size, dim, this.rng.normal);
    this.bank = tf.tidy(() => tf.variable(tf.tensor2d(init, [size, dim]), false));
  }

  /** The rows at `indices` → `[N, D]` (a new tensor the caller disposes). */
  rows(indices: Int32Array | readonly number[]): tf.Tensor2D {
    this.assertAlive();
    const idx = this.checkIndices(indices, 'indices');
    return tf.tidy(() => gatherRows(this.bank, idx));
  }

  /**
   * k uniformly drawn rows per query → `[N, k, D]` (the caller disposes it). With `exclude`, query i
   * never gets row `exclude[i]`. Accepts the options object or, as a shorthand, the exclude array.
   */
  sample(k: number, options: MemoryBankSampleOptions | Int32Array = {}): tf.Tensor3D {
    this.assertAlive();
    assertInt(k, 'k', 1);
    const opts: MemoryBankSampleOptions = options instanceof Int32Array ? { exclude: options } : options;
    const exclude = opts.exclude === undefined ? undefined : this.checkIndices(opts.exclude, 'exclude');
    if (exclude !== undefined && opts.n !== undefined && opts.n !== exclude.length) {
      throw new RangeError(`sample: n (${opts.n}) must equal exclude.length (${exclude.length})`);
    }
    const n = exclude?.length ?? opts.n ?? 1;
    assertInt(n, 'n', 1);
    if (exclude !== undefined && this.size < 2) {
      throw new RangeError(`sample: cannot exclude the positive from a bank of size ${this.size} (needs size >= 2)`);
    }
    const rng = opts.rng ?? this.rng;
    const drawn = new Int32Array(n * k);
    for (let q = 0; q < n; q++) {
      const skip = exclude?.[q];
      for (let j = 0; j < k; j++) {
        let r: number;
        if (skip === undefined) {
          r = rng.int(this.size);
        } else {
          // Uniform over the n − 1 other rows: draw from [0, n−1) and step over the excluded one.
          r = rng.int(this.size - 1);
          if (r >= skip) r += 1;
        }
        drawn[q * k + j] = r;
      }
    }
    return tf.tidy(() => tf.reshape(gatherRows(this.bank, drawn), [n, k, this.dim]) as tf.Tensor3D);
  }

  /**
   * k rows drawn uniformly (with replacement) once for a whole batch → `[k, D]`, never drawing any
   * index in `exclude` (e.g. the batch's own items).
   */
  sampleShared(k: number, options: { exclude?: Int32Array; rng?: Rng } = {}): tf.Tensor2D {
    this.assertAlive();
    assertInt(k, 'k', 1);
    const banned = new Set(options.exclude === undefined ? [] : this.checkIndices(options.exclude, 'exclude'));
    const allowed = this.size - banned.size;
    if (allowed < 1) throw new RangeError(`sampleShared: exclude covers all ${this.size} rows of the bank`);
    // The allowed rows in order, so a draw is one uniform integer (no rejection loop).
    let pick: (r: number) => number = (r) => r;
    if (banned.size > 0) {
      const keep = new Int32Array(allowed);
      for (let r = 0, j = 0; r < this.size; r++) if (!banned.has(r)) keep[j++] = r;
      pick = (r) => keep[r]!;
    }
    const rng = options.rng ?? this.rng;
    const drawn = new Int32Array(k);
    for (let j = 0; j < k; j++) drawn[j] = pick(rng.int(allowed));
    return tf.tidy(() => gatherRows(this.bank, drawn));
  }

  /**
   * {@link NegativeSource} view: `negativesPerQuery` sampled rows per query `[N, k, D]`, excluding
   * `ctx.indices[i]` for query i when `excludePositive` and indices are given; with `shared`, one set
   * `[k, D]` for the batch that avoids all of `ctx.indices`.
   */
  negatives(queries: tf.Tensor2D, ctx?: MemoryBankContext): tf.Tensor3D | tf.Tensor2D {
    this.assertAlive();
    assertEmbeddings(queries, 'queries');
    if (queries.shape[1] !== this.dim) {
      throw new RangeError(`queries must have shape [N, ${this.dim}] to match the bank, got ${shapeStr(queries.shape)}`);
    }
    const n = queries.shape[0];
    const exclude = this.excludePositive ? ctx?.indices : undefined;
    if (exclude !== undefined && exclude.length !== n) {
      throw new RangeError(`ctx.indices must have one index per query (${n}), got length ${exclude.length}`);
    }
    if (this.shared) return this.sampleShared(this.negativesPerQuery, { exclude, rng: ctx?.rng });
    return this.sample(this.negativesPerQuery, { n, exclude, rng: ctx?.rng });
  }

  /** Momentum update of the positives' rows: v_i ← normalize(m·v_i + (1−m)·normalize(keys_i)). */
  update(keys: tf.Tensor2D, ctx?: NegativeContext): void {
    this.assertAlive();
    assertEmbeddings(keys, 'keys');
    if (keys.shape[1] !== this.dim) {
      throw new RangeError(`keys must have shape [N, ${this.dim}] to match the bank, got ${shapeStr(keys.shape)}`);
    }
    if (ctx?.indices === undefined) {
      throw new TypeError('MemoryBank.update needs ctx.indices: the dataset index of each key row');
    }
    const idx = this.checkIndices(ctx.indices, 'ctx.indices');
    if (idx.length !== keys.shape[0]) {
      throw new RangeError(`ctx.indices must have one index per key row (${keys.shape[0]}), got length ${idx.length}`);
    }
    // A repeated index keeps its last occurrence: scatter each row once, from the key that wrote it last.
    const last = new Map<number, number>();
    idx.forEach((row, i) => last.set(row, i));
    const rows = Int32Array.from(last.keys());
    const from = Int32Array.from(last.values());
    const m = this.momentum;
    tf.tidy(() => {
      const at = tf.tensor2d(rows, [rows.length, 1], 'int32');
      const f = rows.length === idx.length && from.every((v, i) => v === i) ? keys : tf.gather(keys, tf.tensor1d(from, 'int32'));
      const old = gatherRows(this.bank, rows);
      const updated = l2Normalize(tf.add(tf.mul(old, m), tf.mul(l2Normalize(f), 1 - m))) as tf.Tensor2D;
      this.bank.assign(scatterRows(this.bank, at, updated));
    });
  }

  /** The bank variable by stable name, for checkpoints (`<prefix>/rows`). */
  stateTensors(prefix = 'bank'): Record<string, tf.Variable> {
    this.assertAlive();
    return { [`${prefix}/rows`]: this.bank };
  }

  /** The bank has no optimizer. */
  optimizers(): Record<string, tf.Optimizer> {
    return {};
  }

  /** Frees the bank variable. Safe to call twice. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.bank.dispose();
  }

  private checkIndices(indices: Int32Array | readonly number[], name: string): Int32Array {
    const idx = indices instanceof Int32Array ? indices : Int32Array.from(indices);
    if (!(indices instanceof Int32Array) && idx.some((v, i) => v !== indices[i])) {
      throw new TypeError(`${name} must hold integers in [0, ${this.size}), got ${String(indices)}`);
    }
    for (let i = 0; i < idx.length; i++) {
      const v = idx[i]!;
      if (v < 0 || v >= this.size) {
        throw new RangeError(`${name}[${i}] = ${v} is outside the bank's rows [0, ${this.size})`);
      }
    }
    return idx;
  }

  private assertAlive(): void {
    if (this.disposed) throw new Error('MemoryBank was disposed');
  }
}
