import * as tf from '@tensorflow/tfjs';
import { createRng } from '../random/rng.js';
import type { Checkpointable } from '../types.js';
import { assertInt } from '../validate.js';
import { disposeTensors, openIterator } from './batch-iteration.js';
import { ProgressBar } from './progress.js';
import { deriveSeed } from './seed.js';
import { freshRun, restoreRun, skipTrainedBatches, type TrainMeta } from './train-resume.js';
import type { EpochLogs, StepInfo, TrainCallbacks, TrainOptions, TrainResult } from './train-types.js';

export { disposeTensors } from './batch-iteration.js';
export type { EpochLogs, StepInfo, StepLogs, TrainBeginInfo, TrainCallbacks, TrainOptions, TrainResult } from './train-types.js';

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
    lossLogPath,
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
  const curve = lossCurvePath !== undefined || lossLogPath !== undefined ? await import('./loss-curve.js') : null;
  const started = performance.now();
  const writeCurve = async (): Promise<void> => {
    if (curve === null) return;
    const writes: [string | undefined, (file: string) => Promise<void>, string][] = [
      [lossCurvePath, (file) => curve.writeLossCurve(file, losses, lossCurveTitle), 'loss curve'],
      [lossLogPath, (file) => curve.writeLossCsv(file, losses), 'loss log'],
    ];
    for (const [file, write, what] of writes) {
      if (file === undefined) continue;
      try {
        await write(file);
      } catch (err) {
        log?.(`warning: could not write the ${what} to '${file}': ${(err as Error).message}`);
      }
    }
  };

  const start =
    resume && checkpointDir !== undefined && io !== null
      ? await restoreRun(io, checkpointDir, ckState, { seed, epochs, log })
      : freshRun();
  const { startEpoch, startStep, startSeconds, resumed, losses, epochLosses } = start;
  let { globalStep } = start;

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
        await skipTrainedBatches(iterator, skip, epoch, disposeBatch);
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
