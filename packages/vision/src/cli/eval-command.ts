import { join, resolve } from 'node:path';
import { BACKENDS, collapseStd, initBackend } from '@contrastive/core';
import {
  boolFlag,
  finishRun,
  EVAL_FLAGS,
  intFlag,
  numFlag,
  oneOfFlag,
  resolveKnnK,
  startCommand,
  stringFlag,
  UsageError,
  type CliIo,
  type FlagSpec,
} from '@contrastive/core/cli';
import { embeddingMapPng } from '@contrastive/core/node';
import { recipeViews } from '../recipes.js';
import { limitDataset } from '../io/dataset.js';
import { openData, resolveDataPath, scoringSets } from './data.js';
import { scoreEncoder, viewAlignmentUniformity } from './evaluate.js';
import { readRunFlags, RUN_READER_FLAGS } from './flags.js';
import { EVAL_HELP } from './help.js';
import { DOMAIN, TOOL } from './tool.js';
import { assertFiniteModel } from './finite.js';
import { readoutFlag, scoredReadout } from './readout.js';
import { loadTrainedRun } from './trained-run.js';
import { EVAL_PASSES_FLAG, passMetrics, readEvalPasses } from './invclr-flags.js';
import { optionalProbeEpochs } from './train-command.js';
import { scoreMetrics, type VisionRunSummary } from './train-report.js';

const SPEC = {
  ...RUN_READER_FLAGS,
  ...EVAL_FLAGS,
  'eval-data': { type: 'string' },
  'eval-split': { type: 'string' },
  map: { type: 'string' },
  'map-method': { type: 'string' },
  'eval-limit': { type: 'string' },
  'probe-epochs': { type: 'string' },
  readout: { type: 'string' },
  ...EVAL_PASSES_FLAG,
} as const satisfies FlagSpec;

/**
 * `contrastive-vision eval`: scores the run's latest checkpoint and draws its embedding map. Prints core's
 * `RunSummary` shape (epochs, steps and the last epoch's loss from the checkpoint; `trainSeconds` 0) with the
 * map's path; the run's own summary.json is left as it is. Returns the process exit code.
 */
export async function evalCommand(argv: string[], io: CliIo): Promise<number> {
  const ctx = startCommand(argv, SPEC, EVAL_HELP, io);
  if (!ctx) return 0;
  const { values, log, started } = ctx;
  const { dir, cfg, dataPath } = await readRunFlags(values);
  const readout = readoutFlag(values, cfg.method) ?? cfg.readout;
  // The held-out share of --data: --eval-split, else the run's own (run.json) unless --eval-data is given.
  const evalData = stringFlag(values, 'eval-data');
  const evalSplit = numFlag(values, 'eval-split') ?? (evalData === undefined ? cfg.evalSplit : undefined);
  const mapMethod = oneOfFlag(values, 'map-method', ['umap', 'pca'] as const, 'umap');
  const backendFlag = oneOfFlag(values, 'backend', BACKENDS);
  const backend = await initBackend({ ...(backendFlag === undefined ? {} : { backend: backendFlag }), log });
  // On the run's own --data, a held-out share must be the very one training never saw.
  const ownData = evalSplit !== undefined && resolveDataPath(dataPath) === resolve(cfg.data);
  if (ownData && evalSplit !== cfg.evalSplit) {
    throw new UsageError(
      `--eval-split ${evalSplit}: ${dir} was trained on ${cfg.evalSplit === undefined ? 'all of' : `all but a held-out ${cfg.evalSplit} of`} --data ${dataPath}, so this share holds images it trained on; ` +
        (cfg.evalSplit === undefined
          ? 'score on --eval-data instead'
          : `leave --eval-split out (the run's ${cfg.evalSplit} is the default)`),
    );
  }
  const limit = intFlag(values, 'limit', 2) ?? (ownData ? cfg.limit : undefined);
  const data = limitDataset(await openData('data', dataPath, 'train', { imageSize: cfg.imageSize, channels: cfg.channels }), limit);
  const { train, test } = await scoringSets(data, {
    dataPath,
    evalData,
    evalSplit,
    seed: cfg.seed,
    imageSize: cfg.imageSize,
    channels: cfg.channels,
    evalLimit: intFlag(values, 'eval-limit', 2),
  });
  if (ownData && train.size !== cfg.datasetSize) {
    throw new UsageError(
      `--eval-split ${evalSplit}: ${dir} trained on ${cfg.datasetSize} images of --data ${dataPath}, this split keeps ${train.size}, so its held-out share is not the one training never saw (a different --limit, or the folder changed)`,
    );
  }
  if (!test)
    throw new UsageError(
      `eval needs a labeled test set: pass --eval-data PATH (or --eval-split F to hold out a share of --data ${dataPath})`,
    );
  if (!train.labels || !test.labels)
    throw new UsageError('eval needs labels in both --data and --eval-data (class sub-folders or IDX label files)');
  if (new Set(train.labels).size < 2)
    throw new UsageError(
      `eval: --data ${dataPath} holds a single class; a kNN or linear probe over one class is trivially right, so it is not scored (give two or more classes)`,
    );
  if (train.channels !== cfg.channels)
    throw new UsageError(`--data has ${train.channels} channel(s); the checkpoint's encoder expects ${cfg.channels}`);
  const knn = resolveKnnK(values, train.labels);
  const evalPasses = readEvalPasses(values);
  const views = recipeViews(cfg.recipe, cfg.imageSize)!;
  const progress = !boolFlag(values, 'no-progress');
  const { method, progress: trained } = await loadTrainedRun(dir, cfg);
  try {
    await assertFiniteModel(method.encoder, `the encoder of ${dir}'s checkpoint (nothing was scored)`);
    const scored = await scoreEncoder(scoredReadout(method, readout), train, test, {
      seed: cfg.seed,
      knnK: knn.k,
      ...optionalProbeEpochs(values),
      ...(progress ? { progress: process.stderr } : {}),
      evalPasses,
      evalView: views[0],
    });
    const mapPath = stringFlag(values, 'map') ?? join(dir, 'embedding-map.png');
    embeddingMapPng(scored.testEmbeddings, test.labels, {
      path: mapPath,
      method: mapMethod,
      seed: cfg.seed,
      classNames: test.classNames ?? undefined,
      title: `${cfg.method} / ${cfg.encoder}: ${mapMethod.toUpperCase()} of ${test.size} test embeddings`,
    });
    const spread = collapseStd(scored.testEmbeddings);
    scored.testEmbeddings.dispose();
    const alignUniform = await viewAlignmentUniformity(method.encoder, test, views, { seed: cfg.seed });
    const seconds = (performance.now() - started) / 1000;
    const summary: VisionRunSummary & { embeddingMap: string } = {
      method: cfg.method,
      domain: DOMAIN,
      encoder: cfg.encoder,
      seed: cfg.seed,
      epochs: trained.epochs,
      steps: trained.steps,
      seconds,
      trainSeconds: 0,
      backend,
      out: dir,
      finalLoss: trained.finalLoss,
      trainImages: train.size,
      evalImages: test.size,
      embeddingMap: mapPath,
      metrics: {
        ...scoreMetrics(
          { knnAccuracy: scored.knnAccuracy, linearProbeAccuracy: scored.linearProbeAccuracy, ...alignUniform, collapseStd: spread },
          knn,
        ),
        ...passMetrics(evalPasses, scored.conditionalVariance),
      },
      baselines: {},
    };
    log(
      `[${TOOL}] ${cfg.method}: kNN ${(100 * scored.knnAccuracy).toFixed(1)}% (k = ${knn.k}), linear probe ${(100 * scored.linearProbeAccuracy).toFixed(1)}%, ` +
        `alignment ${alignUniform.alignment.toFixed(3)}, uniformity ${alignUniform.uniformity.toFixed(3)}, ` +
        (scored.conditionalVariance === undefined
          ? ''
          : `M = ${evalPasses} passes, conditional variance ${scored.conditionalVariance.toExponential(3)}, `) +
        `map ${mapPath}`,
    );
    return await finishRun(summary, io, { json: ctx.json, tool: TOOL });
  } finally {
    method.dispose();
  }
}
