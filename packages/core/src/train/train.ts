import * as tf from '@tensorflow/tfjs';
import { NonFiniteStateError, TrainingDivergedError } from '../errors.js';
import { isLossWithLogs, type StepOutput } from '../method/method.js';
import { createRng } from '../random/rng.js';
import type { Checkpointable } from '../types.js';
import { assertInt } from '../validate.js';
import { disposeTensors, openIterator } from './batch-iteration.js';
import { ProgressBar } from './progress.js';
import { deriveSeed } from './seed.js';
import { freshRun, restoreRun, skipTrainedBatches, type TrainMeta } from './train-resume.js';
import type { EpochLogs, StepInfo, TrainCallbacks, TrainOptions, TrainResult } from './train-types.js';

export type { CheckpointStore } from './checkpoint-store.js';

export { disposeTensors } from './batch-iteration.js';
export type { EpochLogs, StepLogs, TrainBeginInfo, TrainCallbacks, TrainOptions, TrainResult } from './train-types.js';

const EMPTY_STATE: Checkpointable = { stateTensors: () => ({}), optimizers: () => ({}) };

/**
 * The training loop of every method: seeded per-epoch/per-step randomness, a terminal progress bar,
 * async callbacks, per-epoch (optionally per-N-steps) checkpoints of every variable and optimizer slot
 * into an injected {@link CheckpointStore} (resumable with `resume: true` so that an interrupted run ends
 * exactly like an uninterrupted one on the same backend), and the loss history for a curve. The loop
 * itself never calls `dataSync()`: it reads each loss (and each step log) with `await data()` after the
 * step, then frees them and the batch. It imports no file system: in Node, `train` from
 * `@contrastive/core/node` adds `checkpointDir`, `lossCurvePath` and `lossLogPath`.
 *
 * **Divergence stops the run.** A step whose loss is NaN or ±Infinity throws a {@link TrainingDivergedError}
 * (its `step`, `epoch`, `globalStep` and `value`, and a message naming the likely causes) right after that
 * step: no checkpoint is saved after it, so the last good one stays byte-identical, while the loss history
 * (with the non-finite value) is still passed to `onLossHistory` for diagnosis. A checkpoint save that finds
 * the weights or optimizer slots non-finite although the loss was finite (e.g. a ReLU mapping NaN to 0) writes
 * nothing and throws a `TrainingDivergedError` too (with `variables` set). A non-finite *step log* (a
 * monitoring value such as an accuracy) does not stop the run: it is reported once per name via `log`.
 *
 * @example
 * const { losses } = await train({
 *   method: new SimCLR({ encoder }), epochs: 10, seed: 1,
 *   batches: (epoch, rng) => loader.epoch(rng),
 *   log: console.log,
 * });
 */
export async function train<B>(options: TrainOptions<B>): Promise<TrainResult> {
  const {
    method,
    batches,
    epochs,
    stepsPerEpoch,
    seed = 0,
    checkpoint,
    checkpointEvery = 1,
    checkpointEverySteps,
    resume = false,
    progress = true,
    progressStream = typeof process === 'undefined' ? { write: () => undefined } : process.stderr,
    onLossHistory,
    log,
    disposeBatch = true,
    parallel,
  } = options ?? ({} as TrainOptions<B>);
  if (method !== undefined && options.step !== undefined) throw new TypeError('train: give either method or step, not both');
  if (method !== undefined && (method === null || typeof method.step !== 'function')) {
    throw new TypeError('train: method must implement Method (step(batch, info), stateTensors(), optimizers(), dispose())');
  }
  if (parallel !== undefined && method === undefined)
    throw new TypeError('train: data-parallel training (parallel / workers) needs a method, not a bare step function');
  const step = method !== undefined ? (batch: B, info: StepInfo) => method.step(batch, info) : options.step;
  if (typeof step !== 'function')
    throw new TypeError('train: step must be a function (batch, info) => tf.Scalar | { loss, logs }, or pass method');
  if (typeof batches !== 'function') throw new TypeError('train: batches must be a function (epoch, rng) => Iterable | AsyncIterable');
  assertInt(epochs, 'epochs', 1);
  if (stepsPerEpoch !== undefined) assertInt(stepsPerEpoch, 'stepsPerEpoch', 1);
  assertInt(checkpointEvery, 'checkpointEvery', 1);
  if (checkpointEverySteps !== undefined) assertInt(checkpointEverySteps, 'checkpointEverySteps', 1);
  if (!Number.isFinite(seed)) throw new RangeError(`seed must be a finite number, got ${String(seed)}`);
  if (resume && checkpoint === undefined) throw new TypeError('train: resume: true needs a checkpoint store (checkpointDir in Node)');
  const callbacks: readonly TrainCallbacks[] =
    options.callbacks === undefined ? [] : Array.isArray(options.callbacks) ? options.callbacks : [options.callbacks as TrainCallbacks];
  const ckState = options.state ?? method ?? EMPTY_STATE;
  const started = performance.now();
  const writeCurve = async (): Promise<void> => {
    if (onLossHistory === undefined) return;
    try {
      await onLossHistory(losses);
    } catch (err) {
      log?.(`warning: could not write the loss history: ${(err as Error).message}`);
    }
  };

  const start = resume && checkpoint !== undefined ? await restoreRun(checkpoint, ckState, { seed, epochs, log }) : freshRun();
  const { startEpoch, startStep, startSeconds, resumed, losses, epochLosses } = start;
  let { globalStep } = start;
  // The global step of the last checkpoint in `checkpoint` (for the divergence message).
  let lastSavedStep: number | undefined = start.resumed ? start.globalStep : undefined;
  const reportedLogs = new Set<string>();
  /** Saves a checkpoint; weights found non-finite there mean the run diverged after `at` (nothing was written). */
  const save = async (meta: TrainMeta, at: { epoch: number; step: number; globalStep: number }, loss: number): Promise<void> => {
    try {
      await checkpoint!.save(ckState, meta);
    } catch (err) {
      if (!(err instanceof NonFiniteStateError)) throw err;
      throw new TrainingDivergedError(at, loss, {
        variables: err.variables,
        checkpoint: checkpoint!.location,
        ...(lastSavedStep === undefined ? {} : { lastSavedStep }),
        cause: err,
      });
    }
    lastSavedStep = globalStep;
  };

  // Replicas start from this thread's method (fresh or just restored from the checkpoint). Only the method's
  // own state is copied: extra checkpointed `state` (a command's score history) stays with this thread.
  await parallel?.sync(method!);
  for (const cb of callbacks) await cb.onTrainBegin?.({ epochs, startEpoch, startStep, globalStep, resumed });
  const bar = progress ? new ProgressBar(progressStream) : null;
  let knownStepsPerEpoch = stepsPerEpoch;
  const logSums = new Map<string, { sum: number; count: number }>();
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
      logSums.clear();
      try {
        await skipTrainedBatches(iterator, skip, epoch, disposeBatch);
        while (stepsPerEpoch === undefined || count < stepsPerEpoch) {
          const next = await iterator.next();
          if (next.done === true) break;
          const batch = next.value;
          const rngSeed = deriveSeed(seed, epoch, count);
          const where = {
            epoch,
            step: count,
            globalStep,
            // Only from stepsPerEpoch: a total learnt after the first epoch would differ between a resumed run and an uninterrupted one.
            totalSteps: stepsPerEpoch === undefined ? undefined : stepsPerEpoch * epochs,
          };
          const info: StepInfo = { ...where, rng: createRng(rngSeed) };
          let output: StepOutput;
          try {
            output = tf.tidy(
              () =>
                (parallel === undefined
                  ? step(batch, info)
                  : parallel.step(batch, where, rngSeed, () => step(batch, info))) as tf.TensorContainer,
            ) as StepOutput;
          } finally {
            if (disposeBatch) disposeTensors(batch);
          }
          const { value, logs } = await readStepOutput(output);
          if (!Number.isFinite(value)) {
            // Stop before any callback or checkpoint sees the diverged state; keep the history for diagnosis.
            losses.push(value);
            await writeCurve();
            throw new TrainingDivergedError({ epoch, step: count, globalStep }, value, {
              ...(checkpoint === undefined ? {} : { checkpoint: checkpoint.location }),
              ...(lastSavedStep === undefined ? {} : { lastSavedStep }),
            });
          }
          for (const [k, v] of Object.entries(logs ?? {})) {
            if (!Number.isFinite(v) && !reportedLogs.has(k)) {
              reportedLogs.add(k);
              log?.(
                `warning: step log '${k}' is ${String(v)} at step ${count + 1} of epoch ${epoch + 1} (global step ${globalStep + 1}); ` +
                  'training continues (only a non-finite loss stops it); reported once per log',
              );
            }
            const acc = logSums.get(k) ?? { sum: 0, count: 0 };
            acc.sum += v;
            acc.count++;
            logSums.set(k, acc);
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
              knownStepsPerEpoch === undefined
                ? undefined
                : Math.max(0, knownStepsPerEpoch - count) + (epochs - epoch - 1) * knownStepsPerEpoch;
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
          for (const cb of callbacks) {
            await cb.onStepEnd?.(globalStep - 1, {
              loss: value,
              epoch,
              step: count - 1,
              globalStep: globalStep - 1,
              ...(logs ? { logs } : {}),
            });
          }
          if (
            checkpoint !== undefined &&
            checkpointEverySteps !== undefined &&
            count % checkpointEverySteps === 0 &&
            count !== stepsPerEpoch // the epoch-end checkpoint follows
          ) {
            const epochSeconds = priorSeconds + (performance.now() - epochStart) / 1000;
            const meta: TrainMeta = { kind: 'train', epoch, stepInEpoch: count, epochSeconds, globalStep, losses, epochLosses, seed };
            await save(meta, { epoch, step: count - 1, globalStep: globalStep - 1 }, value);
            await writeCurve();
          }
        }
      } finally {
        await iterator.return?.();
      }
      knownStepsPerEpoch ??= count;
      await parallel?.verify(method!);
      const seconds = priorSeconds + (performance.now() - epochStart) / 1000;
      const epochLoss = count > 0 ? sum / count : Number.NaN;
      epochLosses.push(epochLoss);
      bar?.newline();
      const logs: EpochLogs = { loss: epochLoss, epoch, steps: count, globalStep, seconds };
      for (const [k, { sum: s, count: n }] of logSums) if (!(k in logs)) logs[k] = s / n;
      for (const cb of callbacks) await cb.onEpochEnd?.(epoch, logs);
      log?.(`epoch ${epoch + 1}/${epochs}  loss ${epochLoss.toFixed(4)}  steps ${count}  ${seconds.toFixed(1)}s${extraMetrics(logs)}`);
      if (checkpoint !== undefined && ((epoch + 1) % checkpointEvery === 0 || epoch === epochs - 1)) {
        const meta: TrainMeta = {
          kind: 'train',
          epoch: epoch + 1,
          stepInEpoch: 0,
          globalStep,
          losses,
          epochLosses,
          seed,
          epochLogs: jsonSafe(logs),
        };
        await save(meta, { epoch, step: Math.max(count - 1, 0), globalStep: Math.max(globalStep - 1, 0) }, losses.at(-1) ?? Number.NaN);
      }
      await writeCurve();
      // What the callbacks changed on this thread (an epoch-level schedule or distribution) reaches the replicas;
      // after the checkpoint, whose non-finite check reports a diverged state as such.
      if (parallel !== undefined && epoch < epochs - 1) await parallel.sync(method!);
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

/**
 * Reads a step's output after the step: the loss value and its logs (scalars read with `await data()`),
 * then disposes every tensor in it. Throws naming what a step must return.
 */
async function readStepOutput(output: StepOutput): Promise<{ value: number; logs: Record<string, number> | undefined }> {
  const tensors: tf.Tensor[] = [];
  try {
    const withLogs = isLossWithLogs(output);
    const loss = withLogs ? output.loss : output;
    if (withLogs && output.logs !== undefined) {
      for (const v of Object.values(output.logs)) if (v instanceof tf.Tensor) tensors.push(v);
    }
    if (loss instanceof tf.Tensor) tensors.push(loss);
    if (!(loss instanceof tf.Tensor) || loss.size !== 1) {
      throw new TypeError(
        `train: step must return a scalar tf.Tensor (the loss), got ${loss instanceof tf.Tensor ? `shape [${loss.shape.join(', ')}]` : typeof loss} (or return { loss, logs })`,
      );
    }
    const value = (await loss.data())[0]!;
    if (!withLogs || output.logs === undefined) return { value, logs: undefined };
    const logs: Record<string, number> = {};
    for (const [k, v] of Object.entries(output.logs)) {
      if (typeof v === 'number') logs[k] = v;
      else if (v instanceof tf.Tensor && v.size === 1) logs[k] = (await v.data())[0]!;
      else throw new TypeError(`train: step log '${k}' must be a number or a scalar tf.Tensor`);
    }
    return { value, logs };
  } finally {
    for (const t of tensors) if (!t.isDisposed) t.dispose();
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
