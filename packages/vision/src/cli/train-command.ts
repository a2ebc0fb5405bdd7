import { collapseStd, initBackend, type BackendName } from '@contrastive/core';
import {
  boolFlag,
  checkResumeFlag,
  COMMON_FLAGS,
  emitSummary,
  EVAL_FLAGS,
  intFlag,
  numFlag,
  oneOfFlag,
  prepareRunFolder,
  readCommonFlags,
  resolveKnnK,
  runPaths,
  startCommand,
  stringFlag,
  UsageError,
  writeRunConfig,
  writeSummary,
  type CliIo,
  type FlagSpec,
  type ResolvedKnnK,
} from '@contrastive/core/cli';
import { fileSystemHandler, train } from '@contrastive/core/node';
import { ENCODERS } from '../encoders/registry.js';
import { imageBatches, type ImageBatch } from '../io/dataset.js';
import { METHODS, type MethodName } from '../methods/registry.js';
import { recipeViews, SIMCLR_HEADS, smallRecipe } from '../recipes.js';
import { readBaseline, scoreBaselines, writeBaseline } from './baseline.js';
import { limitDataset, openData, resolveDataPath, scoringSets } from './data.js';
import { scoreEncoder, viewAlignmentUniformity } from './evaluate.js';
import { TRAIN_HELP } from './help.js';
import { buildRun, newRunRecord, readVisionRun, RUN_EXTRA_FILES, upgradeLegacyRun, type RunConfig } from './run-config.js';
import { DOMAIN, TOOL, VERSION } from './tool.js';
import {
  baselineScores,
  fewStepsNote,
  scoreLine,
  scoreMetrics,
  whyNoScores,
  type TrainedScores,
  type VisionRunSummary,
} from './train-report.js';

const SPEC = {
  ...COMMON_FLAGS,
  ...EVAL_FLAGS,
  method: { type: 'string' },
  data: { type: 'string' },
  'eval-data': { type: 'string' },
  'eval-split': { type: 'string' },
  encoder: { type: 'string' },
  width: { type: 'string' },
  'image-size': { type: 'string' },
  channels: { type: 'string' },
  temperature: { type: 'string' },
  objective: { type: 'string' },
  projector: { type: 'string' },
  'eval-limit': { type: 'string' },
  'no-baseline': { type: 'boolean' },
  'raw-baseline': { type: 'boolean' },
  'probe-epochs': { type: 'string' },
} as const satisfies FlagSpec;

/** Steps between the checkpoints saved inside an epoch (`--checkpoint-every`): a lost step is seconds (small CNN) to a minute (ResNet-18 on 2 cores). */
const DEFAULT_CHECKPOINT_EVERY = 50;

/** `--batch-size` as a run uses it: at most half the training images (so an epoch has two steps), at least 2. */
function clampBatchSize(requested: number, trainImages: number): number {
  return Math.min(requested, Math.max(2, Math.floor(trainImages / 2)));
}

/** `contrastive-vision train`. Returns the process exit code. */
export async function trainCommand(argv: string[], io: CliIo): Promise<number> {
  const ctx = startCommand(argv, SPEC, TRAIN_HELP, io);
  if (!ctx) return 0;
  const { values, log, started } = ctx;
  const resume = boolFlag(values, 'resume');
  const methodFlag = oneOfFlag(values, 'method', METHODS);
  if (methodFlag === undefined && !(resume && values.out !== undefined)) {
    throw new UsageError(`--method is required (${METHODS.join(' | ')})`);
  }
  const projectorFlag = oneOfFlag(values, 'projector', SIMCLR_HEADS);
  const objectiveFlag = oneOfFlag(values, 'objective', ['softmax', 'nce'] as const);
  const temperatureFlag = numFlag(values, 'temperature');
  if (methodFlag !== undefined)
    checkMethodFlags(methodFlag, { objective: objectiveFlag, projector: projectorFlag, temperature: temperatureFlag });
  const encoderFlag = oneOfFlag(values, 'encoder', ENCODERS);
  const recipe = smallRecipe(methodFlag ?? 'simclr', projectorFlag);
  const common = readCommonFlags(values, {
    epochs: recipe.options.epochs ?? 10,
    batchSize: recipe.options.batchSize ?? 256,
    lr: recipe.options.learningRate ?? 1e-3,
    checkpointEvery: DEFAULT_CHECKPOINT_EVERY,
    ...(methodFlag === undefined ? {} : { outPrefix: `${methodFlag}-${encoderFlag ?? recipe.options.encoder ?? 'small-cnn'}` }),
  });
  if (common.limit !== undefined && common.limit < 2)
    throw new UsageError(`--limit must be an integer >= 2 (a contrastive batch needs two images), got '${common.limit}'`);
  const outDir = common.out!;
  const paths = runPaths(outDir);
  const requestedSize = intFlag(values, 'image-size', 4);
  const channelsFlag = oneOfFlag(values, 'channels', ['1', '3'] as const);
  const widthFlag = numFlag(values, 'width');
  const splitFlag = numFlag(values, 'eval-split');
  const evalLimit = intFlag(values, 'eval-limit', 2);
  const evalData = stringFlag(values, 'eval-data');

  // The run folder is checked (and a pre-toolkit run.json upgraded) before anything loads or trains.
  if (resume) await upgradeLegacyRun(outDir);
  const mode = await prepareRunFolder(outDir, { tool: TOOL, resume, overwrite: common.overwrite, extraFiles: RUN_EXTRA_FILES });
  const backend: BackendName = await initBackend({ ...(common.backend === undefined ? {} : { backend: common.backend }), log });

  let cfg: RunConfig;
  let retargeted: { from: number; to: number } | null = null;
  // What trains and what is scored are built from the run's own settings before anything is written, so a
  // bad --eval-data or --eval-split leaves no half-made run folder behind.
  const setsFor = async (c: { data: string; limit?: number; evalSplit?: number; seed: number; imageSize?: number; channels?: 1 | 3 }) => {
    const opened = await openData('data', c.data, 'train', { imageSize: c.imageSize, channels: c.channels });
    const imageSize = c.imageSize ?? opened.height;
    const channels = opened.channels as 1 | 3;
    const sets = await scoringSets(limitDataset(opened, c.limit), {
      dataPath: c.data,
      evalData,
      evalSplit: c.evalSplit,
      seed: c.seed,
      imageSize,
      channels,
      evalLimit,
    });
    return { ...sets, imageSize, channels };
  };
  let sets: Awaited<ReturnType<typeof setsFor>>;
  if (mode === 'resume') {
    const record = await readVisionRun(outDir, 'out');
    cfg = record.config;
    checkResumeFlag(outDir, 'method', methodFlag, cfg.method);
    checkMethodFlags(cfg.method, { objective: objectiveFlag, projector: projectorFlag, temperature: temperatureFlag });
    checkResumeFlag(outDir, 'objective', objectiveFlag, cfg.objective);
    checkResumeFlag(outDir, 'projector', projectorFlag, cfg.projector);
    checkResumeFlag(outDir, 'temperature', temperatureFlag, cfg.temperature);
    checkResumeFlag(outDir, 'eval-split', splitFlag, cfg.evalSplit);
    checkResumeFlag(outDir, 'encoder', encoderFlag, cfg.encoder);
    checkResumeFlag(outDir, 'width', widthFlag, cfg.widthMultiplier);
    checkResumeFlag(outDir, 'image-size', requestedSize, cfg.imageSize);
    checkResumeFlag(outDir, 'channels', channelsFlag === undefined ? undefined : Number(channelsFlag), cfg.channels);
    checkResumeFlag(outDir, 'seed', common.given.has('seed') ? common.seed : undefined, cfg.seed);
    checkResumeFlag(outDir, 'lr', common.given.has('lr') ? common.learningRate : undefined, cfg.learningRate);
    const dataPath = stringFlag(values, 'data') ?? cfg.data;
    const limit = common.limit ?? cfg.limit;
    sets = await setsFor({
      data: dataPath,
      limit,
      evalSplit: cfg.evalSplit,
      seed: cfg.seed,
      imageSize: cfg.imageSize,
      channels: cfg.channels,
    });
    if (sets.train.size !== cfg.datasetSize) {
      // A different --limit, --data or a folder that changed would silently train on other images (and break
      // InstDisc's memory bank, sized by the dataset).
      throw new UsageError(
        `--resume: ${outDir} was trained on ${cfg.datasetSize} images of ${cfg.data}${cfg.limit === undefined ? '' : ` (--limit ${cfg.limit})`}, but --data ${dataPath}${common.limit === undefined ? '' : ` --limit ${common.limit}`} now gives ${sets.train.size}`,
      );
    }
    checkResumeFlag(
      outDir,
      'batch-size',
      common.given.has('batch-size') ? clampBatchSize(common.batchSize, sets.train.size) : undefined,
      cfg.batchSize,
    );
    if (common.given.has('epochs') && common.epochs !== cfg.epochs) {
      // Recorded so that a later --resume without --epochs aims at the new target, not the old one.
      retargeted = { from: cfg.epochs, to: common.epochs };
      cfg = { ...cfg, epochs: common.epochs };
      await writeRunConfig(outDir, { ...record, config: cfg });
    }
  } else {
    const methodName = methodFlag!;
    const dataPath = stringFlag(values, 'data');
    if (dataPath === undefined) throw new UsageError("--data is required (an IDX folder, 'bundled', or an image folder)");
    sets = await setsFor({
      data: dataPath,
      limit: common.limit,
      evalSplit: splitFlag,
      seed: common.seed,
      ...(requestedSize === undefined ? {} : { imageSize: requestedSize }),
      ...(channelsFlag === undefined ? {} : { channels: Number(channelsFlag) as 1 | 3 }),
    });
    const temperature = temperatureFlag ?? recipe.options.temperature;
    cfg = {
      recipe: recipe.name,
      method: methodName,
      encoder: encoderFlag ?? recipe.options.encoder ?? 'small-cnn',
      imageSize: sets.imageSize,
      channels: sets.channels,
      widthMultiplier: widthFlag ?? recipe.options.widthMultiplier ?? 1,
      seed: common.seed,
      learningRate: common.learningRate,
      batchSize: clampBatchSize(common.batchSize, sets.train.size),
      epochs: common.epochs,
      ...(temperature === undefined ? {} : { temperature }),
      ...(methodName === 'instdisc' ? { objective: objectiveFlag ?? recipe.options.objective ?? 'nce' } : {}),
      ...(methodName === 'simclr' ? { projector: projectorFlag ?? 'mlp' } : {}),
      datasetSize: sets.train.size,
      data: resolveDataPath(dataPath),
      ...(common.limit === undefined ? {} : { limit: common.limit }),
      evalData: sets.test && splitFlag === undefined ? resolveDataPath(evalData ?? dataPath) : null,
      ...(splitFlag === undefined ? {} : { evalSplit: splitFlag }),
    };
  }
  const { train: trainDs, test: evalDs } = sets;
  const canScore = Boolean(trainDs.labels && evalDs?.labels);
  if (!canScore) log(`[${TOOL}] ${whyNoScores(Boolean(trainDs.labels), evalDs ? Boolean(evalDs.labels) : null)}`);
  if (boolFlag(values, 'raw-baseline') && !canScore)
    throw new UsageError('--raw-baseline needs labeled --data and a labeled test set (--eval-data or --eval-split)');
  const knn: ResolvedKnnK | null = canScore ? resolveKnnK(values, trainDs.labels!) : null;
  if (mode === 'new') await writeRunConfig(outDir, newRunRecord(cfg, VERSION));

  const method = buildRun(cfg);
  if (retargeted) {
    log(
      `[${TOOL}] --resume: target changed from ${retargeted.from} to ${retargeted.to} epochs` +
        (method.usesTotalSteps
          ? `; ${cfg.method}'s cosine schedules now span ${retargeted.to} epochs from this checkpoint on, so the run differs from a fresh ${retargeted.to}-epoch run`
          : ''),
    );
  }
  const views = recipeViews(cfg.recipe, cfg.imageSize)!;
  try {
    const scoreOpts = {
      seed: cfg.seed,
      ...(knn === null ? {} : { knnK: knn.k }),
      ...optionalProbeEpochs(values),
      ...(common.progress ? { progress: process.stderr } : {}),
    };
    const known = mode === 'resume' ? await readBaseline(outDir) : null;
    const baseline = canScore
      ? await scoreBaselines(known, trainDs, evalDs!, {
          ...scoreOpts,
          untrained: !boolFlag(values, 'no-baseline') && mode === 'new' ? { encoder: method.encoder, name: cfg.encoder, views } : null,
          rawPixels: boolFlag(values, 'raw-baseline'),
          log,
        })
      : known;
    if (baseline) await writeBaseline(outDir, baseline);

    const stepsPerEpoch = Math.floor(trainDs.size / cfg.batchSize);
    log(
      `[${TOOL}] ${cfg.method} on ${trainDs.size} images ${cfg.imageSize}x${cfg.imageSize}x${cfg.channels}, ` +
        `${cfg.encoder}, batch ${cfg.batchSize}, ${cfg.epochs} epochs (${stepsPerEpoch} steps each), backend ${backend}, out ${outDir}`,
    );
    const few = fewStepsNote(stepsPerEpoch, cfg.epochs, cfg.batchSize);
    if (few && mode === 'new') log(`[${TOOL}] ${few}`);
    const trainStart = performance.now();
    const result = await train<ImageBatch>({
      method,
      batches: (_epoch, rng) => imageBatches(trainDs, { batchSize: cfg.batchSize, rng, dropLast: true }),
      epochs: cfg.epochs,
      stepsPerEpoch,
      seed: cfg.seed,
      checkpointDir: paths.checkpoint,
      ...(common.checkpointEvery ? { checkpointEverySteps: common.checkpointEvery } : {}),
      resume: mode === 'resume',
      overwrite: true,
      lossCurvePath: paths.lossCurve,
      lossLogPath: paths.losses,
      lossCurveTitle: `${cfg.method} / ${cfg.encoder} training loss`,
      progress: common.progress,
      log,
    });
    const trainSeconds = (performance.now() - trainStart) / 1000;
    await method.encoder.save(fileSystemHandler(paths.model));

    let scores: TrainedScores | null = null;
    if (canScore) {
      log(`[${TOOL}] scoring the trained encoder: kNN (k = ${knn!.k}) and linear probe on ${trainDs.size} + ${evalDs!.size} images`);
      const scored = await scoreEncoder(method.encoder, trainDs, evalDs!, scoreOpts);
      const spread = collapseStd(scored.testEmbeddings);
      scored.testEmbeddings.dispose();
      const alignUniform = await viewAlignmentUniformity(method.encoder, evalDs!, views, { seed: cfg.seed });
      scores = { knnAccuracy: scored.knnAccuracy, linearProbeAccuracy: scored.linearProbeAccuracy, ...alignUniform, collapseStd: spread };
    }
    const notes: string[] = [];
    const baselines = baselineScores(baseline, knn?.k ?? null, notes);
    if (!canScore) notes.push(whyNoScores(Boolean(trainDs.labels), evalDs ? Boolean(evalDs.labels) : null));
    if (few) notes.push(few.replace(/^note: /, ''));
    const seconds = (performance.now() - started) / 1000;
    const summary: VisionRunSummary = {
      method: cfg.method,
      domain: DOMAIN,
      encoder: cfg.encoder,
      seed: cfg.seed,
      epochs: result.epochs,
      steps: result.globalStep,
      seconds,
      trainSeconds,
      backend,
      out: outDir,
      finalLoss: result.epochLosses.at(-1) ?? null,
      trainImages: trainDs.size,
      evalImages: evalDs?.size ?? 0,
      metrics: scores && knn ? scoreMetrics(scores, knn) : {},
      baselines,
      ...(notes.length > 0 ? { notes } : {}),
    };
    const written = await writeSummary(outDir, summary);
    if (scores) log(`[${TOOL}] ${scoreLine(cfg.method, written.summary.seconds, scores, baselines)}`);
    emitSummary(written.summary, io, { json: ctx.json });
    if (written.nonFinite.length > 0) {
      log(`${TOOL}: non-finite ${written.nonFinite.join(', ')} (written as null); see ${written.path}`);
      return 1;
    }
    return 0;
  } finally {
    method.dispose();
  }
}

/** `--probe-epochs` when given (the scorer's default otherwise). */
export function optionalProbeEpochs(values: Parameters<typeof intFlag>[0]): { probeEpochs?: number } {
  const probeEpochs = intFlag(values, 'probe-epochs', 1);
  return probeEpochs === undefined ? {} : { probeEpochs };
}

/** Flags that only some methods have, refused for the others by name. */
function checkMethodFlags(method: MethodName, flags: { objective?: string; projector?: string; temperature?: number }): void {
  if (flags.objective !== undefined && method !== 'instdisc')
    throw new UsageError(`--objective applies to --method instdisc only (got --method ${method})`);
  if (flags.projector !== undefined && method !== 'simclr')
    throw new UsageError(`--projector applies to --method simclr only (got --method ${method})`);
  if (flags.temperature !== undefined && (method === 'byol' || method === 'simsiam')) {
    throw new UsageError(`--temperature does not apply to --method ${method} (it has no temperature)`);
  }
}
