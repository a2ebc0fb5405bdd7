/** The options, callbacks and results of {@link train} (`./train.ts`). */
import type { Rng } from '../random/rng.js';
import type { Method, StepInfo, StepOutput } from '../method/method.js';
import type { Checkpointable } from '../types.js';
import type { CheckpointStore } from './checkpoint-store.js';
import type { ProgressStream } from './progress.js';
import type { DataParallelRunner } from '../parallel/runner.js';

export type { StepInfo } from '../method/method.js';

/** Logs passed to `onStepEnd`. */
export interface StepLogs {
  loss: number;
  epoch: number;
  step: number;
  globalStep: number;
  /** The numbers the step returned in `{ loss, logs }` (read after the step), if any. */
  logs?: Record<string, number>;
}

/**
 * Logs passed to `onEpochEnd`: the mean loss, and the epoch mean of every log a step returned (under its
 * own name); callbacks may add their own metrics (they are saved in checkpoints).
 */
export interface EpochLogs {
  /** Mean loss over the epoch's steps (NaN for an empty epoch). */
  loss: number;
  epoch: number;
  steps: number;
  /** Steps done so far over the whole run. */
  globalStep: number;
  /** Wall time of the epoch. */
  seconds: number;
  [metric: string]: unknown;
}

/** Where the run starts (after a possible resume). */
export interface TrainBeginInfo {
  epochs: number;
  /** First epoch this call runs (0-based). */
  startEpoch: number;
  /** Steps of `startEpoch` already done before this call (a checkpoint saved inside the epoch), else 0. */
  startStep: number;
  globalStep: number;
  resumed: boolean;
}

/** Hooks of {@link train}; each may be async (it is awaited). */
export interface TrainCallbacks {
  onTrainBegin?(info: TrainBeginInfo): void | Promise<void>;
  onStepEnd?(globalStep: number, logs: StepLogs): void | Promise<void>;
  onEpochEnd?(epoch: number, logs: EpochLogs): void | Promise<void>;
  onTrainEnd?(result: TrainResult): void | Promise<void>;
}

/** Options of {@link train}. */
export interface TrainOptions<B> {
  /**
   * The method to train (the contract every package's methods implement): the loop calls
   * `method.step(batch, info)` and checkpoints `method` itself. Give either `method`, or `step` (and
   * optionally `state`).
   */
  method?: Method<B>;
  /**
   * One optimisation step: compute the loss, apply gradients, return the loss scalar (or `{ loss, logs }`).
   * Runs inside `tf.tidy` (so it must be synchronous); the loop reads the returned scalars with
   * `await data()` after the step and disposes them. Not with `method`.
   */
  step?: (batch: B, info: StepInfo) => StepOutput;
  /**
   * The batches of one epoch. Derive all randomness from `rng` (seeded by seed + epoch) so that a
   * resumed run sees the same batches as an uninterrupted one.
   */
  batches: (epoch: number, rng: Rng) => Iterable<B> | AsyncIterable<B>;
  /** Number of epochs (the total, also when resuming). */
  epochs: number;
  /** Stop each epoch after this many steps (and size the progress bar). Default: exhaust `batches`. */
  stepsPerEpoch?: number;
  /** Seed of the per-epoch and per-step generators. Default `0`. */
  seed?: number;
  /** State saved in checkpoints (variables + optimizer slots). Default: `method`, else nothing. */
  state?: Checkpointable;
  /**
   * Where checkpoints go (`fileCheckpointStore(dir)` from `@contrastive/core/node` in Node; `train` from
   * `@contrastive/core/node` also takes a `checkpointDir`). Default: no checkpoints.
   */
  checkpoint?: CheckpointStore;
  /** Save every this many epochs (and after the last one). Default `1`. */
  checkpointEvery?: number;
  /**
   * Also save inside each epoch, after every this many steps of the epoch, so that an interrupted long
   * epoch loses at most this many steps. Resuming from such a checkpoint re-creates the epoch's batches
   * from its seeded `rng` and draws (and, with `disposeBatch`, disposes) the already-trained ones without
   * stepping, so the resumed run still equals an uninterrupted one. Default: save at epoch ends only.
   */
  checkpointEverySteps?: number;
  /** Restore `checkpoint` if it holds one and continue where it stopped (the next epoch, or the next step of an epoch saved part-way). Default `false`. */
  resume?: boolean;
  /** Hooks, one object or several (called in order). */
  callbacks?: TrainCallbacks | readonly TrainCallbacks[];
  /** Show progress (steps/s, loss, ETA) on `progressStream`: a bar redrawn in place on a TTY, otherwise a plain line once a minute. Default `true`. */
  progress?: boolean;
  /** Stream of the progress bar. Default `process.stderr`. */
  progressStream?: ProgressStream;
  /**
   * Receives every step's loss so far after every epoch and with every checkpoint saved inside one (the
   * Node `train` writes `losses.csv` and the loss-curve PNG from it). A throw is logged, not fatal.
   */
  onLossHistory?: (losses: readonly number[]) => void | Promise<void>;
  /** Receives one plain line per epoch (and resume notices). Default: silent. */
  log?: (line: string) => void;
  /** Dispose the tensors found in each batch (arrays and plain objects are searched) after its step. Default `true`. */
  disposeBatch?: boolean;
  /**
   * Run every step data-parallel on the replicas of this runner (each step's batch is split across them
   * where the method computes rows with `parallelRows` / `parallelParts`, and the gradients are averaged).
   * In Node, pass `workers: N` and `replica` to `train` from `@contrastive/core/node` instead. Default: none.
   */
  parallel?: DataParallelRunner;
}

/** What {@link train} resolves to. */
export interface TrainResult {
  /** Loss of every step of the run, including the steps restored from a checkpoint. */
  losses: number[];
  /** Mean loss of every epoch, including restored ones. */
  epochLosses: number[];
  /** Wall time of this call. */
  seconds: number;
  /** Steps done over the whole run. */
  globalStep: number;
  /** Epochs completed. */
  epochs: number;
}
