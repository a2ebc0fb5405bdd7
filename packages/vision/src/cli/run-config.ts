import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { readRunConfig, RUN_FILES, writeRunConfig, type RunRecord } from '@contrastive/core/cli';
import type { AtomicName } from '../augment/atomic.js';
import type { EncoderName } from '../encoders/registry.js';
import type { LoocReadout } from '../methods/looc.js';
import type { VisionMethod } from '../methods/common.js';
import type { MethodName } from '../methods/registry.js';
import { createMethodFromRecipe, findVisionRecipe, smallRecipe, type SimclrHead } from '../recipes.js';
import { DOMAIN, TOOL } from './tool.js';

/** Everything needed to rebuild a run's method: run.json's `config`. */
export interface RunConfig {
  /** The recipe the run was built from (`simclr-small`, …; see `recipes.ts`); the fields below override it. */
  recipe: string;
  method: MethodName;
  encoder: EncoderName;
  imageSize: number;
  channels: 1 | 3;
  widthMultiplier: number;
  seed: number;
  learningRate: number;
  batchSize: number;
  epochs: number;
  /** Loss temperature (absent for methods without one). */
  temperature?: number;
  /** InstDisc objective. */
  objective?: 'nce' | 'softmax';
  /** SimCLR projection head. */
  projector?: SimclrHead;
  /** LooC: the atomic augmentations (`--looc-augs`). */
  loocAugs?: AtomicName[];
  /** LooC: the readout that is scored (`--readout`). */
  readout?: LoocReadout;
  /** InvCLR: λ, K and the clamp of the gradient penalty (`--gp-weight`, `--gp-samples`, `--gp-upper-limit`). */
  gpWeight?: number;
  gpSamples?: number;
  gpUpperLimit?: number;
  /**
   * BYOL / SimSiam: the small-data settings of issue 26 (`momentumHorizon`: BYOL's τ_base cap; `predictorLrScale`:
   * the predictor's LR factor, a second optimizer when ≠ 1). Recorded so a run resumes with what it trained with; a
   * byol / simsiam run recorded before them has neither and resumes with the earlier behaviour (no cap, scale 1),
   * which its checkpoint's optimizers match.
   */
  momentumHorizon?: number;
  predictorLrScale?: number;
  datasetSize: number;
  /** `--data` as an absolute path (`resolveDataPath`; so `eval` can tell the run's own data from other data). */
  data: string;
  /** `--limit`: only the first N images of `data` (absent = all); `--resume` and `eval` reuse it. */
  limit?: number;
  evalData: string | null;
  /** `--eval-split`: the stratified share of `data` held out for scoring (absent = none). */
  evalSplit?: number;
}

/** run.json of a vision run (core's run record around {@link RunConfig}). */
export type VisionRunRecord = RunRecord<RunConfig>;

/**
 * Files a vision run writes beyond core's layout: removed with `--overwrite` too, so a new run never shows the
 * old one's baseline, map or embeddings; `encoder/` is where runs before the toolkit kept the trained model.
 */
export const RUN_EXTRA_FILES = ['baseline.json', 'embedding-map.png', 'embeddings.csv', 'encoder'] as const;

/** The run record of a new run. */
export function newRunRecord(config: RunConfig, version: string): VisionRunRecord {
  return { tool: TOOL, version, domain: DOMAIN, method: config.method, createdAt: new Date().toISOString(), config };
}

/**
 * A run.json written before core's run record (the config itself at the top level, `lr` for the learning
 * rate, no `recipe`) as a record, or `null` when `raw` is not one. Such runs keep resuming and scoring:
 * their checkpoints use the same state names.
 */
export function legacyRunRecord(raw: unknown, createdAt: string): VisionRunRecord | null {
  if (raw === null || typeof raw !== 'object' || 'tool' in raw || 'config' in raw) return null;
  const old = raw as Record<string, unknown>;
  if (typeof old.method !== 'string' || typeof old.encoder !== 'string' || typeof old.lr !== 'number') return null;
  const { lr, temperature, objective, projector, ...rest } = old;
  const method = old.method as MethodName;
  // Runs from before --projector / --objective trained SimCLR with the MLP head and InstDisc with NCE.
  const head: SimclrHead | undefined = method === 'simclr' ? ((projector as SimclrHead | undefined) ?? 'mlp') : undefined;
  const recipe = smallRecipe(method, head);
  const config = {
    recipe: recipe.name,
    ...rest,
    learningRate: lr,
    ...(temperature === undefined && recipe.options.temperature === undefined
      ? {}
      : // InstDisc runs of that time trained at τ 0.07 (instdisc-small's τ is 0.1 since issue 26's small-data change).
        { temperature: (temperature as number | undefined) ?? (method === 'instdisc' ? 0.07 : recipe.options.temperature) }),
    ...(method === 'instdisc' ? { objective: (objective as 'nce' | 'softmax' | undefined) ?? 'nce' } : {}),
    ...(head === undefined ? {} : { projector: head }),
  } as RunConfig;
  return { tool: TOOL, domain: DOMAIN, method, createdAt, config };
}

/** Reads run.json's JSON and, when it is a pre-toolkit run.json, its record (else `null`). */
async function readLegacy(dir: string): Promise<VisionRunRecord | null> {
  const file = join(dir, RUN_FILES.config);
  try {
    const [text, info] = await Promise.all([readFile(file, 'utf8'), stat(file)]);
    return legacyRunRecord(JSON.parse(text), info.mtime.toISOString());
  } catch {
    return null; // missing or invalid: readRunConfig reports it
  }
}

/**
 * The run in `dir`: its run.json (a pre-toolkit one is converted in memory). Errors are usage errors naming
 * `--<flag>` and the folder (no run.json, invalid JSON, a run of another tool).
 */
export async function readVisionRun(dir: string, flag: string): Promise<VisionRunRecord> {
  return (await readLegacy(dir)) ?? (await readRunConfig<RunConfig>(dir, flag, { tool: TOOL }));
}

/** Before `--resume`: rewrites a pre-toolkit run.json as a run record (same settings), so the run continues. */
export async function upgradeLegacyRun(dir: string): Promise<void> {
  const legacy = await readLegacy(dir);
  if (legacy) await writeRunConfig(dir, legacy);
}

/** Builds the encoder and the method of a run: its recipe with the recorded settings over it. */
export function buildRun(cfg: RunConfig): VisionMethod {
  return createMethodFromRecipe(findVisionRecipe(cfg.recipe), {
    inputShape: [cfg.imageSize, cfg.imageSize, cfg.channels],
    datasetSize: cfg.datasetSize,
    seed: cfg.seed,
    overrides: {
      encoder: cfg.encoder,
      widthMultiplier: cfg.widthMultiplier,
      learningRate: cfg.learningRate,
      ...(cfg.temperature === undefined ? {} : { temperature: cfg.temperature }),
      ...(cfg.objective === undefined ? {} : { objective: cfg.objective }),
      ...(cfg.loocAugs === undefined ? {} : { loocAugs: cfg.loocAugs }),
      ...(cfg.gpWeight === undefined ? {} : { gpWeight: cfg.gpWeight }),
      ...(cfg.gpSamples === undefined ? {} : { gpSamples: cfg.gpSamples }),
      ...(cfg.gpUpperLimit === undefined ? {} : { gpUpperLimit: cfg.gpUpperLimit }),
      ...predictorSettings(cfg),
    },
  });
}

/** BYOL / SimSiam's recorded small-data settings, or the earlier behaviour for a run recorded before them. */
function predictorSettings(cfg: RunConfig): { momentumHorizon?: number; predictorLrScale?: number } {
  if (cfg.method === 'byol') return { momentumHorizon: cfg.momentumHorizon ?? 0, predictorLrScale: cfg.predictorLrScale ?? 1 };
  if (cfg.method === 'simsiam') return { predictorLrScale: cfg.predictorLrScale ?? 1 };
  return {};
}

/** What a new byol / simsiam run records of its recipe's small-data settings (see {@link RunConfig}). */
export function recordPredictorSettings(
  method: MethodName,
  options: { momentumHorizon?: number; predictorLrScale?: number },
): { momentumHorizon?: number; predictorLrScale?: number } {
  if (method === 'byol') return { momentumHorizon: options.momentumHorizon ?? 0, predictorLrScale: options.predictorLrScale ?? 1 };
  if (method === 'simsiam') return { predictorLrScale: options.predictorLrScale ?? 1 };
  return {};
}
