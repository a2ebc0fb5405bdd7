import type * as tf from '@tensorflow/tfjs';
import type { Rng } from './random/rng.js';

/**
 * A view maker turns a batch into one augmented view of it. Randomness comes only from `rng`, so the
 * same seed gives the same views on the same backend. It must not dispose its input.
 */
export type ViewMaker<B = tf.Tensor> = (batch: B, rng: Rng) => B;

/** Context a {@link NegativeSource} may need to choose negatives for a batch of queries. */
export interface NegativeContext {
  /** Dataset indices of the batch items `[N]` (memory bank: exclude and update the positives' rows). */
  indices?: Int32Array;
  /** The positive keys `[N, D]` (miners: never return the positive itself). */
  positives?: tf.Tensor2D;
  /** The step's generator (sampling sources draw from it so a resumed run samples the same negatives). */
  rng?: Rng;
}

/**
 * Where negatives come from (in-batch, MoCo queue, memory bank, miner). A method takes one by injection,
 * so MoCo is "InfoNCE + a queue". Sources own their tensors and free them in `dispose()`.
 */
export interface NegativeSource {
  /** Human-readable name for logs. */
  readonly name: string;
  /**
   * Negatives for these queries: `[M, D]` shared by every query, `[N, K, D]` per query, or `null`
   * meaning "use the other items of the batch" (in-batch). The caller owns (and disposes) the result.
   */
  negatives(queries: tf.Tensor2D, ctx?: NegativeContext): tf.Tensor2D | tf.Tensor3D | null;
  /** Called after the loss with this batch's (already stop-gradiented) keys `[N, D]`. */
  update(keys: tf.Tensor2D, ctx?: NegativeContext): void;
  /** Frees every tensor the source owns. */
  dispose(): void;
}

/**
 * What the training loop and checkpoints need from a method: its trainable and non-trainable state by
 * stable names, and its optimizers. Every method class in the monorepo implements this.
 */
export interface Checkpointable {
  /** All state to save, by stable name (weights, target networks, queues, banks, BN statistics). */
  stateTensors(): Record<string, tf.Variable>;
  /** Optimizers whose slots (Adam moments, momentum) must be saved to resume exactly. */
  optimizers(): Record<string, tf.Optimizer>;
}
