import type * as tf from '@tensorflow/tfjs';
import { collapseStd, collapseThreshold, initBackend, type BackendName } from '@contrastive/core';
import {
  boolFlag,
  checkResumeFlag,
  COMMON_FLAGS,
  finishRun,
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
  type CliIo,
  type FlagSpec,
  type ResolvedKnnK,
  dataParallelFlags,
  describeDataParallel,
} from '@contrastive/core/cli';
import { CHECKPOINT_FILE, fileSystemHandler, readCheckpointManifest, train } from '@contrastive/core/node';
import { rmdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { ENCODERS } from '../encoders/registry.js';
import { imageBatches, MAX_IMAGE_SIZE, MIN_IMAGE_SIZE, type ImageBatch, type ImageDataset } from '../io/dataset.js';
import { parseAtomicAugs, type AtomicName } from '../augment/atomic.js';
import { embedImages, type VisionMethod } from '../methods/common.js';
import { replicaSpec } from './replica.js';
import { METHODS, type MethodName } from '../methods/registry.js';
import { recipeBatchSize, recipeViews, SIMCLR_HEADS, smallRecipe } from '../recipes.js';
import { readBaseline, scoreBaselines, writeBaseline } from './baseline.js';
import { limitDataset } from '../io/dataset.js';
import { openData, resolveDataPath, scoringSets } from './data.js';
import { readoutFlag, scoredReadout } from './readout.js';
import { scoreEncoder, viewAlignmentUniformity } from './evaluate.js';
import { assertFiniteEmbeddings, assertFiniteModel } from './finite.js';
import { checkTrainingMemory, scoringBatchSize, type BatchGeometry } from './memory.js';
import { TRAIN_HELP } from './help.js';
import { seqclrRun, wantsSeqclr } from './seqclr-run.js';
import {
  checkInvclrFlags,
  INVCLR_FLAGS,
  invclrConfig,
  passMetrics,
  readEvalPasses,
  readInvclrFlags,
  type InvclrFlagValues,
} from './invclr-flags.js';
import {
  buildRun,
  recordPredictorSettings,
  newRunRecord,
  readVisionRun,
  RUN_EXTRA_FILES,
  upgradeLegacyRun,
  type RunConfig,
  type VisionRunRecord,
} from './run-config.js';
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
  'looc-augs': { type: 'string' },
  readout: { type: 'string' },
  ...INVCLR_FLAGS,
} as const satisfies FlagSpec;

/** Steps between the checkpoints saved inside an epoch (`--checkpoint-every`): a lost step is seconds (small CNN) to a minute (ResNet-18 on 2 cores). */
const DEFAULT_CHECKPOINT_EVERY = 50;

/** `--batch-size` as a run uses it: at most half the training images (so an epoch has two steps), at least 2. */
function clampBatchSize(requested: number, trainImages: number): number {
  return Math.min(requested, Math.max(2, Math.floor(trainImages / 2)));
}

/** `contrastive-vision train`. Returns the process exit code. */
export async function trainCommand(argv: string[], io: CliIo): Promise<number> {
  // SeqCLR trains a sequence encoder on word images and scores it with a CTC decoder: its own run (seqclr-run.ts).
  if (wantsSeqclr(argv)) return seqclrRun(argv, io);
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
  const loocAugsFlag = loocAugsOf(values);
  const readout = readoutFlag(values, undefined);
  const gp = readInvclrFlags(values);
  const evalPasses = readEvalPasses(values);
  const methodFlags = {
    objective: objectiveFlag,
    projector: projectorFlag,
    temperature: temperatureFlag,
    loocAugs: loocAugsFlag,
    readout,
    ...gp,
  };
  if (methodFlag !== undefined) checkMethodFlags(methodFlag, methodFlags);
  const encoderFlag = oneOfFlag(values, 'encoder', ENCODERS);
  const recipe = smallRecipe(methodFlag ?? 'simclr', projectorFlag);
  const common = readCommonFlags(values, {
    epochs: recipe.options.epochs ?? 10,
    batchSize: recipeBatchSize(recipe, Number.MAX_SAFE_INTEGER), // replaced below by the recipe's size-dependent one unless --batch-size is given
    lr: recipe.options.learningRate ?? 1e-3,
    checkpointEvery: DEFAULT_CHECKPOINT_EVERY,
    ...(methodFlag === undefined ? {} : { outPrefix: `${methodFlag}-${encoderFlag ?? recipe.options.encoder ?? 'small-cnn'}` }),
  });
  if (common.limit !== undefined && common.limit < 2)
    throw new UsageError(`--limit must be an integer >= 2 (a contrastive batch needs two images), got '${common.limit}'`);
  const outDir = common.out!;
  const paths = runPaths(outDir);
  const requestedSize = intFlag(values, 'image-size', MIN_IMAGE_SIZE, MAX_IMAGE_SIZE);
  const channelsFlag = oneOfFlag(values, 'channels', ['1', '3'] as const);
  const widthFlag = numFlag(values, 'width');
  const splitFlag = numFlag(values, 'eval-split');
  const evalLimit = intFlag(values, 'eval-limit', 2);
  const evalData = stringFlag(values, 'eval-data');

  // The run folder is checked (and a pre-toolkit run.json upgraded) before anything loads or trains.
  if (resume) await upgradeLegacyRun(outDir);
  const createdOut = (await stat(outDir).catch(() => null)) === null;
  let runWritten = false;
  const mode = await prepareRunFolder(outDir, { tool: TOOL, resume, overwrite: common.overwrite, extraFiles: RUN_EXTRA_FILES });
  try {
    const backend: BackendName = await initBackend({ ...(common.backend === undefined ? {} : { backend: common.backend }), log });

    let cfg: RunConfig;
    let retargeted: { from: number; to: number } | null = null;
    let resumedRecord: VisionRunRecord | null = null;
    // What trains and what is scored are built from the run's own settings before anything is written, so a
    // bad --eval-data or --eval-split leaves no half-made run folder behind.
    const setsFor = async (c: { data: string; limit?: number; evalSplit?: number; seed: number; imageSize?: number; channels?: 1 | 3 }) => {
      const opened = await openData('data', c.data, 'train', { imageSize: c.imageSize, channels: c.channels });
      const imageSize = c.imageSize ?? opened.height;
      checkImageSize(opened, imageSize, c.data);
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
      return { ...sets, imageSize, channels, sourcePixels: opened.height * opened.width };
    };
    let sets: Awaited<ReturnType<typeof setsFor>>;
    if (mode === 'resume') {
      const record = await readVisionRun(outDir, 'out');
      cfg = record.config;
      // A checkpoint that is there but corrupt is an error naming its file, before anything is written.
      if (await stat(join(paths.checkpoint, CHECKPOINT_FILE)).catch(() => null)) await readCheckpointManifest(paths.checkpoint);
      checkResumeFlag(outDir, 'method', methodFlag, cfg.method);
      checkMethodFlags(cfg.method, methodFlags);
      checkResumeFlag(outDir, 'gp-weight', gp.gpWeight, cfg.gpWeight);
      checkResumeFlag(outDir, 'gp-samples', gp.gpSamples, cfg.gpSamples);
      checkResumeFlag(outDir, 'gp-upper-limit', gp.gpUpperLimit, cfg.gpUpperLimit);
      checkResumeFlag(outDir, 'objective', objectiveFlag, cfg.objective);
      checkResumeFlag(outDir, 'looc-augs', loocAugsFlag?.join(','), cfg.loocAugs?.join(','));
      checkResumeFlag(outDir, 'readout', readout, cfg.readout);
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
        // Recorded (once the data is checked, below) so that a later --resume without --epochs aims at the new target.
        retargeted = { from: cfg.epochs, to: common.epochs };
        cfg = { ...cfg, epochs: common.epochs };
        resumedRecord = { ...record, config: cfg };
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
        batchSize: clampBatchSize(
          common.given.has('batch-size') ? common.batchSize : recipeBatchSize(recipe, sets.train.size),
          sets.train.size,
        ),
        epochs: common.epochs,
        ...(temperature === undefined ? {} : { temperature }),
        ...(methodName === 'instdisc' ? { objective: objectiveFlag ?? recipe.options.objective ?? 'nce' } : {}),
        ...(methodName === 'simclr' ? { projector: projectorFlag ?? 'mlp' } : {}),
        ...(methodName === 'looc'
          ? { loocAugs: loocAugsFlag ?? [...(recipe.options.loocAugs ?? [])], readout: readout ?? 'backbone' }
          : {}),
        ...(methodName === 'invclr' ? invclrConfig(gp, recipe.options) : {}),
        ...recordPredictorSettings(methodName, recipe.options),
        datasetSize: sets.train.size,
        data: resolveDataPath(dataPath),
        ...(common.limit === undefined ? {} : { limit: common.limit }),
        evalData: sets.test && splitFlag === undefined ? resolveDataPath(evalData ?? dataPath) : null,
        ...(splitFlag === undefined ? {} : { evalSplit: splitFlag }),
      };
    }
    const { train: trainDs, test: evalDs } = sets;
    const geometry: BatchGeometry = {
      imageSize: cfg.imageSize,
      channels: cfg.channels,
      sourcePixels: sets.sourcePixels,
      encoder: cfg.encoder,
      widthMultiplier: cfg.widthMultiplier,
    };
    // Nothing is written before the data is known to be usable: memory for one step, then the first batches decode.
    checkTrainingMemory(cfg.batchSize, geometry);
    await decodeFirstBatch(trainDs, cfg.batchSize, 'data', cfg.data);
    if (evalDs) await decodeFirstBatch(evalDs, cfg.batchSize, evalData === undefined ? 'data' : 'eval-data', evalData ?? cfg.data);
    const trainClasses = distinctCount(trainDs.labels);
    const canScore = Boolean(trainDs.labels && evalDs?.labels) && trainClasses >= 2;
    const noScores = canScore
      ? null
      : trainDs.labels && evalDs?.labels
        ? singleClassNote(trainDs)
        : whyNoScores(Boolean(trainDs.labels), evalDs ? Boolean(evalDs.labels) : null);
    if (noScores) log(`[${TOOL}] ${noScores}`);
    if (boolFlag(values, 'raw-baseline') && !canScore)
      throw new UsageError(
        `--raw-baseline needs labeled --data of two or more classes and a labeled test set (--eval-data or --eval-split)${noScores ? `: ${noScores}` : ''}`,
      );
    const evalOneClass = canScore && distinctCount(evalDs!.labels) < 2 ? oneClassEvalNote(evalDs!) : null;
    if (evalOneClass) log(`[${TOOL}] note: ${evalOneClass}`);
    const knn: ResolvedKnnK | null = canScore ? resolveKnnK(values, trainDs.labels!) : null;
    runWritten = true;
    if (mode === 'new') await writeRunConfig(outDir, newRunRecord(cfg, VERSION));
    if (resumedRecord) await writeRunConfig(outDir, resumedRecord);

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
        batchSize: scoringBatchSize(geometry),
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
      const parallel = dataParallelFlags(common, { batchSize: cfg.batchSize, replica: replicaSpec(cfg), command: `${TOOL} train` });
      const parallelLine = describeDataParallel(parallel, cfg.batchSize);
      if (parallelLine) log(`[${TOOL}] ${parallelLine}`);
      const groupsNote = bnGroupsNote(method, parallel.workers);
      if (groupsNote) log(`[${TOOL}] ${groupsNote}`);
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
        ...parallel,
      });
      const trainSeconds = (performance.now() - trainStart) / 1000;
      // A diverged encoder is never saved or scored (the wasm backend's ReLU maps NaN to 0, so its scores would look valid).
      await assertFiniteModel(
        method.encoder,
        `the trained encoder (--lr ${cfg.learningRate}; nothing was saved to ${paths.model} or scored)`,
      );
      await method.encoder.save(fileSystemHandler(paths.model));

      let scores: (TrainedScores & { conditionalVariance?: number }) | null = null;
      if (canScore) {
        log(`[${TOOL}] scoring the trained encoder: kNN (k = ${knn!.k}) and linear probe on ${trainDs.size} + ${evalDs!.size} images`);
        // Feature averaging (--eval-passes M > 1) scores the trained encoder only; the baselines stay plain (M = 1).
        const scored = await scoreEncoder(scoredReadout(method, cfg.readout), trainDs, evalDs!, {
          ...scoreOpts,
          evalPasses,
          evalView: views[0],
        });
        const spread = collapseStd(scored.testEmbeddings);
        scored.testEmbeddings.dispose();
        const alignUniform = await viewAlignmentUniformity(method.encoder, evalDs!, views, {
          seed: cfg.seed,
          batchSize: scoreOpts.batchSize,
        });
        scores = {
          knnAccuracy: scored.knnAccuracy,
          linearProbeAccuracy: scored.linearProbeAccuracy,
          ...alignUniform,
          collapseStd: spread,
          ...(scored.conditionalVariance === undefined ? {} : { conditionalVariance: scored.conditionalVariance }),
        };
      }
      const notes: string[] = [];
      const baselines = baselineScores(baseline, knn?.k ?? null, notes);
      if (noScores) notes.push(noScores);
      if (evalOneClass) notes.push(evalOneClass);
      const collapse = collapseWarning(
        scores ? scores.collapseStd : await sampleCollapseStd(method.encoder, evalDs ?? trainDs, scoreOpts.batchSize),
        method.encoder.outputs[0]!.shape[1] as number,
        baseline?.collapseStd,
      );
      if (collapse) {
        log(`[${TOOL}] warning: ${collapse}`);
        notes.push(collapse);
      }
      if (few) notes.push(few.replace(/^note: /, ''));
      if (cfg.method === 'looc')
        notes.push(
          `scored readout: ${cfg.readout ?? 'backbone'} (${cfg.readout === 'concat' ? 'LooC++, the head spaces concatenated' : 'LooC, the shared backbone'})`,
        );
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
        ...(parallel.workers > 1 ? { workers: parallel.workers } : {}),
        out: outDir,
        finalLoss: result.epochLosses.at(-1) ?? null,
        trainImages: trainDs.size,
        evalImages: evalDs?.size ?? 0,
        metrics: scores && knn ? { ...scoreMetrics(scores, knn), ...passMetrics(evalPasses, scores.conditionalVariance) } : {},
        baselines,
        ...(notes.length > 0 ? { notes } : {}),
      };
      if (scores) log(`[${TOOL}] ${scoreLine(cfg.method, seconds, scores, baselines)}`);
      // Exit 1 (after naming the fields) when any number of the summary is NaN/±Infinity.
      return await finishRun(summary, io, { json: ctx.json, dir: outDir, tool: TOOL });
    } finally {
      method.dispose();
    }
  } catch (err) {
    // Refused before run.json was written: a folder this command created is removed again (only if still empty),
    // so the same command can run once the input is fixed.
    if (!runWritten && createdOut) await rmdir(outDir).catch(() => undefined);
    throw err;
  }
}

/**
 * MoCo / LooC split their batch into BN groups (shuffle BN); workers share the groups, so groups that are not
 * a multiple of the workers leave the key and query forwards to every worker whole (same results, no speed-up).
 */
function bnGroupsNote(method: VisionMethod, workers: number): string | null {
  const groups = (method as { bnGroups?: unknown }).bnGroups;
  if (workers <= 1 || typeof groups !== 'number' || groups % workers === 0) return null;
  return (
    `note: ${method.name} normalises its batch in ${groups} BN groups, not a multiple of --workers ${workers}: ` +
    `each worker computes every group (same results as one thread, no speed-up); use --workers ${groups}`
  );
}

/** `--probe-epochs` when given (the scorer's default otherwise). */
export function optionalProbeEpochs(values: Parameters<typeof intFlag>[0]): { probeEpochs?: number } {
  const probeEpochs = intFlag(values, 'probe-epochs', 1);
  return probeEpochs === undefined ? {} : { probeEpochs };
}

/** `--looc-augs` parsed (a usage error naming the flag when it is not a list of known augmentations), or `undefined`. */
function loocAugsOf(values: Parameters<typeof stringFlag>[0]): AtomicName[] | undefined {
  const raw = stringFlag(values, 'looc-augs');
  if (raw === undefined) return undefined;
  try {
    return parseAtomicAugs(raw, '--looc-augs');
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

/** Flags that only some methods have, refused for the others by name. */
function checkMethodFlags(
  method: MethodName,
  flags: { objective?: string; projector?: string; temperature?: number; loocAugs?: unknown; readout?: string } & InvclrFlagValues,
): void {
  checkInvclrFlags(method, flags);
  if (flags.loocAugs !== undefined && method !== 'looc')
    throw new UsageError(`--looc-augs applies to --method looc only (got --method ${method})`);
  if (flags.readout !== undefined && method !== 'looc')
    throw new UsageError(`--readout applies to --method looc only (got --method ${method}: its readout is the encoder)`);
  if (flags.objective !== undefined && method !== 'instdisc')
    throw new UsageError(`--objective applies to --method instdisc only (got --method ${method})`);
  if (flags.projector !== undefined && method !== 'simclr')
    throw new UsageError(`--projector applies to --method simclr only (got --method ${method})`);
  if (flags.temperature !== undefined && (method === 'byol' || method === 'simsiam')) {
    throw new UsageError(`--temperature does not apply to --method ${method} (it has no temperature)`);
  }
}

/**
 * Refuses an image size the encoders cannot take, naming the file: IDX images are used at their own size unless
 * `--image-size` is given (3×3 images would leave the small CNN an empty feature map and crash the backend).
 */
function checkImageSize(ds: ImageDataset, imageSize: number, dataPath: string): void {
  if (imageSize >= MIN_IMAGE_SIZE && imageSize <= MAX_IMAGE_SIZE) return;
  throw new UsageError(
    `--data ${dataPath}: the images of ${ds.source} are ${ds.height}x${ds.width}; the encoders take ${MIN_IMAGE_SIZE}x${MIN_IMAGE_SIZE} ` +
      `to ${MAX_IMAGE_SIZE}x${MAX_IMAGE_SIZE}: pass --image-size N (${MIN_IMAGE_SIZE} ≤ N ≤ ${MAX_IMAGE_SIZE}) to resize them`,
  );
}

/**
 * Decodes the first batch of `ds` (its first `batchSize` items) and frees it: a file that does not decode, or
 * an image folder that cannot be read, is reported naming `--flag` and the file before the run folder is
 * written, so the same command can run again once the data is fixed.
 */
async function decodeFirstBatch(ds: ImageDataset, batchSize: number, flag: string, path: string): Promise<void> {
  try {
    const x = await ds.read(Int32Array.from({ length: Math.min(batchSize, ds.size) }, (_, i) => i));
    x.dispose();
  } catch (err) {
    throw new UsageError(`--${flag} ${path}: ${(err as Error).message}`);
  }
}

/** How many distinct labels `labels` holds (0 without labels). */
function distinctCount(labels: Int32Array | null): number {
  return labels ? new Set(labels).size : 0;
}

function className(ds: ImageDataset, label: number): string {
  return ds.classNames?.[label] ?? String(label);
}

/** Why a labeled data set of a single class is not scored. */
function singleClassNote(ds: ImageDataset): string {
  const only = ds.labels && ds.labels.length > 0 ? ` ('${className(ds, ds.labels[0]!)}')` : '';
  return `--data ${ds.source} holds a single class${only}: a kNN or linear probe over one class is trivially right, so the encoder is trained but not scored; give --data two or more classes (one sub-folder per class) to score it`;
}

/** A note for a test set of a single class (scored, but the accuracy says little). */
function oneClassEvalNote(ds: ImageDataset): string {
  const only = ds.labels && ds.labels.length > 0 ? ` ('${className(ds, ds.labels[0]!)}')` : '';
  return `the test set ${ds.source} holds a single class${only}: its accuracy measures that class only`;
}

/**
 * The collapse warning, or `null`: the std of the L2-normalised embeddings below `0.25/√d`, the threshold of
 * core's `collapseMonitor` (a quarter of the ≈ 1/√d of embeddings spread over the sphere).
 */
export function collapseWarning(std: number, dim: number, untrained?: number): string | null {
  const threshold = collapseThreshold(dim);
  if (!(std < threshold)) return null;
  const before = untrained === undefined ? '' : ` (the untrained encoder: ${untrained.toExponential(2)})`;
  return (
    `representation collapse: the std of the L2-normalised embeddings is ${std.toExponential(2)}${before}, below ${threshold.toExponential(2)} ` +
    `(0.25/√${dim}, core's collapseMonitor threshold; healthy ≈ 1/√${dim} = ${(1 / Math.sqrt(dim)).toFixed(3)}): the encoder maps the images to nearly one point; ` +
    'train longer if the run was short, else try a smaller --lr, a larger --batch-size or another --method'
  );
}

/** {@link collapseStd} of the encoder's embeddings of the first (up to) 256 images of `ds`, for runs that are not scored. */
async function sampleCollapseStd(encoder: tf.LayersModel, ds: ImageDataset, batchSize: number): Promise<number> {
  const n = Math.min(256, ds.size);
  const images = await ds.read(Int32Array.from({ length: n }, (_, i) => i));
  const emb = embedImages(encoder, images, batchSize);
  images.dispose();
  try {
    await assertFiniteEmbeddings(emb, ds.source);
    return collapseStd(emb);
  } finally {
    emb.dispose();
  }
}
