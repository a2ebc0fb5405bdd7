import { join } from 'node:path';
import { writeFile } from 'node:fs/promises';
import { collapseStd, fileSystemHandler, initBackend, train, type BackendName } from '@contrastive/core';
import { ENCODERS } from '../encoders/registry.js';
import { imageBatches, type ImageBatch } from '../io/dataset.js';
import { METHODS } from '../methods/registry.js';
import { intFlag, numFlag, oneOf, parse, required, UsageError } from './args.js';
import { buildRun, cliViews, SIMCLR_HEADS, type RunConfig } from './build.js';
import { limitDataset, openData, resolveDataPath, scoringSets } from './data.js';
import { scoreEncoder, scoreRawPixels, viewAlignmentUniformity } from './evaluate.js';
import { TRAIN_HELP } from './help.js';
import { prepareRunDir, readRunConfig, writeRunConfig } from './run-dir.js';

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

/** The final summary (`--json` prints it as one line). */
export interface TrainSummary {
  method: string;
  encoder: string;
  epochs: number;
  knnAccuracy: number | null;
  linearProbeAccuracy: number | null;
  randomInitKnnAccuracy: number | null;
  randomInitLinearProbeAccuracy: number | null;
  /** The same kNN / probe on the flattened pixels (`--raw-baseline`), else `null`. */
  rawPixelKnnAccuracy: number | null;
  rawPixelLinearProbeAccuracy: number | null;
  seconds: number;
  trainSeconds: number;
  finalLoss: number | null;
  collapseStd: number | null;
  randomInitCollapseStd: number | null;
  /** Wang & Isola alignment of two views of the eval images (encoder output, L2-normalised; lower = views closer). */
  alignment: number | null;
  /** Wang & Isola uniformity (t = 2) of the same embeddings (lower = more spread; 0 = collapsed). */
  uniformity: number | null;
  randomInitAlignment: number | null;
  randomInitUniformity: number | null;
  backend: string;
  seed: number;
  trainImages: number;
  evalImages: number;
  out: string;
}

/** `contrastive-vision train`. Returns the process exit code. */
export async function trainCommand(argv: string[], out: (s: string) => void, err: (s: string) => void): Promise<number> {
  const v = parse(argv, SPEC as never);
  if (v.help) {
    out(TRAIN_HELP);
    return 0;
  }
  const started = performance.now();
  const json = v.json === true;
  const log = json ? err : out;
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
  const limited = limitDataset(train0, intFlag(v, 'limit', 2));
  const splitFlag = numFlag(v, 'eval-split');
  const evalLimit = intFlag(v, 'eval-limit', 2);
  // What trains and what is scored are built from the run's own settings before anything is written, so a
  // bad --eval-data or --eval-split leaves no half-made run folder behind.
  const setsFor = (c: { evalSplit?: number; seed: number; imageSize: number; channels: 1 | 3 }) =>
    scoringSets(limited, { dataPath, evalData: v['eval-data'] as string | undefined, evalSplit: c.evalSplit, seed: c.seed, imageSize: c.imageSize, channels: c.channels, evalLimit });
  let sets: Awaited<ReturnType<typeof scoringSets>>;
  if (mode === 'resume') {
    cfg = await readRunConfig(outDir, 'out');
    checkResumedFlag(outDir, 'objective', v.objective, cfg.objective ?? 'nce');
    if (cfg.method !== method) throw new UsageError(`--resume: ${outDir} is a ${cfg.method} run, but --method is ${method}`);
    checkResumedFlag(outDir, 'eval-split', splitFlag, cfg.evalSplit);
    checkResumedFlag(outDir, 'projector', v.projector, cfg.projector ?? 'mlp');
    sets = await setsFor(cfg);
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
    sets = await setsFor({ evalSplit: splitFlag, seed, imageSize, channels });
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
    let baseline: Baseline | null = mode === 'resume' ? await readBaseline(outDir) : null;
    const scoreOpts = { seed: cfg.seed, probeEpochs: intFlag(v, 'probe-epochs', 1), progress: process.stderr };
    if (canScore && v['no-baseline'] !== true && mode === 'new') {
      log(`[contrastive-vision] scoring the untrained ${cfg.encoder} (the baseline): kNN and linear probe on ${trainDs.size} + ${evalDs!.size} images`);
      const s = await scoreEncoder(m.encoder, trainDs, evalDs!, scoreOpts);
      const au = await viewAlignmentUniformity(m.encoder, evalDs!, views, { seed: cfg.seed });
      baseline = { knnAccuracy: s.knnAccuracy, linearProbeAccuracy: s.linearProbeAccuracy, collapseStd: collapseStd(s.testEmbeddings), ...au };
      s.testEmbeddings.dispose();
      log(`[contrastive-vision] random-init ${cfg.encoder}: kNN ${pct(s.knnAccuracy)}  linear probe ${pct(s.linearProbeAccuracy)}`);
    }
    if (v['raw-baseline'] === true && baseline?.rawPixels === undefined) {
      log(`[contrastive-vision] scoring the raw pixels (the other baseline): kNN and linear probe on ${trainDs.size} + ${evalDs!.size} images`);
      const raw = await scoreRawPixels(trainDs, evalDs!, scoreOpts);
      baseline = { ...(baseline ?? {}), rawPixels: raw };
      log(`[contrastive-vision] raw pixels: kNN ${pct(raw.knnAccuracy)}  linear probe ${pct(raw.linearProbeAccuracy)}`);
    }
    if (baseline) await writeFile(join(outDir, 'baseline.json'), `${JSON.stringify(baseline)}\n`);

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
      const s = await scoreEncoder(m.encoder, trainDs, evalDs!, { seed: cfg.seed, probeEpochs: intFlag(v, 'probe-epochs', 1), progress: process.stderr });
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
    if (scores) {
      const vs = (ri: number | null, raw: number | null) => `(random init ${ri === null ? 'n/a' : pct(ri)}${raw === null ? '' : `, raw pixels ${pct(raw)}`})`;
      log(
        `[contrastive-vision] ${cfg.method}: kNN ${pct(scores.knnAccuracy)} ${vs(summary.randomInitKnnAccuracy, summary.rawPixelKnnAccuracy)}, ` +
          `linear probe ${pct(scores.linearProbeAccuracy)} ${vs(summary.randomInitLinearProbeAccuracy, summary.rawPixelLinearProbeAccuracy)}, ${summary.seconds}s`,
      );
    }
    if (json) out(JSON.stringify(summary));
    return 0;
  } finally {
    m.dispose();
  }
}

/** baseline.json: the untrained encoder's scores (absent with --no-baseline) and, with --raw-baseline, the raw pixels'. */
interface Baseline {
  knnAccuracy?: number;
  linearProbeAccuracy?: number;
  rawPixels?: { knnAccuracy: number; linearProbeAccuracy: number };
  collapseStd?: number;
  alignment?: number;
  uniformity?: number;
}

async function readBaseline(dir: string): Promise<Baseline | null> {
  try {
    const { readFile } = await import('node:fs/promises');
    return JSON.parse(await readFile(join(dir, 'baseline.json'), 'utf8'));
  } catch {
    return null;
  }
}

/** `--resume` given a flag the run was trained with differently (or without): a usage error naming what run.json recorded. */
function checkResumedFlag(outDir: string, flag: string, given: unknown, recorded: string | number | undefined): void {
  if (given === undefined || given === recorded) return;
  throw new UsageError(`--resume: ${outDir} was trained ${recorded === undefined ? `without --${flag}` : `with --${flag} ${recorded}`}`);
}

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
const round = (x: number, d: number) => Math.round(x * 10 ** d) / 10 ** d;

/**
 * Why a run cannot be scored, and what to pass to score it. `evalLabeled` is `null` when there is no
 * `--eval-data` (an image folder as `--data` has no test split of its own).
 */
export function whyNoScores(trainLabeled: boolean, evalLabeled: boolean | null): string {
  const what = 'training only, no kNN / linear-probe scores';
  if (!trainLabeled) return `--data has no labels (images directly in the folder, not in one sub-folder per class): ${what}`;
  if (evalLabeled === null) return `no --eval-data: ${what}; pass --eval-data PATH (labeled images, one sub-folder per class, the same class names) to score the encoder`;
  return `--eval-data has no labels (images directly in the folder, not in one sub-folder per class): ${what}`;
}

/** Below this many optimizer steps in all, a run is told it is short (see {@link fewStepsNote}). */
export const FEW_STEPS = 500;

/**
 * A note for runs too short to expect a clear gain over the random init (small data at the default batch
 * of 256 gives a handful of steps per epoch), or `null`. Measured (README): SimCLR on the bundled 3,000
 * images at batch 64, 3 epochs (138 steps) +1.2 ± 1.1 probe points over seeds 0–4; 12 epochs (552 steps) +4.5.
 */
export function fewStepsNote(stepsPerEpoch: number, epochs: number, batchSize: number): string | null {
  const total = stepsPerEpoch * epochs;
  if (total >= FEW_STEPS) return null;
  const smaller = batchSize > 64 ? ' or lower --batch-size' : '';
  return `note: ${total} optimizer steps in all (${stepsPerEpoch} per epoch × ${epochs} epochs); contrastive encoders usually need ${FEW_STEPS}+ steps to beat their random init clearly — raise --epochs${smaller}`;
}
