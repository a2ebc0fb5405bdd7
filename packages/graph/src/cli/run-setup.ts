/**
 * What every `contrastive-graph train` does around the method-specific part: choose the method and
 * recipe, check the run folder before anything loads or trains, resolve the common settings (from run.json
 * on `--resume`), pick the backend, record run.json; and at the end write and print the summary.
 */
import { readFileSync } from 'node:fs';
import { initBackend } from '@contrastive/core';
import type { CliIo, CommandContext, CommonFlagName, CommonFlags, RunPaths, RunRecord, RunSummary } from '@contrastive/core/cli';
import {
  dataParallelFlags,
  finishRun as coreFinishRun,
  methodOrResumed,
  oneOfFlag,
  prepareRunFolder,
  readCommonFlags,
  readRunConfig,
  runPaths,
  stringFlag,
  UsageError,
  writeRunConfig,
} from '@contrastive/core/cli';
import { isNodeMethod, METHODS } from '../methods/registry.js';
import type { GraphRecipe } from '../recipes.js';
import { defaultRecipe, findGraphRecipe } from '../recipes.js';
import type { Settings } from './flags.js';
import { checkOwnFlags, refuseForeignFlags, SettingsResolver } from './flags.js';

/** The executable's name. */
export const TOOL = 'contrastive-graph';
/** The package version (`--version`, run.json). */
export const VERSION: string = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string })
  .version;

/** A train run after {@link openTrainRun}: the folder is ready, the settings resolved, the backend up. */
export interface TrainRun {
  ctx: CommandContext;
  io: CliIo;
  method: string;
  recipe: GraphRecipe;
  paths: RunPaths;
  /** `true` when continuing the run in `paths.dir` (`--resume`). */
  resumed: boolean;
  /** The run.json of a resumed run. */
  record?: RunRecord<Settings>;
  /** Resolves the remaining settings (run.json's on resume) and records them all. */
  resolver: SettingsResolver;
  epochs: number;
  learningRate: number;
  seed: number;
  /** Graph-level methods only. */
  batchSize?: number;
  limit?: number;
  /** Steps between checkpoints inside an epoch (graph-level) or between epoch checkpoints (node methods: one step per epoch). */
  checkpointEvery: number;
  backend: string;
  /** `--workers` / `--sync-bn` as given (resolve them with core's `dataParallelFlags`; not recorded in run.json). */
  dataParallel: Pick<CommonFlags, 'workers' | 'syncBatchNorm'>;
}

/** A common flag's value when it was given on the command line, else `undefined` (a default). */
function given<K extends keyof CommonFlags>(common: CommonFlags, key: K, flag: CommonFlagName): CommonFlags[K] | undefined {
  return common.given.has(flag) ? common[key] : undefined;
}

/** Which method: `--method`, else `--recipe`'s, else (with `--resume --out DIR`) run.json's. */
async function chooseMethod(ctx: CommandContext): Promise<{ method: string; recipeFlag?: GraphRecipe }> {
  const methodFlag = oneOfFlag(ctx.values, 'method', METHODS);
  const recipeName = stringFlag(ctx.values, 'recipe');
  let recipeFlag: GraphRecipe | undefined;
  if (recipeName !== undefined) {
    try {
      recipeFlag = findGraphRecipe(recipeName);
    } catch (err) {
      throw new UsageError(`--recipe: ${(err as Error).message}`);
    }
    if (methodFlag !== undefined && recipeFlag.method !== methodFlag) {
      throw new UsageError(`--recipe ${recipeName} is a ${recipeFlag.method} recipe, not a ${methodFlag} one`);
    }
  }
  const method = methodFlag ?? recipeFlag?.method;
  if (method !== undefined) return { method, ...(recipeFlag ? { recipeFlag } : {}) };
  return { method: await methodOrResumed(ctx.values, METHODS, TOOL) };
}

/**
 * Starts a train run: method and recipe, the run folder checked and prepared (a non-empty `--out` that is
 * not this run is refused, a finished run needs `--resume` or `--overwrite`) before any data loads, the
 * common settings, the backend (its log line on stderr), run.json for a new run.
 */
export async function openTrainRun(ctx: CommandContext, io: CliIo): Promise<TrainRun> {
  const { method, recipeFlag } = await chooseMethod(ctx);
  const node = isNodeMethod(method);
  refuseForeignFlags(ctx.values, method);
  checkOwnFlags(ctx.values, method);
  const small = defaultRecipe(method).options;
  const common = readCommonFlags(ctx.values, {
    epochs: small.epochs ?? 20,
    batchSize: small.batchSize ?? 32,
    lr: small.learningRate ?? 1e-3,
    outPrefix: method,
  });
  if (node && common.given.has('batch-size'))
    throw new UsageError(`--batch-size does not apply to ${method}: it trains full-batch on the whole graph`);
  if (node && common.given.has('limit')) throw new UsageError(`--limit does not apply to ${method} (it limits molecule tables)`);
  // Node methods train full-batch on one graph, one step per epoch, with no replica to split it over: one
  // thread (--workers auto = 1, an explicit N > 1 is refused before the run folder is touched).
  if (node) dataParallelFlags(common, { batchSize: 1, command: `${TOOL} train --method ${method}`, splitsBatch: false });
  const out = common.out!;
  const status = await prepareRunFolder(out, {
    tool: TOOL,
    resume: common.resume,
    overwrite: common.overwrite,
    extraFiles: ['splits', 'selection'],
  });
  const record = status === 'resume' ? await readRunConfig<Settings>(out, 'out', { tool: TOOL }) : undefined;
  if (record !== undefined && record.method !== method)
    throw new UsageError(`--resume: ${out} is a ${record.method} run, not ${method}; drop --method or choose another --out`);
  const resolver = new SettingsResolver(out, record?.config);
  const recipe = findGraphRecipe(resolver.take('recipe', recipeFlag?.name, `${method}-small`));
  const fallback = { ...small, ...recipe.options };
  const epochs = resolver.take('epochs', given(common, 'epochs', 'epochs'), fallback.epochs ?? 20, true);
  const learningRate = resolver.take('lr', given(common, 'learningRate', 'lr'), fallback.learningRate ?? 1e-3);
  const seed = resolver.take('seed', given(common, 'seed', 'seed'), 0);
  const batchSize = node ? undefined : resolver.take('batch-size', given(common, 'batchSize', 'batch-size'), fallback.batchSize ?? 32);
  const limit = node ? undefined : resolver.take('limit', given(common, 'limit', 'limit'));
  // Node methods take one step per epoch, so every 10 steps = every 10 epochs; graph-level methods lose
  // at most 100 steps to a kill.
  const checkpointEvery = resolver.take('checkpoint-every', given(common, 'checkpointEvery', 'checkpoint-every'), node ? 10 : 100);
  const backend = await initBackend({ ...(common.backend ? { backend: common.backend } : {}), log: ctx.log });
  return {
    ctx,
    io,
    method,
    recipe,
    paths: runPaths(out),
    resumed: status === 'resume',
    ...(record === undefined ? {} : { record }),
    resolver,
    epochs,
    learningRate,
    seed,
    ...(batchSize === undefined ? {} : { batchSize }),
    ...(limit === undefined ? {} : { limit }),
    checkpointEvery,
    backend,
    dataParallel: { workers: common.workers, syncBatchNorm: common.syncBatchNorm },
  };
}

/**
 * Writes run.json once the data has loaded: a new run's record, or a resumed run's with its new settings
 * (only `--epochs` may change on `--resume`).
 */
export async function recordRun(run: TrainRun): Promise<void> {
  const config = run.resolver.settings;
  if (run.record !== undefined) {
    if (JSON.stringify(run.record.config) !== JSON.stringify({ ...run.record.config, ...config }))
      await writeRunConfig(run.paths.dir, { ...run.record, config: { ...run.record.config, ...config } });
    return;
  }
  await writeRunConfig(run.paths.dir, {
    tool: TOOL,
    version: VERSION,
    domain: 'graph',
    method: run.method,
    createdAt: new Date().toISOString(),
    config,
  });
}

/**
 * Writes `summary` to the run folder's summary.json (when `dir` is given: `train`; `eval` only prints),
 * prints it (one JSON line with `--json`), and returns the exit code: 1 when a number in it was not finite
 * (written as null with a note, and a stderr line naming the fields) — core's `finishRun`.
 */
export function finishRun(summary: RunSummary, io: CliIo, json: boolean, dir?: string): Promise<number> {
  return coreFinishRun(summary, io, { json, tool: TOOL, ...(dir === undefined ? {} : { dir }) });
}
