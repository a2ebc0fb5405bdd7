import { COMMON_FLAGS, requiredFlag, type FlagSpec, type FlagValues } from '@contrastive/core/cli';
import { readVisionRun, type RunConfig } from './run-config.js';

/**
 * Flags of the commands that read a finished (or running) run instead of training one (`eval`, `embed`):
 * the run folder, the images, and core's shared `--limit --backend --json --no-progress --help`.
 */
export const RUN_READER_FLAGS = {
  checkpoint: { type: 'string' },
  data: { type: 'string' },
  limit: COMMON_FLAGS.limit,
  backend: COMMON_FLAGS.backend,
  json: COMMON_FLAGS.json,
  'no-progress': COMMON_FLAGS['no-progress'],
  help: COMMON_FLAGS.help,
} as const satisfies FlagSpec;

/** `--checkpoint DIR` (the run folder) read into its run.json config, and `--data`: where eval and embed start. */
export async function readRunFlags(values: FlagValues): Promise<{ dir: string; cfg: RunConfig; dataPath: string }> {
  const dir = requiredFlag(values, 'checkpoint', 'a run folder written by train --out');
  const { config: cfg } = await readVisionRun(dir, 'checkpoint');
  return { dir, cfg, dataPath: requiredFlag(values, 'data') };
}
