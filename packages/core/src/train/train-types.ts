/** The options, callbacks and results of {@link train} (`./train.ts`). */
import type * as tf from '@tensorflow/tfjs';
import type { Rng } from '../random/rng.js';
import type { Checkpointable } from '../types.js';
import type { ProgressStream } from './progress.js';

/** What a step function is told about the step it runs. */
export interface StepInfo {
  /** 0-based epoch. */
  epoch: number;
  /** 0-based step within the epoch. */
  step: number;
  /** 0-based step over the whole run (continues across a resume). */
  globalStep: number;
  /** A generator seeded by (seed, epoch, step): the step's views, dropout masks, samples. */
  rng: Rng;
}

/** Logs passed to `onStepEnd`. */
export interface StepLogs {
  loss: number;
  epoch: number;
  step: number;
  globalStep: number;
}

/** Logs passed to `onEpochEnd`; callbacks may add their own metrics (they are saved in checkpoints). */
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
   * One optimisation step: compute the loss, apply gradients, return the loss scalar. Runs inside
   * `tf.tidy` (so it must be synchronous); the loop reads the returned scalar with `await data()` after
   * the step and disposes it.
   */
  step: (batch: B, info: StepInfo) => tf.Scalar;
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
  /** State saved to `checkpointDir` (variables + optimizer slots). */
  state?: Checkpointable;
  /** Directory for the checkpoint (`checkpoint.json` + weights). Default: no checkpoints. */
  checkpointDir?: string;
  /** Save every this many epochs (and after the last one). Default `1`. */
  checkpointEvery?: number;
  /**
   * Also save inside each epoch, after every this many steps of the epoch, so that an interrupted long
   * epoch loses at most this many steps. Resuming from such a checkpoint re-creates the epoch's batches
   * from its seeded `rng` and draws (and, with `disposeBatch`, disposes) the already-trained ones without
   * stepping, so the resumed run still equals an uninterrupted one. Default: save at epoch ends only.
   */
  checkpointEverySteps?: number;
  /** Restore `checkpointDir` if it holds a checkpoint and continue where it stopped (the next epoch, or the next step of an epoch saved part-way). Default `false`. */
  resume?: boolean;
  /** Allow the first checkpoint to go into a non-empty directory that is not a checkpoint. Default `false`. */
  overwrite?: boolean;
  /** Hooks, one object or several (called in order). */
  callbacks?: TrainCallbacks | readonly TrainCallbacks[];
  /** Show progress (steps/s, loss, ETA) on `progressStream`: a bar redrawn in place on a TTY, otherwise a plain line once a minute. Default `true`. */
  progress?: boolean;
  /** Stream of the progress bar. Default `process.stderr`. */
  progressStream?: ProgressStream;
  /** Write the loss curve PNG here after every epoch (and with every checkpoint saved inside one). Default: none. */
  lossCurvePath?: string;
  /** Write every step's loss as CSV (`step,loss`) here, as often as the loss curve. Default: none. */
  lossLogPath?: string;
  /** Title of the loss-curve PNG. Default `'training loss'`. */
  lossCurveTitle?: string;
  /** Receives one plain line per epoch (and resume notices). Default: silent. */
  log?: (line: string) => void;
  /** Dispose the tensors found in each batch (arrays and plain objects are searched) after its step. Default `true`. */
  disposeBatch?: boolean;
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
