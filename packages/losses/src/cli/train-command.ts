/** `contrastive-losses train`: PaCo or a baseline on (long-tailed) labelled images, through core's toolkit. */
import { readFileSync } from 'node:fs';
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
  prepareRunFolder,
  readCommonFlags,
  readRunConfig,
  refuseFlagsOfOtherMethods,
  resolveKnnK,
  runPaths,
  settingsResolver,
  startCommand,
  stringFlag,
  UsageError,
  writeRunConfig,
} from '@contrastive/core/cli';
import { train } from '@contrastive/core/node';
import { smallCnnEncoder } from '@contrastive/vision';
import { findLossesRecipe } from '../recipes.js';
import { knnAccuracy, linearProbe } from '@contrastive/core';
import { JCL } from '../jcl/index.js';
import type { LabelledBatch } from './baselines.js';
import { predictAll } from './predict.js';
import { backboneRecord, MODEL_NOTE, saveBackbone } from './model-folder.js';
import { buildMethod, SUPCON_TEMPERATURE } from './build-method.js';
import type { TrainReplicaArgs } from './replica.js';
import type { LoadedData } from './data.js';
import { groupAccuracies, loadData } from './data.js';
import type { MethodName } from './flags.js';
import { METHODS, TRAIN_SPEC } from './flags.js';
import { TOOL, TRAIN_HELP } from './help.js';

/** The CLI's defaults: the `-small` recipes. */
const JCL_SMALL = findLossesRecipe('jcl-small').options;
const PACO_SMALL = findLossesRecipe('paco-small').options;

export const VERSION: string = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string })
  .version;

/** Backbone features of `x` `[N, F]` in chunks of 500 (inference mode). */
function embedAll(apply: (x: tf.Tensor4D) => tf.Tensor, x: tf.Tensor4D): tf.Tensor2D {
  const n = x.shape[0];
  const parts: tf.Tensor[] = [];
  for (let i = 0; i < n; i += 500) {
    const size = Math.min(500, n - i);
    parts.push(tf.tidy(() => apply(x.slice([i, 0, 0, 0], [size, -1, -1, -1]))));
  }
  const out = tf.concat(parts, 0) as tf.Tensor2D;
  tf.dispose(parts);
  return out;
}

/** kNN and linear-probe accuracy of features `apply(x)` (train split → test split). */
function probeScores(
  apply: (x: tf.Tensor4D) => tf.Tensor,
  data: LoadedData,
  k: number,
): { knnAccuracy: number; linearProbeAccuracy: number } {
  const tr = embedAll(apply, data.trainX);
  const te = embedAll(apply, data.testX);
  try {
    return {
      knnAccuracy: knnAccuracy(tr, data.trainY, te, data.testY, { k, numClasses: data.numClasses }),
      linearProbeAccuracy: linearProbe(tr, data.trainY, te, data.testY).accuracy,
    };
  } finally {
    tr.dispose();
    te.dispose();
  }
}

/** `train`: run folder first, then data, method, `train()`, scoring and the summary. */
export async function trainCommand(argv: string[], io: CliIo): Promise<number> {
  const ctx = startCommand(argv, TRAIN_SPEC, TRAIN_HELP, io);
  if (!ctx) return 0;
  const v = ctx.values;
  const ratio = numFlag(v, 'long-tail-ratio', { min: 1 });
  const testLimit = intFlag(v, 'test-limit', 1);
  const temperatureFlag = numFlag(v, 'temperature');
  const alphaFlag = numFlag(v, 'alpha', { min: 0 });
  const queueFlag = intFlag(v, 'queue-size', 1);
  const dataFlag = stringFlag(v, 'data');
  const method = await methodOrResumed(v, METHODS, TOOL);
  const keyViewsFlag = intFlag(v, 'key-views', 1);
  const lambdaFlag = numFlag(v, 'lambda', { min: 0 });
  const applies: Record<string, readonly MethodName[]> = {
    alpha: ['paco'],
    'queue-size': ['paco', 'jcl'],
    temperature: ['paco', 'supcon', 'jcl'],
    'key-views': ['jcl'],
    lambda: ['jcl'],
    'knn-k': ['jcl'],
  };
  refuseFlagsOfOtherMethods(v, applies, method);
  const jcl = method === 'jcl';
  const base = jcl ? JCL_SMALL : PACO_SMALL; // ce, logit-adjust and supcon train with PaCo's settings
  const common = readCommonFlags(v, { epochs: base.epochs!, batchSize: base.batchSize!, lr: base.learningRate!, outPrefix: method });
  const out = common.out!;
  const status = await prepareRunFolder(out, { tool: TOOL, resume: common.resume, overwrite: common.overwrite });
  const record = status === 'resume' ? await readRunConfig<RunSettings>(out, 'out', { tool: TOOL }) : undefined;
  if (record !== undefined && record.method !== method)
    throw new UsageError(`--resume: ${out} is a ${record.method} run, not ${method}; drop --method or choose another --out`);
  const given = <T>(flag: string, value: T): T | undefined => (common.given.has(flag as never) ? value : undefined);
  const r = settingsResolver(out, record?.config);
  const epochs = r.take('epochs', given('epochs', common.epochs), base.epochs!, true)!;
  const seed = r.take('seed', given('seed', common.seed), 0)!;
  const batchSize = r.take('batch-size', given('batch-size', common.batchSize), base.batchSize!)!;
  r.take('lr', given('lr', common.learningRate), base.learningRate!);
  const limit = r.take('limit', given('limit', common.limit));
  const data = r.take('data', dataFlag, 'bundled')!;
  const longTail = r.take('long-tail-ratio', ratio);
  const tLimit = r.take('test-limit', testLimit);
  if (method === 'paco' || method === 'supcon' || method === 'jcl')
    r.take('temperature', temperatureFlag, method === 'supcon' ? SUPCON_TEMPERATURE : base.temperature!);
  if (method === 'paco') r.take('alpha', alphaFlag, PACO_SMALL.alpha!);
  if (method === 'paco') r.take('queue-size', queueFlag, PACO_SMALL.queueSize!(0));
  if (method === 'jcl') {
    r.take('key-views', keyViewsFlag, JCL_SMALL.keyViews!);
    r.take('lambda', lambdaFlag, JCL_SMALL.lambda!);
  }
  const checkpointEvery = r.take('checkpoint-every', given('checkpoint-every', common.checkpointEvery), 0)!;
  const backend = await initBackend({ ...(common.backend ? { backend: common.backend } : {}), log: ctx.log });

  const loaded = await loadData({
    data,
    method,
    seed,
    ...(limit === undefined ? {} : { limit: Number(limit) }),
    ...(tLimit === undefined ? {} : { testLimit: Number(tLimit) }),
    ...(longTail === undefined ? {} : { ratio: Number(longTail) }),
  });
  if (jcl) r.take('queue-size', queueFlag, JCL_SMALL.queueSize!(loaded.trainY.length));
  const paths = runPaths(out);
  const config = { ...r.settings, ...backboneRecord(loaded.imageShape) };
  if (record === undefined)
    await writeRunConfig(paths.dir, {
      tool: TOOL,
      version: VERSION,
      domain: 'losses',
      method,
      createdAt: new Date().toISOString(),
      config,
    });
  else if (JSON.stringify(record.config) !== JSON.stringify({ ...record.config, ...config }))
    await writeRunConfig(paths.dir, { ...record, config: { ...record.config, ...config } });
  ctx.log(
    `data: ${data}, ${loaded.trainY.length} train images (per class ${loaded.classCounts.join(' ')}), ${loaded.testY.length} test images`,
  );

  const n = loaded.trainY.length;
  const batch = Math.min(Number(batchSize), n);
  if (batch < 2) throw new UsageError(`--batch-size: the train split has ${n} image(s); a batch needs at least 2`);
  const stepsPerEpoch = Math.floor(n / batch);
  const methodData = { imageShape: loaded.imageShape, numClasses: loaded.numClasses, classCounts: loaded.classCounts };
  const replicaArgs: TrainReplicaArgs = { command: 'train', method, data: methodData, config, seed: Number(seed) };
  const parallel = dataParallelFlags(common, {
    batchSize: batch,
    command: `${TOOL} train`,
    replica: {
      module: new URL(import.meta.url.endsWith('.ts') ? './replica.ts' : './replica.js', import.meta.url).href,
      args: replicaArgs,
    },
  });
  const parallelNote = describeDataParallel(parallel, batch);
  if (parallelNote !== null) ctx.log(parallelNote);
  // The backbone, saved to model/ at the end (vision's loadTrainedEncoder reads it; run.json carries its geometry).
  const backbone = smallCnnEncoder({ inputShape: loaded.imageShape, seed: Number(seed) });
  const model = buildMethod(method, methodData, config, Number(seed), backbone);
  try {
    const result = await train<LabelledBatch>({
      method: model as unknown as import('@contrastive/core').Method<LabelledBatch>,
      batches: function* (_epoch, rng) {
        const order = rng.permutation(n);
        for (let s = 0; s < stepsPerEpoch; s++) {
          const idx = order.slice(s * batch, (s + 1) * batch);
          yield { x: tf.gather(loaded.trainX, idx) as tf.Tensor4D, labels: Int32Array.from(idx, (i) => loaded.trainY[i]!) };
        }
      },
      epochs: Number(epochs),
      stepsPerEpoch,
      seed: Number(seed),
      progress: ctx.progress,
      log: ctx.log,
      checkpointDir: paths.checkpoint,
      ...(Number(checkpointEvery) > 0 ? { checkpointEverySteps: Number(checkpointEvery) } : {}),
      resume: status === 'resume',
      lossLogPath: paths.losses,
      lossCurvePath: paths.lossCurve,
      lossCurveTitle: `${method} training loss (seed ${seed})`,
      ...parallel,
    });
    await saveBackbone(backbone, paths.model);
    const head = {
      method,
      domain: 'losses',
      seed: Number(seed),
      epochs: Number(epochs),
      steps: result.globalStep,
      trainSeconds: result.seconds,
      backend,
      ...(parallel.workers > 1 ? { workers: parallel.workers } : {}),
      out: paths.dir,
      finalLoss: result.epochLosses.at(-1) ?? Number.NaN,
    };
    const dataMetrics = {
      trainImages: n,
      testImages: loaded.testY.length,
      longTailRatio: longTail === undefined ? null : Number(longTail),
      data,
    };
    const countsNote = `train images per class: ${loaded.classCounts.join(' ')}${longTail === undefined ? '' : ` (long-tail ratio ${longTail}, seed ${seed})`}`;
    if (model instanceof JCL) {
      const knn = resolveKnnK(v, loaded.trainY);
      const trained = probeScores((x) => model.encoder.apply(x, false), loaded, knn.k);
      const init = smallCnnEncoder({ inputShape: loaded.imageShape, seed: Number(seed) });
      const randomInit = probeScores((x) => init.apply(x, { training: false }) as tf.Tensor, loaded, knn.k);
      init.dispose();
      const rawPixels = probeScores((x) => x.reshape([x.shape[0], -1]), loaded, knn.k);
      const summary: RunSummary = {
        ...head,
        seconds: (performance.now() - ctx.started) / 1000,
        metrics: { ...trained, knnK: knn.k, knnKSource: knn.source, ...dataMetrics },
        baselines: { randomInit, rawPixels },
        notes: [
          countsNote,
          'kNN (cosine, vote temperature 0.1) and linear probe (100 epochs of Adam on frozen features) on the 128-d backbone feature, train split -> test split',
          'baselines: the same small CNN at its random initialisation (same seed), and the raw pixels',
          MODEL_NOTE,
        ],
      };
      return finishRun(summary, io, { json: ctx.json, tool: TOOL, dir: paths.dir });
    }
    const predicted = predictAll(model, loaded.testX);
    const acc = groupAccuracies(predicted, loaded.testY, loaded.numClasses, loaded.groups);
    const summary: RunSummary = {
      method,
      domain: 'losses',
      seed: Number(seed),
      epochs: Number(epochs),
      steps: result.globalStep,
      seconds: (performance.now() - ctx.started) / 1000,
      trainSeconds: result.seconds,
      backend,
      ...(parallel.workers > 1 ? { workers: parallel.workers } : {}),
      out: paths.dir,
      finalLoss: result.epochLosses.at(-1) ?? Number.NaN,
      metrics: {
        accuracy: acc.accuracy,
        headAccuracy: acc.head,
        mediumAccuracy: acc.medium,
        tailAccuracy: acc.tail,
        trainImages: n,
        testImages: loaded.testY.length,
        longTailRatio: longTail === undefined ? null : Number(longTail),
        data,
      },
      baselines: {},
      notes: [
        `train images per class: ${loaded.classCounts.join(' ')}${longTail === undefined ? '' : ` (long-tail ratio ${longTail}, seed ${seed})`}`,
        `classes: head ${loaded.groups.head.join(',')} / medium ${loaded.groups.medium.join(',') || '-'} / tail ${loaded.groups.tail.join(',') || '-'}`,
        `test accuracy per class: ${acc.perClass.map((a) => (a === null ? '-' : a.toFixed(4))).join(' ')}`,
        'baselines are methods of this command (--method ce|logit-adjust|supcon), trained by the same code: compare their runs',
        `${MODEL_NOTE}; the classifier's weights are in checkpoint/`,
      ],
    };
    return finishRun(summary, io, { json: ctx.json, tool: TOOL, dir: paths.dir });
  } finally {
    model.dispose();
    loaded.trainX.dispose();
    loaded.testX.dispose();
  }
}
