import { CheckpointCorruptError } from '../errors.js';
import type { Checkpointable } from '../types.js';
import type { CheckpointStore } from './checkpoint-store.js';
import { type AnyIterator, disposeTensors } from './batch-iteration.js';

/** Checkpoint meta written by {@link train}. */
export interface TrainMeta {
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

/** Where a run continues: the state {@link restoreRun} read from a checkpoint (all zero/empty for a fresh run). */
export interface RunStart {
  /** First epoch to run (0-based) = epochs completed. */
  startEpoch: number;
  /** Steps of `startEpoch` already trained (a checkpoint saved inside the epoch), else 0. */
  startStep: number;
  /** Wall time already spent in that unfinished epoch. */
  startSeconds: number;
  globalStep: number;
  losses: number[];
  epochLosses: number[];
  resumed: boolean;
}

/** The start of a run without a checkpoint. */
export function freshRun(): RunStart {
  return { startEpoch: 0, startStep: 0, startSeconds: 0, globalStep: 0, losses: [], epochLosses: [], resumed: false };
}

/**
 * With `resume`, restores `state` from the checkpoint in `store` (if there is one) and says where the run
 * continues; otherwise, or without a checkpoint yet, a fresh start. A checkpoint that is present but corrupt
 * is an error from `store.load` (a `CheckpointCorruptError` naming the file), never a fresh start. Refuses a checkpoint whose meta was
 * not written by `train()` or whose `stepInEpoch` is impossible.
 */
export async function restoreRun(
  store: CheckpointStore,
  state: Checkpointable,
  { seed, epochs, log }: { seed: number; epochs: number; log?: (line: string) => void },
): Promise<RunStart> {
  const dir = store.location;
  if (!(await store.exists())) {
    log?.(`no checkpoint in '${dir}' yet: starting from scratch`);
    return freshRun();
  }
  const meta = await store.load<TrainMeta>(state);
  if (meta.kind !== 'train' || !Number.isInteger(meta.epoch) || !Array.isArray(meta.losses)) {
    throw new Error(`checkpoint '${dir}' was not written by train() (its meta has no epoch/losses)`);
  }
  const isNumbers = (a: unknown): a is number[] => Array.isArray(a) && a.every((x) => typeof x === 'number');
  if (
    meta.epoch < 0 ||
    !isNumbers(meta.losses) ||
    !isNumbers(meta.epochLosses) ||
    !Number.isInteger(meta.globalStep) ||
    meta.globalStep < 0
  ) {
    throw new CheckpointCorruptError(dir, 'its train() meta is invalid (epoch, globalStep, losses or epochLosses)');
  }
  if (meta.seed !== seed) log?.(`warning: resuming a run trained with seed ${meta.seed} using seed ${seed}`);
  const startStep = meta.stepInEpoch ?? 0;
  if (!Number.isInteger(startStep) || startStep < 0 || startStep > meta.losses.length) {
    throw new Error(`checkpoint '${dir}' has an invalid stepInEpoch ${String(meta.stepInEpoch)}`);
  }
  const start: RunStart = {
    startEpoch: meta.epoch,
    startStep,
    startSeconds: meta.epochSeconds ?? 0,
    globalStep: meta.globalStep,
    losses: [...meta.losses],
    epochLosses: [...meta.epochLosses],
    resumed: true,
  };
  log?.(
    startStep > 0
      ? `resumed from '${dir}' at step ${startStep} of epoch ${start.startEpoch + 1}/${epochs} (global step ${start.globalStep})`
      : `resumed from '${dir}' after epoch ${start.startEpoch}/${epochs} (step ${start.globalStep})`,
  );
  return start;
}

/**
 * Draws the first `skip` batches of a resumed epoch without stepping (they were trained before the
 * checkpoint), disposing their tensors when `dispose`; throws if the epoch now yields fewer.
 */
export async function skipTrainedBatches<B>(iterator: AnyIterator<B>, skip: number, epoch: number, dispose: boolean): Promise<void> {
  for (let i = 0; i < skip; i++) {
    const next = await iterator.next();
    if (next.done === true) {
      throw new Error(`train: the checkpoint is at step ${skip} of epoch ${epoch + 1}, but batches(${epoch}) yielded only ${i} batches`);
    }
    if (dispose) disposeTensors(next.value);
  }
}
