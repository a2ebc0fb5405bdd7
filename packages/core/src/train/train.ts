import * as tf from '@tensorflow/tfjs';
import { createRng, type Rng } from '../random/rng.js';
import type { Checkpointable } from '../types.js';
import { assertInt } from '../validate.js';
import { ProgressBar, type ProgressStream } from './progress.js';
import { deriveSeed } from './seed.js';

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

/** Checkpoint meta written by {@link train}. */
interface TrainMeta {
  kind: 'train';
  epoch: number; // epochs completed
  /** Steps done in epoch `epoch` (0-based) when saved inside it; 0 or absent at an epoch end. */
  stepInEpoch?: number;
  /** Wall time already spent in that unfinished epoch. */
  epochSeconds?: number;
  globalStep: number;
  losses: number[];
  epochLosses: number[];
  seed: number;
  epochLogs?: Record<string, unknown>;
  [key: string]: unknown;
}

const EMPTY_STATE: Checkpointable = { stateTensors: () => ({}), optimizers: () => ({}) };

/**
 * A small training loop for contrastive methods: seeded per-epoch/per-step randomness, a terminal
 * progress bar, async callbacks, per-epoch (optionally per-N-steps) checkpoints of every variable and optimizer slot (resumable
 * with `resume: true` so that an interrupted run ends exactly like an uninterrupted one on the same
 * backend), and a loss-curve PNG. The loop itself never calls `dataSync()`: it reads each loss with
 * `await loss.data()` after the step, then frees the loss and the batch.
 *
 * @example
 * const { losses } = await train({
 *   epochs: 10, seed: 1, state: method, checkpointDir: 'runs/simclr', resume: true,
 *   batches: (epoch, rng) => loader.epoch(rng),
 *   step: (batch, { rng }) => method.trainStep(batch, rng),
 *   lossCurvePath: 'runs/simclr/loss.png', log: console.log,
 * });
 */
export async function train<B>(options: TrainOptions<B>): Promise<TrainResult> {
  const {
    step,
    batches,
    epochs,
    stepsPerEpoch,
    seed = 0,
    state,
    checkpointDir,
    checkpointEvery = 1,
    checkpointEverySteps,
    resume = false,
    overwrite = false,
    progress = true,
    progressStream = typeof process === 'undefined' ? { write: () => undefined } : process.stderr,
    lossCurvePath,
    lossCurveTitle = 'training loss',
    log,
    disposeBatch = true,
  } = options ?? ({} as TrainOptions<B>);
  if (typeof step !== 'function') throw new TypeError('train: step must be a function (batch, info) => tf.Scalar');
  if (typeof batches !== 'function') throw new TypeError('train: batches must be a function (epoch, rng) => Iterable | AsyncIterable');
  assertInt(epochs, 'epochs', 1);
  if (stepsPerEpoch !== undefined) assertInt(stepsPerEpoch, 'stepsPerEpoch', 1);
  assertInt(checkpointEvery, 'checkpointEvery', 1);
  if (checkpointEverySteps !== undefined) assertInt(checkpointEverySteps, 'checkpointEverySteps', 1);
  if (!Number.isFinite(seed)) throw new RangeError(`seed must be a finite number, got ${String(seed)}`);
  if (resume && checkpointDir === undefined) throw new TypeError('train: resume: true needs checkpointDir');
  const callbacks: readonly TrainCallbacks[] =
    options.callbacks === undefined ? [] : Array.isArray(options.callbacks) ? options.callbacks : [options.callbacks as TrainCallbacks];
  const ckState = state ?? EMPTY_STATE;
  // File I/O (node:fs) is loaded only when a run asks for it, so the loop itself also runs in a browser.
  const io = checkpointDir !== undefined ? await import('../io/checkpoint.js') : null;
  const curve = lossCurvePath !== undefined ? await import('./loss-curve.js') : null;
  const started = performance.now();
  const writeCurve = async (): Promise<void> => {
    if (lossCurvePath === undefined || curve === null) return;
    try {
      await curve.writeLossCurve(lossCurvePath, losses, lossCurveTitle);
    } catch (err) {
      log?.(`warning: could not write the loss curve to '${lossCurvePath}': ${(err as Error).message}`);
    }
  };

  let startEpoch = 0;
  let startStep = 0;
  let startSeconds = 0;
  let globalStep = 0;
  let losses: number[] = [];
  let epochLosses: number[] = [];
  let resumed = false;
  if (resume && checkpointDir !== undefined && io !== null) {
    if (await io.isCheckpointDir(checkpointDir)) {
      const meta = await io.loadCheckpoint<TrainMeta>(checkpointDir, ckState);
      if (meta.kind !== 'train' || !Number.isInteger(meta.epoch) || !Array.isArray(meta.losses)) {
        throw new Error(`checkpoint '${checkpointDir}' was not written by train() (its meta has no epoch/losses)`);
      }
      if (meta.seed !== seed) log?.(`warning: resuming a run trained with seed ${meta.seed} using seed ${seed}`);
      startEpoch = meta.epoch;
      startStep = meta.stepInEpoch ?? 0;
      startSeconds = meta.epochSeconds ?? 0;
      globalStep = meta.globalStep;
      losses = [...meta.losses];
      epochLosses = [...meta.epochLosses];
      resumed = true;
      if (!Number.isInteger(startStep) || startStep < 0 || startStep > losses.length) {
        throw new Error(`checkpoint '${checkpointDir}' has an invalid stepInEpoch ${String(meta.stepInEpoch)}`);
      }
      log?.(
        startStep > 0
          ? `resumed from '${checkpointDir}' at step ${startStep} of epoch ${startEpoch + 1}/${epochs} (global step ${globalStep})`
          : `resumed from '${checkpointDir}' after epoch ${startEpoch}/${epochs} (step ${globalStep})`,
      );
    } else {
      log?.(`no checkpoint in '${checkpointDir}' yet: starting from scratch`);
    }
  }

  for (const cb of callbacks) await cb.onTrainBegin?.({ epochs, startEpoch, startStep, globalStep, resumed });
  const bar = progress ? new ProgressBar(progressStream) : null;
  let knownStepsPerEpoch = stepsPerEpoch;
  let runSteps = 0; // steps done in this call (for steps/s)
  let runSeconds = 0;

  try {
    for (let epoch = startEpoch; epoch < epochs; epoch++) {
      const epochStart = performance.now();
      const epochRng = createRng(deriveSeed(seed, epoch));
      const iterator = openIterator(batches(epoch, epochRng));
      // Inside an epoch saved part-way, its first `skip` steps are already trained (their losses restored).
      const skip = epoch === startEpoch ? startStep : 0;
      const priorSeconds = epoch === startEpoch ? startSeconds : 0;
      let sum = losses.slice(losses.length - skip).reduce((a, b) => a + b, 0);
      let count = skip;
      try {
        for (let i = 0; i < skip; i++) {
          const next = await iterator.next();
          if (next.done === true) {
            throw new Error(`train: the checkpoint is at step ${skip} of epoch ${epoch + 1}, but batches(${epoch}) yielded only ${i} batches`);
          }
          if (disposeBatch) disposeTensors(next.value);
        }
        while (stepsPerEpoch === undefined || count < stepsPerEpoch) {
          const next = await iterator.next();
          if (next.done === true) break;
          const batch = next.value;
          const info: StepInfo = { epoch, step: count, globalStep, rng: createRng(deriveSeed(seed, epoch, count)) };
          let loss: tf.Tensor;
          try {
            loss = tf.tidy(() => step(batch, info));
          } finally {
            if (disposeBatch) disposeTensors(batch);
          }
          let value: number;
          try {
            if (!(loss instanceof tf.Tensor) || loss.size !== 1) {
              throw new TypeError(`train: step must return a scalar tf.Tensor (the loss), got ${loss instanceof tf.Tensor ? `shape [${loss.shape.join(', ')}]` : typeof loss}`);
            }
            value = (await loss.data())[0]!;
          } finally {
            if (loss instanceof tf.Tensor) loss.dispose();
          }
          losses.push(value);
          sum += value;
          count++;
          globalStep++;
          runSteps++;
          if (bar !== null) {
            runSeconds = (performance.now() - started) / 1000;
            const rate = runSteps / Math.max(runSeconds, 1e-9);
            const remaining =
              knownStepsPerEpoch === undefined ? undefined : Math.max(0, knownStepsPerEpoch - count) + (epochs - epoch - 1) * knownStepsPerEpoch;
            bar.update({
              epoch,
              epochs,
              step: count,
              stepsPerEpoch: knownStepsPerEpoch,
              loss: value,
              stepsPerSecond: rate,
              etaSeconds: remaining === undefined ? undefined : remaining / rate,
            });
          }
          for (const cb of callbacks) await cb.onStepEnd?.(globalStep - 1, { loss: value, epoch, step: count - 1, globalStep: globalStep - 1 });
          if (
            checkpointDir !== undefined &&
            io !== null &&
            checkpointEverySteps !== undefined &&
            count % checkpointEverySteps === 0 &&
            count !== stepsPerEpoch // the epoch-end checkpoint follows
          ) {
            const epochSeconds = priorSeconds + (performance.now() - epochStart) / 1000;
            const meta: TrainMeta = { kind: 'train', epoch, stepInEpoch: count, epochSeconds, globalStep, losses, epochLosses, seed };
            await io.saveCheckpoint(checkpointDir, ckState, meta, { overwrite });
            await writeCurve();
          }
        }
      } finally {
        await iterator.return?.();
      }
      knownStepsPerEpoch ??= count;
      const seconds = priorSeconds + (performance.now() - epochStart) / 1000;
      const epochLoss = count > 0 ? sum / count : Number.NaN;
      epochLosses.push(epochLoss);
      bar?.newline();
      const logs: EpochLogs = { loss: epochLoss, epoch, steps: count, globalStep, seconds };
      for (const cb of callbacks) await cb.onEpochEnd?.(epoch, logs);
      log?.(`epoch ${epoch + 1}/${epochs}  loss ${epochLoss.toFixed(4)}  steps ${count}  ${seconds.toFixed(1)}s${extraMetrics(logs)}`);
      if (checkpointDir !== undefined && io !== null && ((epoch + 1) % checkpointEvery === 0 || epoch === epochs - 1)) {
        const meta: TrainMeta = { kind: 'train', epoch: epoch + 1, stepInEpoch: 0, globalStep, losses, epochLosses, seed, epochLogs: jsonSafe(logs) };
        await io.saveCheckpoint(checkpointDir, ckState, meta, { overwrite });
      }
      await writeCurve();
    }
  } finally {
    bar?.newline();
  }

  const result: TrainResult = {
    losses,
    epochLosses,
    seconds: (performance.now() - started) / 1000,
    globalStep,
    epochs: Math.max(startEpoch, epochs),
  };
  for (const cb of callbacks) await cb.onTrainEnd?.(result);
  return result;
}

type AnyIterator<B> = {
  next(): IteratorResult<B> | Promise<IteratorResult<B>>;
  return?(): unknown;
};

function openIterator<B>(source: Iterable<B> | AsyncIterable<B>): AnyIterator<B> {
  if (source != null && typeof (source as AsyncIterable<B>)[Symbol.asyncIterator] === 'function') {
    return (source as AsyncIterable<B>)[Symbol.asyncIterator]();
  }
  if (source != null && typeof (source as Iterable<B>)[Symbol.iterator] === 'function') {
    return (source as Iterable<B>)[Symbol.iterator]();
  }
  throw new TypeError('train: batches(epoch) must return an Iterable or AsyncIterable');
}

/**
 * Disposes the tensors in a batch: a tensor, or tensors nested in arrays and plain objects. Typed
 * arrays and class instances are not searched (a large Float32Array would be slow to walk and holds
 * no tensors).
 */
export function disposeTensors(batch: unknown, seen = new Set<unknown>()): void {
  if (batch === null || typeof batch !== 'object' || seen.has(batch)) return;
  seen.add(batch);
  if (batch instanceof tf.Tensor) {
    if (!batch.isDisposed) batch.dispose();
    return;
  }
  if (ArrayBuffer.isView(batch)) return;
  if (Array.isArray(batch)) {
    for (const item of batch) disposeTensors(item, seen);
    return;
  }
  const proto = Object.getPrototypeOf(batch) as unknown;
  if (proto === Object.prototype || proto === null) {
    for (const value of Object.values(batch)) disposeTensors(value, seen);
  }
}

const BASE_LOG_KEYS = new Set(['loss', 'epoch', 'steps', 'globalStep', 'seconds']);

/** Numeric metrics callbacks added to the epoch logs (e.g. a kNN monitor's accuracy), for the log line. */
function extraMetrics(logs: EpochLogs): string {
  return Object.entries(logs)
    .filter(([k, v]) => !BASE_LOG_KEYS.has(k) && typeof v === 'number')
    .map(([k, v]) => `  ${k} ${Number.isInteger(v) ? String(v) : (v as number).toFixed(4)}`)
    .join('');
}

/** Keeps the JSON-serialisable fields (numbers, strings, booleans, arrays of them) of epoch logs. */
function jsonSafe(logs: EpochLogs): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(logs)) {
    if (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') out[k] = v;
    else if (Array.isArray(v) && v.every((x) => typeof x === 'number' || typeof x === 'string')) out[k] = v;
  }
  return out;
}
