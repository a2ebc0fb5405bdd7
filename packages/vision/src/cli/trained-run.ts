import { join } from 'node:path';
import { loadCheckpoint } from '@contrastive/core';
import type { VisionMethod } from '../methods/common.js';
import { UsageError } from './args.js';
import { buildRun, type RunConfig } from './build.js';

/**
 * The run of `--checkpoint DIR` rebuilt from its run.json (`cfg`) with the weights of its latest checkpoint
 * (saved at every epoch end and every `--checkpoint-every` steps, so a run still training can be used).
 * A missing or unreadable checkpoint is a {@link UsageError} naming the folder. The caller disposes it.
 */
export async function loadTrainedRun(dir: string, cfg: RunConfig): Promise<VisionMethod> {
  const m = buildRun(cfg);
  try {
    await loadCheckpoint(join(dir, 'checkpoint'), m);
    return m;
  } catch (e) {
    m.dispose();
    throw new UsageError(`--checkpoint ${dir}: ${(e as Error).message}`);
  }
}
