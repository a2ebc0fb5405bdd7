import { train as trainLoop } from '../train/train.js';
import type { TrainOptions, TrainResult } from '../train/train-types.js';
import { writeLossCsv, writeLossCurve } from '../train/loss-curve.js';
import { fileCheckpointStore } from './file-checkpoint-store.js';
import type { ReplicaSpec } from './parallel/replica.js';
import { WorkerGroup } from './parallel/worker-group.js';

/** {@link train}'s options plus the files a Node run writes. */
export interface NodeTrainOptions<B> extends TrainOptions<B> {
  /** Folder of the checkpoint (`checkpoint.json` + weights), instead of a `checkpoint` store. Default: none. */
  checkpointDir?: string;
  /** Allow the first checkpoint to go into a non-empty folder that is not a checkpoint. Default `false`. */
  overwrite?: boolean;
  /** Write the loss curve PNG here after every epoch (and with every checkpoint saved inside one). Default: none. */
  lossCurvePath?: string;
  /** Write every step's loss as CSV (`step,loss`) here, as often as the loss curve. Default: none. */
  lossLogPath?: string;
  /** Title of the loss-curve PNG. Default `'training loss'`. */
  lossCurveTitle?: string;
  /**
   * Train data-parallel on this many replicas — this thread and `workers − 1` worker threads, each with its
   * own tfjs backend — so a step uses that many cores. `1` (the default) trains in this thread alone.
   * Needs `replica` (how a worker builds the method). Each step's batch goes to every replica; the rows a
   * method computes with `parallelRows` / `parallelParts` (every package's encoder forward) are split across
   * them and gathered with their gradients, the gradients are averaged, so the loss and the updates equal a
   * single process's — except batch-norm statistics, which are per worker shard unless `syncBatchNorm`.
   * Checkpoints (of this thread's replica), resume and callbacks are unchanged.
   */
  workers?: number;
  /** How each worker thread builds its replica of `method` (with `workers` ≥ 2). */
  replica?: ReplicaSpec;
  /** With `workers` ≥ 2: batch-norm statistics over the whole batch (PyTorch's SyncBatchNorm). Default `false`. */
  syncBatchNorm?: boolean;
}

/**
 * Core's `train()` with file outputs: `checkpointDir` becomes a {@link fileCheckpointStore}, and the loss
 * history is written as `lossLogPath` (CSV) and `lossCurvePath` (PNG), atomically, after every epoch.
 *
 * @example
 * await train({ method, batches, epochs: 10, checkpointDir: 'runs/a/checkpoint', resume: true,
 *   lossCurvePath: 'runs/a/loss-curve.png', lossLogPath: 'runs/a/losses.csv' });
 */
export async function train<B>(options: NodeTrainOptions<B>): Promise<TrainResult> {
  const {
    checkpointDir,
    overwrite,
    lossCurvePath,
    lossLogPath,
    lossCurveTitle = 'training loss',
    workers = 1,
    replica,
    syncBatchNorm,
    ...rest
  } = options ?? ({} as NodeTrainOptions<B>);
  if (!Number.isInteger(workers) || workers < 1) throw new RangeError(`train: workers must be an integer >= 1, got ${String(workers)}`);
  if (workers > 1 && rest.parallel !== undefined) throw new TypeError('train: give either workers or parallel, not both');
  if (workers > 1 && replica === undefined)
    throw new TypeError('train: workers > 1 needs replica: { module, export, args } (how each worker thread builds the method)');
  if (checkpointDir !== undefined && rest.checkpoint !== undefined)
    throw new TypeError('train: give either checkpointDir or checkpoint, not both');
  const checkpoint = checkpointDir !== undefined ? fileCheckpointStore(checkpointDir, { overwrite }) : rest.checkpoint;
  const writers: ((losses: readonly number[]) => Promise<void>)[] = [];
  if (lossCurvePath !== undefined)
    writers.push((l) => writeLossCurve(lossCurvePath, l, lossCurveTitle).catch(warn('loss curve', lossCurvePath)));
  if (lossLogPath !== undefined) writers.push((l) => writeLossCsv(lossLogPath, l).catch(warn('loss log', lossLogPath)));
  const user = rest.onLossHistory;
  const onLossHistory =
    writers.length === 0 && user === undefined
      ? undefined
      : async (losses: readonly number[]) => {
          for (const w of writers) await w(losses);
          await user?.(losses);
        };
  function warn(what: string, file: string) {
    return (err: unknown) => rest.log?.(`warning: could not write the ${what} to '${file}': ${(err as Error).message}`);
  }
  const loopOptions = {
    ...rest,
    ...(checkpoint === undefined ? {} : { checkpoint }),
    ...(onLossHistory === undefined ? {} : { onLossHistory }),
  };
  if (workers === 1) return trainLoop(loopOptions);
  const group = await WorkerGroup.start({ workers, replica: replica!, ...(syncBatchNorm === undefined ? {} : { syncBatchNorm }) });
  try {
    return await trainLoop({ ...loopOptions, parallel: group });
  } finally {
    await group.close();
  }
}
