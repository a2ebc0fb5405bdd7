/** `contrastive-multimodal train`: CLIP, LiT, CMCL or DEMI on an image–caption folder, scored by image↔text retrieval. */
import { mkdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '@contrastive/core';
import type { CliIo, RunSettings, RunSummary } from '@contrastive/core/cli';
import {
  dataParallelFlags,
  describeDataParallel,
  finishRun,
  intFlag,
  methodOrResumed,
  numFlag,
  oneOfFlag,
  prepareRunFolder,
  readCommonFlags,
  readRunConfig,
  refuseFlagsOfOtherMethods,
  runPaths,
  settingsResolver,
  startCommand,
  stringFlag,
  UsageError,
  writeRunConfig,
} from '@contrastive/core/cli';
import { fileSystemHandler, train, writeFileAtomic } from '@contrastive/core/node';
import { retrievalRecall, type RetrievalScores } from '../eval/retrieval.js';
import type { Clip } from '../methods/clip.js';
import type { Cmcl, CmclBatch } from '../methods/cmcl.js';
import { cmclBatch } from '../rewrites/cmcl-batch.js';
import { type CaptionDataset, openCaptionFolder } from '../node/index.js';
import { cmclRewriteTables } from '../node/rewrites-tables.js';
import { UseLiteMissingError } from '@contrastive/text/node';
import { METHODS, type MethodName, TOOL, TRAIN_HELP, TRAIN_SPEC } from './help.js';
import { missingFolders, removeEmptyFolders } from './created-folders.js';
import { EMBED_BATCH, embedImageItems } from './embed-images.js';
import { captionGallery, type ImageCaptions, imageCaptions, pairBatches, pairSteps } from './pairs.js';
import { buildTrainMethod, type TrainMethodArgs } from './replica.js';
import { lockedUseLiteSide, scratchTextSide, type TextSide } from './towers.js';

/** The module data-parallel workers build their replica from (the TypeScript source when run from sources). */
const REPLICA_MODULE = new URL(import.meta.url.endsWith('.ts') ? './replica.ts' : './replica.js', import.meta.url).href;

export const VERSION: string = (JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string })
  .version;

async function openSplit(
  data: string,
  split: 'train' | 'test',
  opts: { imageSize: number; channels: 1 | 3; testFraction: number; seed: number },
) {
  try {
    return await openCaptionFolder(data, {
      split,
      imageSize: opts.imageSize,
      channels: opts.channels,
      testFraction: opts.testFraction,
      seed: opts.seed,
      // Every image of the split decoded now, into the cache the epochs read from (so no decode is spent twice while
      // the split fits it): an image that does not decode is refused before the run starts, not by the step or the
      // scoring that reaches it.
      verify: true,
    });
  } catch (e) {
    throw new UsageError(`--data ${data}: ${(e as Error).message}`);
  }
}

/** Recall@1/5/10 of `clip` on the distinct images of `ds` and their distinct captions. */
async function score<XT>(
  clip: Clip<tf.Tensor4D, XT>,
  text: TextSide<XT>,
  ds: CaptionDataset,
  groups: ImageCaptions,
): Promise<RetrievalScores> {
  const { texts, matches } = captionGallery(groups);
  const zi = await embedImageItems(ds, (x) => clip.embedImages(x), groups.items);
  const textParts: tf.Tensor2D[] = [];
  for (let s = 0; s < texts.length; s += EMBED_BATCH) {
    const input = text.input(texts.slice(s, s + EMBED_BATCH));
    textParts.push(clip.embedTexts(input));
    text.release(input);
  }
  const zt = tf.concat(textParts, 0) as tf.Tensor2D;
  tf.dispose(textParts);
  try {
    return retrievalRecall(zi, zt, matches);
  } finally {
    tf.dispose([zi, zt]);
  }
}

/** Recall@1/5/10 in both directions as summary metrics. */
const flat = (s: RetrievalScores): Record<string, number> => ({
  imageToTextR1: s.imageToText[1]!,
  imageToTextR5: s.imageToText[5]!,
  imageToTextR10: s.imageToText[10]!,
  textToImageR1: s.textToImage[1]!,
  textToImageR5: s.textToImage[5]!,
  textToImageR10: s.textToImage[10]!,
});

export async function trainCommand(argv: string[], io: CliIo): Promise<number> {
  // Folders `--out` made that did not exist: removed again (while still empty) when the command fails before the run
  // starts, so a refused input leaves nothing behind and the same command is accepted once the input is fixed.
  const created: string[] = [];
  try {
    return await trainRun(argv, io, created);
  } catch (e) {
    await removeEmptyFolders(created);
    throw e;
  }
}

async function trainRun(argv: string[], io: CliIo, created: string[]): Promise<number> {
  const ctx = startCommand(argv, TRAIN_SPEC, TRAIN_HELP, io);
  if (!ctx) return 0;
  const v = ctx.values;
  const dataFlag = stringFlag(v, 'data');
  const testFractionFlag = numFlag(v, 'test-fraction', { min: 0 });
  const imageSizeFlag = intFlag(v, 'image-size', 8);
  const channelsFlag = oneOfFlag(v, 'channels', ['1', '3'] as const);
  const embedDimFlag = intFlag(v, 'embed-dim', 2);
  const maxLengthFlag = intFlag(v, 'max-length', 3);
  const vocabSizeFlag = intFlag(v, 'vocab-size', 16);
  const useLiteFlag = stringFlag(v, 'use-lite');
  const localesFlag = stringFlag(v, 'locales');
  const method: MethodName = await methodOrResumed(v, METHODS, TOOL);
  refuseFlagsOfOtherMethods(
    v,
    {
      'max-length': ['clip', 'cmcl', 'demi'],
      'vocab-size': ['clip', 'cmcl', 'demi'],
      'use-lite': ['lit'],
      locales: ['cmcl'],
      'crop-scale': ['demi'],
    },
    method,
  );
  const common = readCommonFlags(v, { epochs: 20, batchSize: 64, lr: 1e-3, outPrefix: method });
  const out = common.out!;
  // The --out refusals come before anything is read. Without --overwrite, preparing the folder only creates it; with
  // --overwrite it removes the old run's files, so on an existing folder that waits until the data and the towers
  // are ready: a refused input never costs the previous run.
  created.push(...(await missingFolders(out)));
  const deferPrepare = common.overwrite && (await stat(out).catch(() => null))?.isDirectory() === true;
  const prepare = () => prepareRunFolder(out, { tool: TOOL, resume: common.resume, overwrite: common.overwrite });
  const status = deferPrepare ? 'new' : await prepare();
  const record = status === 'resume' ? await readRunConfig<RunSettings>(out, 'out', { tool: TOOL }) : undefined;
  if (record !== undefined && record.method !== method)
    throw new UsageError(`--resume: ${out} is a ${record.method} run, not ${method}; drop --method or choose another --out`);
  const given = <T>(flag: string, value: T): T | undefined => (common.given.has(flag as never) ? value : undefined);
  const r = settingsResolver(out, record?.config);
  const epochs = Number(r.take('epochs', given('epochs', common.epochs), 20, true));
  const seed = Number(r.take('seed', given('seed', common.seed), 0));
  const batchSize = Number(r.take('batch-size', given('batch-size', common.batchSize), 64));
  const lr = Number(r.take('lr', given('lr', common.learningRate), 1e-3));
  const limit = r.take('limit', given('limit', common.limit));
  const data = r.take('data', dataFlag);
  if (data === undefined) throw new UsageError('--data DIR is required: an image–caption folder (build one with the data command)');
  const testFraction = Number(r.take('test-fraction', testFractionFlag, 0.2));
  const imageSize = Number(r.take('image-size', imageSizeFlag, 64));
  const channels = Number(r.take('channels', channelsFlag, '3')) as 1 | 3;
  const embedDim = Number(r.take('embed-dim', embedDimFlag, 128));
  const scratch = method !== 'lit';
  const maxLength = scratch ? Number(r.take('max-length', maxLengthFlag, 32)) : 0;
  const vocabSize = scratch ? Number(r.take('vocab-size', vocabSizeFlag, 4000)) : 0;
  const localesSetting = method === 'cmcl' ? String(r.take('locales', localesFlag, 'es,fr,de')) : 'none';
  const locales: string[] | 'all' =
    localesSetting === 'all'
      ? 'all'
      : localesSetting === 'none'
        ? []
        : localesSetting
            .split(',')
            .map((l) => l.trim())
            .filter(Boolean);
  const cropScale = method === 'demi' ? parseCropScale(String(r.take('crop-scale', stringFlag(v, 'crop-scale'), '0.2,0.5'))) : null;
  const useLiteDir = method === 'lit' ? (r.take('use-lite', useLiteFlag) as string | undefined) : undefined;
  const checkpointEvery = Number(r.take('checkpoint-every', given('checkpoint-every', common.checkpointEvery), 0));
  const backend = await initBackend({ ...(common.backend ? { backend: common.backend } : {}), log: ctx.log });

  const open = { imageSize, channels, testFraction, seed };
  const trainDs = await openSplit(String(data), 'train', open);
  const testDs = await openSplit(String(data), 'test', open);
  let trainGroups = imageCaptions(trainDs);
  if (limit !== undefined)
    trainGroups = { items: trainGroups.items.slice(0, Number(limit)), captions: trainGroups.captions.slice(0, Number(limit)) };
  const testGroups = imageCaptions(testDs);
  if (trainGroups.items.length < 2)
    throw new UsageError(`--data ${data}: the train split has ${trainGroups.items.length} image(s); a batch needs 2`);
  if (testGroups.items.length < 2)
    throw new UsageError(`--data ${data}: the test split has ${testGroups.items.length} image(s); set --test-fraction or add a split`);
  const batch = Math.min(batchSize, trainGroups.items.length);
  const paths = runPaths(out);
  ctx.log(
    `data: ${data}, ${trainGroups.items.length} train and ${testGroups.items.length} test images (${trainDs.splitFrom === 'records' ? 'split from captions.jsonl' : `seeded split, ${testFraction} held out`})`,
  );
  for (const w of trainDs.warnings) ctx.log(`data: ${w}`);

  const trainCaptions = trainGroups.captions.flat();
  // cmcl: the rewrite tables of the train split (translations, glosses, BM25 neighbours, word swaps), by image index.
  const rewrites = method === 'cmcl' ? await cmclRewriteTables(trainDs, { locales, seed, log: ctx.log }) : null;
  const rewriteTexts = rewrites
    ? rewrites.tables.flatMap((t) => (t ? [...t.positives, ...t.weakPositives, ...t.sentenceNegatives, ...t.wordNegatives] : []))
    : [];
  const text: TextSide<unknown> =
    method !== 'lit'
      ? ((await scratchTextSide([...trainCaptions, ...rewriteTexts], { vocabSize, maxLength, seed })) as TextSide<unknown>)
      : ((await lockedUseLiteSide([...trainCaptions, ...testGroups.captions.flat()], {
          ...(useLiteDir === undefined ? {} : { dir: useLiteDir }),
          log: ctx.log,
        }).catch((e: Error) => {
          // An environment the user fixes (a wrong folder, the optional peer not installed): a usage error, exit 2.
          if (useLiteDir !== undefined) throw new UsageError(`--use-lite ${useLiteDir}: ${e.message}`);
          throw e instanceof UseLiteMissingError ? new UsageError(`--method lit: ${e.message} (or pass --use-lite DIR)`) : e;
        })) as TextSide<unknown>);
  const methodArgs: TrainMethodArgs = {
    method,
    imageSize,
    channels,
    embedDim,
    learningRate: lr,
    seed,
    text: text.spec,
    textDim: text.dim,
    cropScale,
  };
  // --workers is not recorded in run.json: a run may resume on another number of threads (the loss is the same).
  const parallel = dataParallelFlags(common, {
    batchSize: batch,
    replica: { module: REPLICA_MODULE, export: 'createReplica', args: methodArgs },
    command: `${TOOL} train`,
  });
  const parallelLine = describeDataParallel(parallel, batch, { unit: 'pairs' });
  if (parallelLine) ctx.log(parallelLine);
  const clip = buildTrainMethod(methodArgs, text.tower);
  const stepsPerEpoch = pairSteps(trainGroups.items.length, batch);
  try {
    // The baseline: the same towers and projections before any step (a resumed run loads over them later).
    const atInit = status === 'resume' ? null : await score(clip, text, testDs, testGroups);
    // The run starts here, with everything that can refuse the input behind it: run.json (and, with --overwrite, the
    // removal of the old run's files) never marks a run that could not have trained.
    if (deferPrepare) await prepare();
    const config = { ...r.settings };
    if (record === undefined)
      await writeRunConfig(paths.dir, {
        tool: TOOL,
        version: VERSION,
        domain: 'multimodal',
        method,
        createdAt: new Date().toISOString(),
        config,
      });
    else await writeRunConfig(paths.dir, { ...record, config: { ...record.config, ...config } });
    const result = await train<CmclBatch<tf.Tensor4D, unknown>>({
      method: clip as Cmcl<tf.Tensor4D, unknown>,
      batches: async function* (_epoch, rng) {
        for (const b of pairBatches(trainGroups, batch, rng)) {
          const images = await trainDs.read(b.items);
          let captions = b.captions;
          let masks: Pick<CmclBatch, 'positiveMask' | 'candidateMask'> | null = null;
          if (rewrites) {
            const ids = Array.from(b.items, (i) => trainDs.imageIndex[i]!);
            const built = cmclBatch(ids, b.captions, rewrites.tables, rng);
            captions = built.texts;
            masks = { positiveMask: built.positiveMask, candidateMask: built.candidateMask };
          }
          const texts = text.input(captions);
          try {
            // Clip reads images and texts; Cmcl also the masks.
            yield { images, texts, ...(masks ?? { positiveMask: [] }) } as CmclBatch<tf.Tensor4D, unknown>;
          } finally {
            images.dispose();
            text.release(texts);
          }
        }
      },
      epochs,
      stepsPerEpoch,
      seed,
      progress: ctx.progress,
      log: ctx.log,
      checkpointDir: paths.checkpoint,
      ...(checkpointEvery > 0 ? { checkpointEverySteps: checkpointEvery } : {}),
      resume: status === 'resume',
      lossLogPath: paths.losses,
      lossCurvePath: paths.lossCurve,
      lossCurveTitle: `${method} ${{ cmcl: 'CMCL', demi: 'DEMI' }[method as string] ?? 'CLIP'} loss (seed ${seed})`,
      ...parallel,
    });
    const trained = await score(clip, text, testDs, testGroups);
    await mkdir(paths.model, { recursive: true });
    await clip.imageTower.save(fileSystemHandler(join(paths.model, 'image-tower'), { overwrite: true }));
    const textNote = await text.save(join(paths.model, 'text-tower'));
    await writeFileAtomic(
      join(paths.model, 'projections.json'),
      `${JSON.stringify({
        method,
        embedDim,
        logScale: clip.logScale.dataSync()[0],
        imageProjection: { shape: clip.imageProjection.shape, values: Array.from(clip.imageProjection.dataSync()) },
        textProjection: { shape: clip.textProjection.shape, values: Array.from(clip.textProjection.dataSync()) },
      })}\n`,
    );
    const summary: RunSummary = {
      method,
      domain: 'multimodal',
      seed,
      epochs,
      steps: result.globalStep,
      seconds: (performance.now() - ctx.started) / 1000,
      trainSeconds: result.seconds,
      backend,
      ...(parallel.workers > 1 ? { workers: parallel.workers } : {}),
      out: paths.dir,
      finalLoss: result.epochLosses.at(-1) ?? Number.NaN,
      metrics: {
        ...flat(trained),
        logitScale: clip.scale(),
        trainImages: trainGroups.items.length,
        testImages: testGroups.items.length,
        testCaptions: captionGallery(testGroups).texts.length,
      },
      baselines: atInit === null ? {} : { randomInit: flat(atInit) },
      notes: [
        'recall@K on the test split: a query is right when any true match is among its K nearest (cosine) in the joint space',
        `model/: image-tower/ (tfjs layers), projections.json (projections and log logit scale); ${textNote}`,
        ...(atInit === null ? ['baselines.randomInit is measured when a run starts, not on resume'] : []),
      ],
    };
    return finishRun(summary, io, { json: ctx.json, tool: TOOL, dir: paths.dir });
  } finally {
    clip.dispose();
    text.dispose();
  }
}

/** `--crop-scale LO,HI`: 0 < LO ≤ HI ≤ 1. */
function parseCropScale(value: string): [number, number] {
  const parts = value.split(',').map((p) => Number(p.trim()));
  const [lo, hi] = parts as [number, number];
  if (parts.length !== 2 || !parts.every(Number.isFinite) || !(lo > 0 && lo <= hi && hi <= 1))
    throw new UsageError(`--crop-scale must be LO,HI with 0 < LO <= HI <= 1 (area fractions), got '${value}'`);
  return [lo, hi];
}
