import type * as tf from '@tensorflow/tfjs';
import type { Rng } from '../random/rng.js';
import type { Checkpointable } from '../types.js';

/**
 * What {@link train} tells a method about the step it runs. One type for every domain: a method reads
 * its schedules from `globalStep` / `totalSteps` and draws every random number of the step (views,
 * dropout masks, samples) from `rng`, which the loop derives from (seed, epoch, step) — so a resumed run
 * draws exactly what an uninterrupted one drew. Anything else a step varies on must be checkpointed state.
 */
export interface StepInfo {
  /** 0-based epoch. */
  epoch: number;
  /** 0-based step within the epoch. */
  step: number;
  /** 0-based step over the whole run (continues across a resume). */
  globalStep: number;
  /**
   * Optimizer steps of the whole run (epochs × `stepsPerEpoch`), for cosine/linear schedules; `undefined`
   * when `train()` was given no `stepsPerEpoch` (a method with a schedule should then refuse to run).
   */
  totalSteps: number | undefined;
  /** A generator seeded by (seed, epoch, step): the step's views, dropout masks, samples. */
  rng: Rng;
}

/** Extra per-step numbers a step reports beside its loss (a second loss term, an accuracy, a temperature). */
export type StepLogValues = Record<string, number | tf.Scalar>;

/**
 * What a step returns: the loss, or the loss and named logs. Scalars in `logs` are read after the step
 * (asynchronously, like the loss) and disposed by the loop; the loop averages them per epoch.
 */
export type StepOutput = tf.Scalar | { loss: tf.Scalar; logs?: StepLogValues };

/**
 * The one method contract of every package (vision, text, graph, multimodal, gan, losses): one optimisation
 * step per batch, all state by stable name (so {@link train} checkpoints and resumes it), and ownership of
 * its tensors.
 *
 * - `step` runs inside `tf.tidy` (so it is synchronous) and may update several optimizers in turn
 *   (alternating discriminator/generator updates, a learnable temperature with its own rate).
 * - Ownership: a method owns the encoders, heads and optimizers it is given or creates, and `dispose()`
 *   frees them all. Keep using an encoder after training by saving it (or cloning it) before `dispose()`.
 *
 * @example
 * class MyMethod implements Method<tf.Tensor4D> {
 *   readonly name = 'my-method';
 *   step(x: tf.Tensor4D, info: StepInfo) { … return loss; }
 *   stateTensors() { return { … }; }
 *   optimizers() { return { optimizer: this.opt }; }
 *   dispose() { … }
 * }
 * await train({ method: new MyMethod(…), batches, epochs: 10 });
 */
export interface Method<B = unknown> extends Checkpointable {
  /** Registry name, e.g. `'simclr'`, `'simcse'`, `'graphcl'`. */
  readonly name: string;
  /** One optimisation step on `batch`; returns the loss (the caller disposes it). */
  step(batch: B, info: StepInfo): StepOutput;
  /** Frees every tensor, model and optimizer the method owns. Idempotent. */
  dispose(): void;
}

/** The loss scalar of a step's output. */
export function stepLoss(output: StepOutput): tf.Scalar {
  return isLossWithLogs(output) ? output.loss : output;
}

/** True when a step returned `{ loss, logs }` rather than a bare scalar. */
export function isLossWithLogs(output: StepOutput): output is { loss: tf.Scalar; logs?: StepLogValues } {
  return output !== null && typeof output === 'object' && 'loss' in output && !('dataId' in output);
}
