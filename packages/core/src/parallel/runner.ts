import type { StepOutput } from '../method/method.js';
import type { StepInfo } from '../method/method.js';
import type { Checkpointable } from '../types.js';

/**
 * Runs each training step on several replicas of the method at once (data parallelism): what
 * `train({ parallel })` drives. `@contrastive/core/node`'s `train({ workers: N, replica })` creates one over
 * worker threads; the loop itself stays free of threads and files.
 */
export interface DataParallelRunner {
  /** Number of replicas (this thread included). */
  readonly size: number;
  /**
   * Every replica copies `state` (variables and optimizer slots). `train` calls it before the first step (after
   * a resume restored `state`) and after every epoch's callbacks, so what a callback changes on this thread
   * (a schedule, a distribution, batch-norm statistics) reaches the replicas too.
   */
  sync(state: Checkpointable): Promise<void>;
  /**
   * Runs one step on every replica — the batch and the step's seed go to the others, `run` is this thread's
   * step — and returns this thread's output. Synchronous (it runs inside the loop's `tf.tidy`).
   */
  step(batch: unknown, info: Omit<StepInfo, 'rng'>, rngSeed: number, run: () => StepOutput): StepOutput;
  /** After an epoch: throws when the replicas' trainable state no longer agrees. */
  verify(state: Checkpointable): Promise<void>;
}
