import { train as trainLoop } from '../train/train.js';
import type { TrainOptions, TrainResult } from '../train/train-types.js';
import { writeLossCsv, writeLossCurve } from '../train/loss-curve.js';
import { fileCheckpointStore } from './file-checkpoint-store.js';

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
    ...rest
  } = options ?? ({} as NodeTrainOptions<B>);
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
  return trainLoop({
    ...rest,
    ...(checkpoint === undefined ? {} : { checkpoint }),
    ...(onLossHistory === undefined ? {} : { onLossHistory }),
  });
}
