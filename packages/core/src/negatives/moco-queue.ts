import * as tf from '@tensorflow/tfjs';
import { createRng } from '../random/rng.js';
import type { Checkpointable, NegativeSource } from '../types.js';
import { assertEmbeddings, assertInt, shapeStr } from '../validate.js';
import { randomUnitRows } from './random-unit-rows.js';
import { scatterRows } from './scatter-rows.js';

/** Options of {@link MoCoQueue}. */
export interface MoCoQueueOptions {
  /**
   * Number of keys K the queue holds (MoCo v1/v2: 65 536). Any integer ≥ 1: unlike the official code,
   * K need not be a multiple of the batch size, so partial last batches are fine.
   */
  size: number;
  /** Key dimension D (MoCo: 128). */
  dim: number;
  /** Seed of the random initial rows (MoCo starts from random unit vectors). Default `0`. */
  seed?: number;
}

/**
 * The MoCo dictionary (He et al., CVPR 2020, "Momentum Contrast"; `facebookresearch/moco`
 * `moco/builder.py`): a FIFO ring buffer of the last K keys, stored as a `tf.Variable` `[K, D]`
 * initialised to random L2-normalised rows. Each step, `negatives()` gives the queue to the loss
 * (logits = [q·k⁺, q·queueᵀ]/τ) and, **after** the loss, `update(keys)` enqueues the batch's keys and
 * overwrites the oldest ones.
 *
 * Ring-buffer rule: the write pointer p starts at 0; a batch of n keys goes to slots p, p+1, … (mod K)
 * and p ← (p + n) mod K. A batch larger than K keeps only its last K keys, in the slots they would
 * have reached had they been written one at a time. The pointer lives in an int32 variable so a
 * checkpoint of {@link stateTensors} restores the queue exactly, and `update` never reads back to JS.
 *
 * @example
 * const queue = new MoCoQueue({ size: 4096, dim: 128, seed: 1 });
 * const negs = queue.negatives();               // [K, D], the caller disposes it
 * const loss = infoNCE(q, k, { negatives: negs, temperature: 0.07 });
 * negs.dispose();
 * queue.update(k);                              // after the loss, k already stop-gradiented
 */
export class MoCoQueue implements NegativeSource, Checkpointable {
  readonly name = 'moco-queue';
  /** K, the number of stored keys. */
  readonly size: number;
  /** D, the key dimension. */
  readonly dim: number;
  private readonly queue: tf.Variable<tf.Rank.R2>;
  private readonly ptr: tf.Variable<tf.Rank.R0>;
  private disposed = false;

  constructor(options: MoCoQueueOptions) {
    const { size, dim, seed = 0 } = options ?? ({} as MoCoQueueOptions);
    assertInt(size, 'MoCoQueue options.size', 1);
    assertInt(dim, 'MoCoQueue options.dim', 1);
    this.size = size;
    this.dim = dim;
    const rng = createRng(seed);
    const init = randomUnitRows(size, dim, rng.normal);
    this.queue = tf.tidy(() => tf.variable(tf.tensor2d(init, [size, dim]), false));
    this.ptr = tf.tidy(() => tf.variable(tf.scalar(0, 'int32'), false));
  }

  /**
   * The current queue `[K, D]` (a copy: the caller disposes it). `queries`, when given, is only
   * checked for a matching dimension.
   */
  negatives(queries?: tf.Tensor2D): tf.Tensor2D {
    this.assertAlive();
    if (queries !== undefined) {
      assertEmbeddings(queries, 'queries');
      if (queries.shape[1] !== this.dim) {
        throw new RangeError(`queries must have shape [N, ${this.dim}] to match the queue, got ${shapeStr(queries.shape)}`);
      }
    }
    return this.queue.clone();
  }

  /** Enqueues `keys` `[n, D]` (any n ≥ 1, also n > K) in FIFO order, overwriting the oldest keys. */
  update(keys: tf.Tensor2D): void {
    this.assertAlive();
    assertEmbeddings(keys, 'keys');
    if (keys.shape[1] !== this.dim) {
      throw new RangeError(`keys must have shape [n, ${this.dim}] to match the queue, got ${shapeStr(keys.shape)}`);
    }
    const K = this.size;
    const n = keys.shape[0];
    const kept = Math.min(n, K);
    tf.tidy(() => {
      // Only the last `kept` keys survive; key i of them goes to slot (p + n − kept + i) mod K. The slots
      // are distinct (kept ≤ K), so one row scatter writes them (a full-queue gather would cost seconds per
      // step on cpu at K = 65 536); int32 scalars throughout, because a bare JS number would upcast the
      // index math to float32.
      const fresh = kept < n ? tf.slice(keys, [n - kept, 0], [kept, this.dim]) : keys;
      const k = tf.scalar(K, 'int32');
      const start = tf.add(this.ptr, tf.scalar(n - kept, 'int32'));
      const slots = tf.mod(tf.add(tf.range(0, kept, 1, 'int32'), start), k);
      this.queue.assign(scatterRows(this.queue, tf.reshape(slots, [kept, 1]) as tf.Tensor2D, fresh));
      this.ptr.assign(tf.mod(tf.add(this.ptr, tf.scalar(n, 'int32')), k) as tf.Scalar);
    });
  }

  /**
   * The write pointer (slot of the next key). Reads the int32 variable back synchronously: for tests
   * and logs, not for the training hot path.
   */
  get pointer(): number {
    this.assertAlive();
    return this.ptr.dataSync()[0]!;
  }

  /** The queue and pointer variables, by stable name, for checkpoints (`<prefix>/keys`, `<prefix>/ptr`). */
  stateTensors(prefix = 'queue'): Record<string, tf.Variable> {
    this.assertAlive();
    return { [`${prefix}/keys`]: this.queue, [`${prefix}/ptr`]: this.ptr };
  }

  /** The queue has no optimizer. */
  optimizers(): Record<string, tf.Optimizer> {
    return {};
  }

  /** Frees the queue and pointer variables. Safe to call twice. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.queue.dispose();
    this.ptr.dispose();
  }

  private assertAlive(): void {
    if (this.disposed) throw new Error('MoCoQueue was disposed');
  }
}
