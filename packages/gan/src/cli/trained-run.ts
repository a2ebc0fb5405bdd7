/** A `contrastive-gan train` run read back from its folder: run.json's settings and the latest checkpoint. */
import type * as tf from '@tensorflow/tfjs';
import type { RunRecord, RunSettings } from '@contrastive/core/cli';
import { readRunConfig, runPaths, UsageError } from '@contrastive/core/cli';
import { loadCheckpoint } from '@contrastive/core/node';
import { buildMethod, type GanMethod, runState, scoreHistory } from './build-method.js';
import { METHODS, type MethodName, TOOL } from './help.js';

/** A run rebuilt from run.json with the weights of its latest checkpoint. The caller calls `dispose()`. */
export interface TrainedGanRun {
  dir: string;
  record: RunRecord<RunSettings>;
  method: MethodName;
  /** `[height, width, channels]` of the images the run trained on. */
  shape: [number, number, number];
  seed: number;
  model: GanMethod;
  /** Epochs and optimizer steps the checkpoint holds. */
  epochs: number;
  steps: number;
  dispose(): void;
}

/** The settings of a run (run.json), refusing a folder that is not a contrastive-gan run, naming `--flag`. */
export async function readGanRun(
  dir: string,
  flag: string,
): Promise<{ record: RunRecord<RunSettings>; method: MethodName; shape: [number, number, number]; seed: number }> {
  const record = await readRunConfig<RunSettings>(dir, flag, { tool: TOOL });
  if (record.tool !== TOOL) throw new UsageError(`--${flag} ${dir} is a ${record.tool} run, not a ${TOOL} run`);
  const method = record.method as MethodName;
  if (!METHODS.includes(method))
    throw new UsageError(`--${flag} ${dir}: run.json names method '${record.method}', not one of ${METHODS.join(', ')}`);
  const size = Number(record.config.imageSize);
  const channels = Number(record.config.channels);
  if (!(size === 28 || size === 32) || !(channels === 1 || channels === 3))
    throw new UsageError(`--${flag} ${dir}: run.json records ${size}×${size}×${channels} images; expected 28 or 32 px, 1 or 3 channels`);
  return { record, method, shape: [size, size, channels], seed: Number(record.config.seed ?? 0) };
}

/**
 * The run in `dir` rebuilt (same architecture, width and seeds) with its latest checkpoint loaded: G, D, the heads,
 * the spectral-norm vectors (checkpoints are written at every epoch end and every `--checkpoint-every` steps, so a
 * run still training can be read). With `initOnly`, the weights stay at their seeded initialisation (the run's
 * random-init baseline). A missing or unreadable checkpoint is a {@link UsageError} naming the folder.
 */
export async function loadGanRun(dir: string, flag: string, opts: { initOnly?: boolean } = {}): Promise<TrainedGanRun> {
  const { record, method, shape, seed } = await readGanRun(dir, flag);
  const model = buildMethod(method, record.config, shape, seed);
  const dispose = () => model.dispose();
  let epochs = 0;
  let steps = 0;
  if (!opts.initOnly) {
    // The score history is in the checkpoint too; loaded with the rest, then dropped (readers do not need it).
    const scores: tf.Variable = scoreHistory();
    try {
      const meta = await loadCheckpoint<{ epoch?: number; globalStep?: number }>(runPaths(dir).checkpoint, runState(model, scores));
      epochs = meta.epoch ?? 0;
      steps = meta.globalStep ?? 0;
    } catch (e) {
      dispose();
      throw new UsageError(`--${flag} ${dir}: ${(e as Error).message}`);
    } finally {
      scores.dispose();
    }
  }
  return { dir, record, method, shape, seed, model, epochs, steps, dispose };
}
