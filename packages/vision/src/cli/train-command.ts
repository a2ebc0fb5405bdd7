import { join } from 'node:path';
import { writeFile } from 'node:fs/promises';
import { collapseStd, fileSystemHandler, initBackend, train, type BackendName } from '@contrastive/core';
import { ENCODERS } from '../encoders/registry.js';
import { imageBatches, type ImageBatch } from '../io/dataset.js';
import { METHODS } from '../methods/registry.js';
import { intFlag, numFlag, oneOf, required, startCommand, UsageError } from './args.js';
import { buildRun, cliViews, SIMCLR_HEADS, type RunConfig } from './build.js';
import { limitDataset, openData, resolveDataPath, scoringSets } from './data.js';
import { readBaseline, scoreBaselines, writeBaseline } from './baseline.js';
import { scoreEncoder, viewAlignmentUniformity } from './evaluate.js';
import { TRAIN_HELP } from './help.js';
import { prepareRunDir, readRunConfig, writeRunConfig } from './run-dir.js';
import { fewStepsNote, round, scoreLine, whyNoScores, type TrainSummary } from './train-report.js';

const SPEC = {
  method: { type: 'string' },
  data: { type: 'string' },
  'eval-data': { type: 'string' },
  encoder: { type: 'string' },
  width: { type: 'string' },
  'image-size': { type: 'string' },
  channels: { type: 'string' },
  epochs: { type: 'string' },
  'batch-size': { type: 'string' },
  lr: { type: 'string' },
  temperature: { type: 'string' },
  objective: { type: 'string' },
  projector: { type: 'string' },
  seed: { type: 'string' },
  limit: { type: 'string' },
  'eval-limit': { type: 'string' },
  'eval-split': { type: 'string' },
  out: { type: 'string' },
  resume: { type: 'boolean' },
  'checkpoint-every': { type: 'string' },
  overwrite: { type: 'boolean' },
  'no-baseline': { type: 'boolean' },
  'raw-baseline': { type: 'boolean' },
  backend: { type: 'string' },
  'probe-epochs': { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** Steps between the checkpoints saved inside an epoch (`--checkpoint-every`): a lost step is seconds (small CNN) to a minute (ResNet-18 on 2 cores). */
const DEFAULT_CHECKPOINT_EVERY = 50;

/** `contrastive-vision train`. Returns the process exit code. */
export async function trainCommand(argv: string[], out: (s: string) => void, err: (s: string) => void): Promise<number> {
  const start = startCommand(argv, SPEC as never, TRAIN_HELP, out, err);
  if (!start) return 0;
  const { v, json, log, started } = start;
  const method = oneOf(v, 'method', METHODS);
  if (!method) throw new UsageError('--method is required (simclr | moco-v1 | moco-v2 | moco-v3 | byol | simsiam | instdisc)');
  if (v.objective !== undefined && method !== 'instdisc') throw new UsageError(`--objective applies to --method instdisc only (got --method ${method})`);
  const objective = method === 'instdisc' ? oneOf(v, 'objective', ['softmax', 'nce'] as const, 'softmax') : undefined;
  if (v.projector !== undefined && method !== 'simclr') throw new UsageError(`--projector applies to --method simclr only (got --method ${method})`);
  const projector = method === 'simclr' ? oneOf(v, 'projector', SIMCLR_HEADS, 'mlp') : undefined;
  const dataPath = required(v, 'data');
  const encoderName = oneOf(v, 'encoder', ENCODERS, 'small-cnn')!;
  const seed = intFlag(v, 'seed', 0) ?? 0;
  const outDir = (v.out as string | undefined) ?? join('runs', `${method}-${encoderName}-seed${seed}`);
  const resume = v.resume === true;
  const checkpointEvery = intFlag(v, 'checkpoint-every', 0) ?? DEFAULT_CHECKPOINT_EVERY;
  const mode = await prepareRunDir(outDir, { resume, overwrite: v.overwrite === true });

  const backend: BackendName = await initBackend({ backend: oneOf(v, 'backend', ['wasm', 'cpu', 'tensorflow'] as const), log });

  let cfg: RunConfig;
  let retargeted: { from: number; to: number } | null = null;
  const channelsFlag = oneOf(v, 'channels', ['1', '3'] as const);
  const requestedSize = intFlag(v, 'image-size', 4);
  const train0 = await openData('data', dataPath, 'train', { imageSize: requestedSize, channels: channelsFlag ? (Number(channelsFlag) as 1 | 3) : undefined });
  const limitFlag = intFlag(v, 'limit', 2);
  const splitFlag = numFlag(v, 'eval-split');
  const evalLimit = intFlag(v, 'eval-limit', 2);
  // What trains and what is scored are built from the run's own settings before anything is written, so a
  // bad --eval-data or --eval-split leaves no half-made run folder behind.
  const setsFor = (c: { limit?: number; evalSplit?: number; seed: number; imageSize: number; channels: 1 | 3 }) =>
    scoringSets(limitDataset(train0, c.limit), { dataPath, evalData: v['eval-data'] as string | undefined, evalSplit: c.evalSplit, seed: c.seed, imageSize: c.imageSize, channels: c.channels, evalLimit });
  let sets: Awaited<ReturnType<typeof scoringSets>>;
  if (mode === 'resume') {
    cfg = await readRunConfig(outDir, 'out');
    checkResumedFlag(outDir, 'objective', v.objective, cfg.objective ?? 'nce');
    if (cfg.method !== method) throw new UsageError(`--resume: ${outDir} is a ${cfg.method} run, but --method is ${method}`);
    checkResumedFlag(outDir, 'eval-split', splitFlag, cfg.evalSplit);
    checkResumedFlag(outDir, 'projector', v.projector, cfg.projector ?? 'mlp');
    sets = await setsFor({ ...cfg, limit: limitFlag ?? cfg.limit });
    if (sets.train.size !== cfg.datasetSize) {
      // A different --limit, --data or a folder that changed would silently train on other images (and break
      // InstDisc's memory bank, sized by the dataset).
      throw new UsageError(
        `--resume: ${outDir} was trained on ${cfg.datasetSize} images of ${cfg.data}${cfg.limit === undefined ? '' : ` (--limit ${cfg.limit})`}, but --data ${dataPath}${limitFlag === undefined ? '' : ` --limit ${limitFlag}`} now gives ${sets.train.size}`,
      );
    }
    const epochs = intFlag(v, 'epochs', 1);
    if (epochs !== undefined && epochs !== cfg.epochs) {
      // Recorded so that a later --resume without --epochs aims at the new target, not the old one.
      retargeted = { from: cfg.epochs, to: epochs };
      cfg.epochs = epochs;
      await writeRunConfig(outDir, cfg);
    }
  } else {
    const imageSize = requestedSize ?? train0.height;
    const channels = train0.channels as 1 | 3;
    sets = await setsFor({ limit: limitFlag, evalSplit: splitFlag, seed, imageSize, channels });
    const batchSize = Math.min(intFlag(v, 'batch-size', 2) ?? 256, Math.max(2, Math.floor(sets.train.size / 2)));
    cfg = {
      method,
      encoder: encoderName,
      imageSize,
      channels,
      widthMultiplier: numFlag(v, 'width') ?? 0.25,
      seed,
      lr: numFlag(v, 'lr') ?? 1e-3,
      batchSize,
      epochs: intFlag(v, 'epochs', 1) ?? 10,
      temperature: numFlag(v, 'temperature'),
      objective,
      projector,
      datasetSize: sets.train.size,
      data: resolveDataPath(dataPath),
      ...(limitFlag === undefined ? {} : { limit: limitFlag }),
      evalData: sets.test && splitFlag === undefined ? resolveDataPath((v['eval-data'] as string | undefined) ?? dataPath) : null,
      ...(splitFlag === undefined ? {} : { evalSplit: splitFlag }),
    };
  }
  const { train: trainDs, test: evalDs } = sets;
  const canScore = Boolean(trainDs.labels && evalDs?.labels);
  if (!canScore) log(`[contrastive-vision] ${whyNoScores(Boolean(trainDs.labels), evalDs ? Boolean(evalDs.labels) : null)}`);
  if (v['raw-baseline'] === true && !canScore) throw new UsageError('--raw-baseline needs labeled --data and a labeled test set (--eval-data or --eval-split)');
  if (mode === 'new') await writeRunConfig(outDir, cfg);

  const m = buildRun(cfg);
  if (retargeted) {
    log(
      `[contrastive-vision] --resume: target changed from ${retargeted.from} to ${retargeted.to} epochs` +
        (m.usesTotalSteps ? `; ${cfg.method}'s cosine schedules now span ${retargeted.to} epochs from this checkpoint on, so the run differs from a fresh ${retargeted.to}-epoch run` : ''),
    );
  }
  const views = cliViews(cfg.method, cfg.imageSize);
  try {
    const scoreOpts = { seed: cfg.seed, probeEpochs: intFlag(v, 'probe-epochs', 1), progress: process.stderr };
    const known = mode === 'resume' ? await readBaseline(outDir) : null;
    const baseline = canScore
      ? await scoreBaselines(known, trainDs, evalDs!, {
          ...scoreOpts,
          untrained: v['no-baseline'] !== true && mode === 'new' ? { encoder: m.encoder, name: cfg.encoder, views } : null,
          rawPixels: v['raw-baseline'] === true,
          log,
        })
      : known;
    if (baseline) await writeBaseline(outDir, baseline);

    const stepsPerEpoch = Math.floor(trainDs.size / cfg.batchSize);
    const totalSteps = stepsPerEpoch * cfg.epochs;
    log(
      `[contrastive-vision] ${cfg.method} on ${trainDs.size} images ${cfg.imageSize}x${cfg.imageSize}x${cfg.channels}, ` +
        `${cfg.encoder}, batch ${cfg.batchSize}, ${cfg.epochs} epochs (${stepsPerEpoch} steps each), backend ${backend}, out ${outDir}`,
    );
    const few = fewStepsNote(stepsPerEpoch, cfg.epochs, cfg.batchSize);
    if (few && mode === 'new') log(`[contrastive-vision] ${few}`);
    const trainStart = performance.now();
    const result = await train<ImageBatch>({
      step: (batch, info) => m.step(batch, { ...info, totalSteps }),
      batches: (_epoch, rng) => imageBatches(trainDs, { batchSize: cfg.batchSize, rng, dropLast: true }),
      epochs: cfg.epochs,
      stepsPerEpoch,
      seed: cfg.seed,
      state: m,
      checkpointDir: join(outDir, 'checkpoint'),
      checkpointEverySteps: checkpointEvery > 0 ? checkpointEvery : undefined,
      resume: mode === 'resume',
      overwrite: true,
      lossCurvePath: join(outDir, 'loss-curve.png'),
      lossLogPath: join(outDir, 'losses.csv'),
      lossCurveTitle: `${cfg.method} / ${cfg.encoder} training loss`,
      progress: true,
      log,
    });
    const trainSeconds = (performance.now() - trainStart) / 1000;
    await m.encoder.save(fileSystemHandler(join(outDir, 'encoder')));

    let scores: { knnAccuracy: number; linearProbeAccuracy: number } | null = null;
    let spread: number | null = null;
    let au: { alignment: number; uniformity: number } | null = null;
    if (canScore) {
      log(`[contrastive-vision] scoring the trained encoder: kNN and linear probe on ${trainDs.size} + ${evalDs!.size} images`);
      const s = await scoreEncoder(m.encoder, trainDs, evalDs!, scoreOpts);
      spread = collapseStd(s.testEmbeddings);
      s.testEmbeddings.dispose();
      scores = { knnAccuracy: s.knnAccuracy, linearProbeAccuracy: s.linearProbeAccuracy };
      au = await viewAlignmentUniformity(m.encoder, evalDs!, views, { seed: cfg.seed });
    }
    const summary: TrainSummary = {
      method: cfg.method,
      encoder: cfg.encoder,
      epochs: result.epochs,
      knnAccuracy: scores?.knnAccuracy ?? null,
      linearProbeAccuracy: scores?.linearProbeAccuracy ?? null,
      randomInitKnnAccuracy: baseline?.knnAccuracy ?? null,
      randomInitLinearProbeAccuracy: baseline?.linearProbeAccuracy ?? null,
      rawPixelKnnAccuracy: baseline?.rawPixels?.knnAccuracy ?? null,
      rawPixelLinearProbeAccuracy: baseline?.rawPixels?.linearProbeAccuracy ?? null,
      seconds: round((performance.now() - started) / 1000, 1),
      trainSeconds: round(trainSeconds, 1),
      finalLoss: result.epochLosses.length ? round(result.epochLosses.at(-1)!, 4) : null,
      collapseStd: spread === null ? null : round(spread, 4),
      randomInitCollapseStd: baseline?.collapseStd === undefined ? null : round(baseline.collapseStd, 4),
      alignment: au ? round(au.alignment, 4) : null,
      uniformity: au ? round(au.uniformity, 4) : null,
      randomInitAlignment: baseline?.alignment === undefined ? null : round(baseline.alignment, 4),
      randomInitUniformity: baseline?.uniformity === undefined ? null : round(baseline.uniformity, 4),
      backend,
      seed: cfg.seed,
      trainImages: trainDs.size,
      evalImages: evalDs?.size ?? 0,
      out: outDir,
    };
    await writeFile(join(outDir, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
    if (scores) log(`[contrastive-vision] ${scoreLine(summary)}`);
    if (json) out(JSON.stringify(summary));
    return 0;
  } finally {
    m.dispose();
  }
}

/** `--resume` given a flag the run was trained with differently (or without): a usage error naming what run.json recorded. */
function checkResumedFlag(outDir: string, flag: string, given: unknown, recorded: string | number | undefined): void {
  if (given === undefined || given === recorded) return;
  throw new UsageError(`--resume: ${outDir} was trained ${recorded === undefined ? `without --${flag}` : `with --${flag} ${recorded}`}`);
}

