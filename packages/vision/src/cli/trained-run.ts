import { runPaths, UsageError } from '@contrastive/core/cli';
import { loadCheckpoint } from '@contrastive/core/node';
import type { VisionMethod } from '../methods/common.js';
import { buildRun, type RunConfig } from './run-config.js';

/** What a run's latest checkpoint says about the training so far. */
export interface CheckpointProgress {
  /** Epochs completed. */
  epochs: number;
  /** Optimizer steps done. */
  steps: number;
  /** Mean loss of the last completed epoch, or `null`. */
  finalLoss: number | null;
}

/**
 * The run of `--checkpoint DIR` rebuilt from its run.json (`cfg`) with the weights of its latest checkpoint
 * (saved at every epoch end and every `--checkpoint-every` steps, so a run still training can be used).
 * A missing or unreadable checkpoint is a {@link UsageError} naming the folder. The caller disposes `method`.
 */
export async function loadTrainedRun(dir: string, cfg: RunConfig): Promise<{ method: VisionMethod; progress: CheckpointProgress }> {
  const method = buildRun(cfg);
  try {
    const meta = await loadCheckpoint<{ epoch?: number; globalStep?: number; epochLosses?: number[] }>(runPaths(dir).checkpoint, method);
    const last = meta.epochLosses?.at(-1);
    return {
      method,
      progress: { epochs: meta.epoch ?? 0, steps: meta.globalStep ?? 0, finalLoss: typeof last === 'number' ? last : null },
    };
  } catch (e) {
    method.dispose();
    throw new UsageError(`--checkpoint ${dir}: ${(e as Error).message}`);
  }
}
