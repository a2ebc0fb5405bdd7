/** `contrastive-gan train`: ContraD or a GAN baseline on images, scored with fid-fmnist / kid-fmnist / is-fmnist as it trains. */
import { mkdir, readFile, rmdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { EpochLogs, Rng } from '@contrastive/core';
import { createRng, initBackend, nonFiniteVariables } from '@contrastive/core';
import type { CliIo, RunSettings, RunSummary } from '@contrastive/core/cli';
import {
  dataParallelFlags,
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
import { fileSystemHandler, imageGridPng, lineChartPng, train, writeFileAtomic } from '@contrastive/core/node';
import { sampleLatent } from '../models/index.js';
import { loadMetricClassifier, referenceFeatures, scoreImages } from '../node/index.js';
import { ARCHS, LOSSES, METHODS, type MethodName, TOOL, TRAIN_HELP, TRAIN_SPEC } from './help.js';
import { buildMethod, generate, MAX_EVALS, runState, scoreHistory } from './build-method.js';
import { openIdxFlag } from './data.js';
import { slerpPath } from './image-grid.js';
import type { GanReplicaArgs } from './replica.js';

export const VERSION: string = (JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string })
  .version;

/** Files this tool writes into a run beyond core's layout (removed with --overwrite too). */
const EXTRA_FILES = ['samples', 'interpolation.png', 'score-curve.png', 'probe.json'] as const;
/** Latents of the per-epoch sample grid. */
const GRID = 64;

export async function trainCommand(argv: string[], io: CliIo): Promise<number> {
  const ctx = startCommand(argv, TRAIN_SPEC, TRAIN_HELP, io);
  if (!ctx) return 0;
  const v = ctx.values;
  const archFlag = oneOfFlag(v, 'arch', ARCHS);
  const widthFlag = numFlag(v, 'width');
  const lossFlag = oneOfFlag(v, 'loss', LOSSES);
  const r1Flag = numFlag(v, 'r1', { min: 0 });
  const lambdaFlag = numFlag(v, 'lambda-con', { min: 0 });
  const temperatureFlag = numFlag(v, 'temperature');
  const evalImagesFlag = intFlag(v, 'eval-images', 2);
  const evalEveryFlag = intFlag(v, 'eval-every', 1);
  const testLimitFlag = intFlag(v, 'test-limit', 2);
  const dataFlag = stringFlag(v, 'data');
  const method: MethodName = await methodOrResumed(v, METHODS, TOOL);
  const applies: Record<string, readonly MethodName[]> = {
    loss: ['gan', 'gan-diffaug'],
    r1: ['gan', 'gan-diffaug'],
    'lambda-con': ['contrad'],
    temperature: ['contrad'],
  };
  refuseFlagsOfOtherMethods(v, applies, method);
  const common = readCommonFlags(v, { epochs: 10, batchSize: 64, lr: 2e-4, outPrefix: method });
  const out = common.out!;
  const createdOut = (await stat(out).catch(() => null)) === null;
  const status = await prepareRunFolder(out, { tool: TOOL, resume: common.resume, overwrite: common.overwrite, extraFiles: EXTRA_FILES });
  const record = status === 'resume' ? await readRunConfig<RunSettings>(out, 'out', { tool: TOOL }) : undefined;
  if (record !== undefined && record.method !== method)
    throw new UsageError(`--resume: ${out} is a ${record.method} run, not ${method}; drop --method or choose another --out`);
  const given = <T>(flag: string, value: T): T | undefined => (common.given.has(flag as never) ? value : undefined);
  const r = settingsResolver(out, record?.config);
  const epochs = Number(r.take('epochs', given('epochs', common.epochs), 10, true));
  const seed = Number(r.take('seed', given('seed', common.seed), 0));
  const batchSize = Number(r.take('batch-size', given('batch-size', common.batchSize), 64));
  r.take('lr', given('lr', common.learningRate), 2e-4);
  const limit = r.take('limit', given('limit', common.limit));
  const data = r.take('data', dataFlag, 'bundled')!;
  r.take('arch', archFlag, 'sndcgan');
  r.take('width', widthFlag, 0.25);
  if (method === 'contrad') {
    r.take('lambda-con', lambdaFlag, 1);
    r.take('temperature', temperatureFlag, 0.1);
  } else {
    r.take('loss', lossFlag, 'non-saturating');
    r.take('r1', r1Flag, 0);
  }
  const evalImages = Number(r.take('eval-images', evalImagesFlag, 2000, true));
  const evalEvery = Number(r.take('eval-every', evalEveryFlag, 1, true));
  const testLimit = r.take('test-limit', testLimitFlag);
  const checkpointEvery = Number(r.take('checkpoint-every', given('checkpoint-every', common.checkpointEvery), 0));
  const backend = await initBackend({ ...(common.backend ? { backend: common.backend } : {}), log: ctx.log });

  /** The data, checked; refused before run.json is written, a folder this command created is removed again (only
   * if still empty), so the same command can run once the input is fixed. */
  const openData = async () => {
    const trainDs = await openIdxFlag('data', data, 'train', limit === undefined ? undefined : Number(limit));
    const testDs = await openIdxFlag('data', data, 'test', testLimit === undefined ? undefined : Number(testLimit));
    const shape: [number, number, number] = [trainDs.height, trainDs.width, trainDs.channels];
    if (!((shape[0] === 28 || shape[0] === 32) && shape[1] === shape[0] && (shape[2] === 1 || shape[2] === 3)))
      throw new UsageError(
        `--data ${data}: ${trainDs.source} holds ${shape.join('×')} images; the generators make 28×28 or 32×32 with 1 or 3 channels`,
      );
    if (Math.min(batchSize, trainDs.size) < 2)
      throw new UsageError(`--batch-size: the train split has ${trainDs.size} image(s); a batch needs at least 2`);
    return { trainDs, testDs, shape };
  };
  const { trainDs, testDs, shape } = await openData().catch(async (e: unknown) => {
    if (createdOut) await rmdir(out).catch(() => undefined);
    throw e;
  });
  const n = trainDs.size;
  const batch = Math.min(batchSize, n);
  const paths = runPaths(out);
  const config = { ...r.settings, imageSize: shape[0], channels: shape[2] };
  const runRecord = { tool: TOOL, version: VERSION, domain: 'gan', method, createdAt: new Date().toISOString(), config };
  if (record === undefined) await writeRunConfig(paths.dir, runRecord);
  else await writeRunConfig(paths.dir, { ...record, config: { ...record.config, ...config } });
  ctx.log(`data: ${data}, ${n} train images ${shape.join('×')}, ${testDs.size} test images as the metric's reference`);

  const trainX = await trainDs.read(Int32Array.from({ length: n }, (_, i) => i));
  const testX = await testDs.read(Int32Array.from({ length: testDs.size }, (_, i) => i));
  const replicaArgs: GanReplicaArgs = { method, settings: r.settings, shape, seed };
  // Only ContraD splits its discriminator's rows over the workers; the GAN baselines' replicas each compute the
  // whole step (R1 needs a gradient of a gradient, which the row gather does not provide): same result, no speed-up.
  const parallel = dataParallelFlags(common, {
    batchSize: batch,
    command: `${TOOL} train`,
    splitsBatch: method === 'contrad',
    replica: {
      module: new URL(import.meta.url.endsWith('.ts') ? './replica.ts' : './replica.js', import.meta.url).href,
      args: replicaArgs,
    },
  });
  if (parallel.workers > 1) {
    const k = parallel.workers;
    const split = Array.from({ length: k }, (_, i) => Math.floor((3 * batch) / k) + (i < (3 * batch) % k ? 1 : 0)).join(' + ');
    ctx.log(
      method === 'contrad'
        ? `data-parallel: ${k} workers (each D step's ${3 * batch} discriminator rows — 2 real views and a fake per example — split ${split}; D has no batch norm, G runs whole on every worker)`
        : `data-parallel: ${k} workers (${method} does not split its batch: every worker computes the whole step, the same result without a speed-up)`,
    );
  }
  const m = buildMethod(method, r.settings, shape, seed);
  const classifier = await loadMetricClassifier();
  const scores = scoreHistory();
  const state = runState(m, scores);
  const gridZ = sampleLatent(GRID, m.zDim, seed + 1009);
  const stepsPerEpoch = Math.floor(n / batch);
  try {
    const ref = await referenceFeatures(classifier, testX);
    await mkdir(join(paths.dir, 'samples'), { recursive: true });
    const scoreNow = async (rng: Rng) => {
      const generated = generate(m, evalImages, rng);
      try {
        return await scoreImages(generated, ref, { classifier });
      } finally {
        generated.dispose();
      }
    };
    const result = await train<tf.Tensor4D>({
      method: m,
      state,
      batches: function* (_epoch, rng) {
        const order = rng.permutation(n);
        for (let s = 0; s < stepsPerEpoch; s++) yield tf.gather(trainX, order.slice(s * batch, (s + 1) * batch)) as tf.Tensor4D;
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
      lossCurveTitle: `${method} D + G loss (seed ${seed})`,
      ...parallel,
      callbacks: {
        onEpochEnd: async (epoch: number, logs: EpochLogs) => {
          // A diverged model is reported by core's checkpoint save right after this callback: draw and score nothing.
          if ((await nonFiniteVariables(state)).length > 0) return;
          const grid = tf.tidy(() => m.generator.apply(gridZ, { training: false }) as tf.Tensor4D);
          await writeFileAtomic(
            join(paths.dir, 'samples', `epoch-${String(epoch + 1).padStart(3, '0')}.png`),
            imageGridPng(grid, { columns: 8 }),
          );
          grid.dispose();
          if ((epoch + 1) % evalEvery !== 0 && epoch !== epochs - 1) return;
          const row = Math.floor(epoch / evalEvery);
          if (row >= MAX_EVALS) return;
          const s = await scoreNow(createRng(seed * 7919 + epoch));
          tf.tidy(() => {
            const mask = tf.reshape(tf.equal(tf.range(0, MAX_EVALS, 1, 'int32'), row), [MAX_EVALS, 1]);
            const values = tf.broadcastTo(tf.tensor2d([[epoch + 1, s.fidFmnist, s.kidFmnist.mean, s.isFmnist.mean]]), [MAX_EVALS, 4]);
            scores.assign(tf.where(tf.tile(mask, [1, 4]), values, scores));
          });
          logs.fidFmnist = s.fidFmnist;
          logs.kidFmnist = s.kidFmnist.mean;
          logs.isFmnist = s.isFmnist.mean;
        },
      },
    });
    await m.generator.save(fileSystemHandler(paths.model));
    // The interpolation strip: 8 rows, each 10 steps along the great circle between two latents.
    const path8 = Array.from({ length: 8 }, (_, i) => {
      const ends = sampleLatent(2, m.zDim, seed + 31 * (i + 1));
      const [a, b] = [ends.slice([0, 0], [1, -1]).dataSync() as Float32Array, ends.slice([1, 0], [1, -1]).dataSync() as Float32Array];
      ends.dispose();
      return slerpPath(a, b, 10);
    }).flat();
    const strip = tf.tidy(() => m.generator.apply(tf.tensor2d(path8.map((z) => Array.from(z))), { training: false }) as tf.Tensor4D);
    await writeFileAtomic(join(paths.dir, 'interpolation.png'), imageGridPng(strip, { columns: 10 }));
    strip.dispose();
    const history = (scores.arraySync() as number[][]).filter((row) => row[0]! > 0);
    if (history.length > 1) {
      const png = lineChartPng([{ name: 'fid-fmnist', values: history.map((h) => h[1]!) }], {
        title: `${method}: fid-fmnist of ${evalImages} samples at each evaluation (epochs ${history.map((h) => h[0]).join(', ')})`,
        xLabel: 'evaluation',
        yLabel: 'fid-fmnist',
      });
      await writeFileAtomic(join(paths.dir, 'score-curve.png'), png);
    }
    const last = history.at(-1);
    const realSubset = tf.tidy(
      () =>
        tf.gather(
          trainX,
          createRng(seed + 1)
            .permutation(n)
            .slice(0, Math.min(evalImages, n)),
        ) as tf.Tensor4D,
    );
    const real = await scoreImages(realSubset, ref, { classifier });
    realSubset.dispose();
    const summary: RunSummary = {
      method,
      domain: 'gan',
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
        fidFmnist: last?.[1] ?? null,
        kidFmnist: last?.[2] ?? null,
        isFmnist: last?.[3] ?? null,
        evalImages,
        referenceImages: testDs.size,
        trainImages: n,
        data,
      },
      baselines: { realTrainImages: { fidFmnist: real.fidFmnist, kidFmnist: real.kidFmnist.mean, isFmnist: real.isFmnist.mean } },
      notes: [
        `fid-fmnist / kid-fmnist / is-fmnist: FID / KID / IS formulas in the features of the package's Fashion-MNIST classifier (not Inception): comparable only with each other`,
        `scored: ${evalImages} generated images vs ${testDs.size} test images after each of ${history.map((h) => h[0]).join(', ')} epoch(s): fid-fmnist ${history.map((h) => h[1]!.toFixed(2)).join(', ')}`,
        `baselines.realTrainImages: ${Math.min(evalImages, n)} real training images scored the same way (the floor a generator approaches)`,
        'model/: the generator (z uniform in [−1, 1] → images in [0, 1]); samples/: the same 64 latents after every epoch',
      ],
    };
    return finishRun(summary, io, { json: ctx.json, tool: TOOL, dir: paths.dir });
  } finally {
    m.dispose();
    classifier.dispose();
    tf.dispose([scores, gridZ, trainX, testX]);
  }
}
