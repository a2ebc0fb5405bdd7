/** `contrastive-losses continual`: GRCL or plain contrastive fine-tuning over a sequence of image domains. */
import * as tf from '@tensorflow/tfjs';
import type { Checkpointable, EpochLogs, Rng } from '@contrastive/core';
import { createRng, initBackend } from '@contrastive/core';
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
  runPaths,
  settingsResolver,
  startCommand,
  stringFlag,
  UsageError,
  writeRunConfig,
} from '@contrastive/core/cli';
import { train } from '@contrastive/core/node';
import { compose, horizontalFlip, randomResizedCrop } from '@contrastive/vision';
import { findLossesRecipe } from '../recipes.js';
import { applyDomain, DEFAULT_DOMAINS, type DomainName, parseDomains } from '../data/domains.js';
import { continualScores } from '../grcl/forgetting.js';
import type { GRCL, GRCLBatch } from '../grcl/index.js';
import { accuracyMatrix, buildGrcl, type ContinualMethodArgs } from './build-grcl.js';
import { CONTINUAL_HELP, CONTINUAL_METHODS, CONTINUAL_SPEC } from './continual-help.js';
import { loadData } from './data.js';
import { TOOL } from './help.js';
import { predictAll } from './predict.js';
import { backboneRecord, MODEL_NOTE, saveBackbone } from './model-folder.js';
import type { ContinualReplicaArgs } from './replica.js';
import { VERSION } from './train-command.js';

/** The domains' images: slice d of the train split moved to domain d (slice 0 keeps its labels), the test split moved to each. */
interface DomainData {
  names: DomainName[];
  train: tf.Tensor4D[];
  sourceLabels: Int32Array;
  test: tf.Tensor4D[];
  testLabels: Int32Array;
  numClasses: number;
  imageShape: [number, number, number];
}

/** The command's defaults. */
const GRCL_SMALL = findLossesRecipe('grcl-small').options;

/** Seeds of the `noise` domain: distinct per domain slot and split. */
const noiseSeed = (seed: number, domain: number, split: 'train' | 'test'): number => seed * 1009 + domain * 2 + (split === 'test' ? 1 : 0);

function splitDomains(loaded: Awaited<ReturnType<typeof loadData>>, names: DomainName[], seed: number): DomainData {
  const n = loaded.trainY.length;
  const per = Math.floor(n / names.length);
  if (per < 2) throw new UsageError(`--data: ${n} train images cannot be split into ${names.length} domains of at least 2 images`);
  const order = createRng(seed).permutation(n);
  const train: tf.Tensor4D[] = [];
  let sourceLabels = new Int32Array(0);
  names.forEach((name, d) => {
    const idx = order.slice(d * per, (d + 1) * per);
    if (d === 0) sourceLabels = Int32Array.from(idx, (i) => loaded.trainY[i]!);
    const slice = tf.gather(loaded.trainX, idx) as tf.Tensor4D;
    train.push(applyDomain(name, slice, noiseSeed(seed, d, 'train')));
    slice.dispose();
  });
  const test = names.map((name, d) => applyDomain(name, loaded.testX, noiseSeed(seed, d, 'test')));
  return { names, train, sourceLabels, test, testLabels: loaded.testY, numClasses: loaded.numClasses, imageShape: loaded.imageShape };
}

function accuracyOn(method: GRCL, x: tf.Tensor4D, y: Int32Array): number {
  const predicted = predictAll({ predict: (b) => method.logits(b, false) }, x);
  let right = 0;
  predicted.forEach((p, i) => {
    if (p === y[i]) right++;
  });
  return y.length === 0 ? Number.NaN : right / y.length;
}

export async function continualCommand(argv: string[], io: CliIo): Promise<number> {
  const ctx = startCommand(argv, CONTINUAL_SPEC, CONTINUAL_HELP, io);
  if (!ctx) return 0;
  const v = ctx.values;
  const domainsFlag = stringFlag(v, 'domains');
  let domainList: DomainName[] | undefined;
  if (domainsFlag !== undefined) {
    try {
      domainList = parseDomains(domainsFlag);
    } catch (err) {
      throw new UsageError(`--domains: ${(err as Error).message}`);
    }
  }
  const memoryFlag = intFlag(v, 'memory-size', 1);
  const weightFlag = numFlag(v, 'source-weight', { min: 0 });
  const temperatureFlag = numFlag(v, 'temperature');
  const momentumFlag = numFlag(v, 'momentum', { min: 0, max: 1 });
  const queueFlag = intFlag(v, 'queue-size', 1);
  const testLimit = intFlag(v, 'test-limit', 1);
  const dataFlag = stringFlag(v, 'data');
  const method = await methodOrResumed(v, CONTINUAL_METHODS, TOOL);
  const common = readCommonFlags(v, {
    epochs: GRCL_SMALL.epochs!,
    batchSize: GRCL_SMALL.batchSize!,
    lr: GRCL_SMALL.learningRate!,
    outPrefix: method,
  });
  const out = common.out!;
  const status = await prepareRunFolder(out, { tool: TOOL, resume: common.resume, overwrite: common.overwrite });
  const record = status === 'resume' ? await readRunConfig<RunSettings>(out, 'out', { tool: TOOL }) : undefined;
  if (record !== undefined && record.method !== method)
    throw new UsageError(`--resume: ${out} is a ${record.method} run, not ${method}; drop --method or choose another --out`);
  const given = <T>(flag: string, value: T): T | undefined => (common.given.has(flag as never) ? value : undefined);
  const r = settingsResolver(out, record?.config);
  const epochs = Number(r.take('epochs', given('epochs', common.epochs), GRCL_SMALL.epochs!));
  const seed = Number(r.take('seed', given('seed', common.seed), 0));
  const batchSize = Number(r.take('batch-size', given('batch-size', common.batchSize), GRCL_SMALL.batchSize!));
  const lr = Number(r.take('lr', given('lr', common.learningRate), GRCL_SMALL.learningRate!));
  const limit = r.take('limit', given('limit', common.limit));
  const data = r.take('data', dataFlag, 'bundled')!;
  const names = parseDomains(String(r.take('domains', domainList?.join(','), DEFAULT_DOMAINS.join(','))));
  const memorySize = Number(r.take('memory-size', memoryFlag, GRCL_SMALL.memorySize!));
  const sourceWeight = Number(r.take('source-weight', weightFlag, GRCL_SMALL.sourceWeight!));
  const temperature = Number(r.take('temperature', temperatureFlag, GRCL_SMALL.temperature!));
  const momentum = Number(r.take('momentum', momentumFlag, GRCL_SMALL.momentum!));
  const tLimit = r.take('test-limit', testLimit);
  const checkpointEvery = Number(r.take('checkpoint-every', given('checkpoint-every', common.checkpointEvery), 0));
  const backend = await initBackend({ ...(common.backend ? { backend: common.backend } : {}), log: ctx.log });

  const loaded = await loadData({
    data,
    method,
    seed,
    ...(limit === undefined ? {} : { limit: Number(limit) }),
    ...(tLimit === undefined ? {} : { testLimit: Number(tLimit) }),
  });
  let dd: DomainData;
  try {
    dd = splitDomains(loaded, names, seed);
  } finally {
    loaded.trainX.dispose();
    loaded.testX.dispose();
  }
  const targets = names.length - 1;
  const per = dd.sourceLabels.length;
  const batch = Math.min(batchSize, per);
  if (batch < 2) throw new UsageError(`--batch-size: each domain has ${per} image(s); a batch needs at least 2`);
  if (memorySize > per) throw new UsageError(`--memory-size ${memorySize}: each domain has only ${per} images`);
  const queueSize = Number(r.take('queue-size', queueFlag, GRCL_SMALL.queueSize!(per)));
  const paths = runPaths(out);
  const config = { ...r.settings, ...backboneRecord(dd.imageShape) };
  if (record === undefined)
    await writeRunConfig(paths.dir, {
      tool: TOOL,
      version: VERSION,
      domain: 'losses',
      method,
      createdAt: new Date().toISOString(),
      config,
    });
  ctx.log(
    `data: ${data}, ${per} train images per domain (${names.join(' → ')}; ${names[0]} labelled), ${dd.testLabels.length} test images per domain`,
  );

  const methodArgs: ContinualMethodArgs = {
    method,
    imageShape: dd.imageShape,
    numClasses: dd.numClasses,
    targets,
    memorySize,
    queueSize,
    temperature,
    sourceWeight,
    momentum,
    lr,
    seed,
  };
  const replicaArgs: ContinualReplicaArgs = { command: 'continual', ...methodArgs, domains: names.length };
  const parallel = dataParallelFlags(common, {
    batchSize: batch,
    command: `${TOOL} continual`,
    replica: {
      module: new URL(import.meta.url.endsWith('.ts') ? './replica.ts' : './replica.js', import.meta.url).href,
      args: replicaArgs,
    },
  });
  const parallelNote = describeDataParallel(parallel, batch);
  if (parallelNote !== null) ctx.log(parallelNote);
  const { grcl, backbone: encoderModel } = buildGrcl(methodArgs);
  // accuracy[s][d]: the classifier on domain d's test images after target stage s — checkpointed with the run.
  const accuracy = accuracyMatrix(targets, names.length);
  const state: Checkpointable = {
    stateTensors: () => ({ ...grcl.stateTensors(), [accuracy.name]: accuracy }),
    optimizers: () => grcl.optimizers(),
  };
  const aug = compose(randomResizedCrop({ size: [dd.imageShape[0], dd.imageShape[1]], scale: [0.2, 1] }), horizontalFlip({ p: 0.5 }));
  const stepsPerEpoch = Math.floor(per / batch);
  // The memory of target stage `stage`: the first memorySize images of a seeded draw (pseudo-labelled by the
  // classifier when the next stage's first step stores it).
  const memoryOf = (stage: number): tf.Tensor =>
    tf.gather(
      dd.train[stage + 1]!,
      createRng(seed + 7919 * (stage + 1))
        .permutation(per)
        .slice(0, memorySize),
    );
  const endOfStage = (epoch: number): number | null => ((epoch + 1) % epochs === 0 ? Math.floor(epoch / epochs) : null);
  try {
    const result = await train<GRCLBatch>({
      method: grcl,
      state,
      batches: function* (epoch, rng: Rng) {
        const target = dd.train[1 + Math.floor(epoch / epochs)]!;
        const order = rng.permutation(per);
        // A new target domain's first batch carries the finished domain's memory (every replica stores it).
        const closing = epoch > 0 && epoch % epochs === 0 ? epoch / epochs - 1 : null;
        for (let s = 0; s < stepsPerEpoch; s++) {
          const idx = order.slice(s * batch, (s + 1) * batch);
          const src = Int32Array.from({ length: batch }, () => rng.int(per));
          const xt = tf.gather(target, idx) as tf.Tensor4D;
          const xs = tf.gather(dd.train[0]!, src) as tf.Tensor4D;
          const views: [tf.Tensor, tf.Tensor] = [aug(xt, rng), aug(xt, rng)];
          xt.dispose();
          const source = { x: xs, labels: Int32Array.from(src, (i) => dd.sourceLabels[i]!) };
          yield s === 0 && closing !== null
            ? { views, source, finish: { domain: closing, samples: memoryOf(closing) } }
            : { views, source };
        }
      },
      epochs: epochs * targets,
      stepsPerEpoch,
      seed,
      progress: ctx.progress,
      log: ctx.log,
      checkpointDir: paths.checkpoint,
      ...(checkpointEvery > 0 ? { checkpointEverySteps: checkpointEvery } : {}),
      resume: status === 'resume',
      lossLogPath: paths.losses,
      lossCurvePath: paths.lossCurve,
      lossCurveTitle: `${method} over ${names.join(' → ')} (seed ${seed})`,
      callbacks: {
        onEpochEnd: (epoch: number, logs: EpochLogs) => {
          const stage = endOfStage(epoch);
          if (stage === null) return;
          const row = dd.test.map((x) => accuracyOn(grcl, x, dd.testLabels));
          tf.tidy(() => {
            const mask = tf.reshape(tf.equal(tf.range(0, targets, 1, 'int32'), stage), [targets, 1]);
            accuracy.assign(tf.where(tf.tile(mask, [1, names.length]), tf.broadcastTo(tf.tensor2d([row]), accuracy.shape), accuracy));
          });
          ctx.log(`after ${names[stage + 1]}: ${names.map((n, d) => `${n} ${row[d]!.toFixed(3)}`).join('  ')}`);
          row.forEach((a, d) => {
            logs[`accuracy/${names[d]}`] = a;
          });
        },
      },
    });
    await saveBackbone(encoderModel, paths.model);
    const matrix = accuracy.arraySync() as number[][];
    const trainedAt = names.map((_, d) => Math.max(0, d - 1));
    const scores = continualScores(matrix, trainedAt);
    const metrics: RunSummary['metrics'] = {
      accuracy: scores.averageAccuracy,
      forgetting: Number.isNaN(scores.averageForgetting) ? null : scores.averageForgetting,
      imagesPerDomain: per,
      testImages: dd.testLabels.length,
      data,
    };
    names.forEach((n, d) => {
      metrics[`final:${n}`] = scores.final[d]!;
      metrics[`forgetting:${n}`] = scores.forgetting[d] ?? null;
    });
    matrix.forEach((row, s) => {
      row.forEach((a, d) => {
        metrics[`after:${names[s + 1]}:${names[d]}`] = a;
      });
    });
    const summary: RunSummary = {
      method,
      domain: 'losses',
      seed,
      epochs: epochs * targets,
      steps: result.globalStep,
      seconds: (performance.now() - ctx.started) / 1000,
      trainSeconds: result.seconds,
      backend,
      out: paths.dir,
      ...(parallel.workers > 1 ? { workers: parallel.workers } : {}),
      finalLoss: result.epochLosses.at(-1) ?? Number.NaN,
      metrics,
      baselines: {},
      notes: [
        `domains: ${names.join(' → ')} (${names[0]} labelled); ${epochs} epoch(s) per target domain, ${stepsPerEpoch} steps per epoch`,
        ...matrix.map((row, s) => `after ${names[s + 1]}: ${row.map((a, d) => `${names[d]} ${a.toFixed(4)}`).join(', ')}`),
        'forgetting: best accuracy before the last domain − final accuracy (Chaudhry et al. 2018), over the domains trained before the last',
        `the baseline is --method ${method === 'grcl' ? 'finetune' : 'grcl'} with the same flags, trained by the same code: compare their runs`,
        `${MODEL_NOTE}; the classifier, key encoder, queue and memories are in checkpoint/`,
      ],
    };
    return finishRun(summary, io, { json: ctx.json, tool: TOOL, dir: paths.dir });
  } finally {
    grcl.dispose();
    accuracy.dispose();
    tf.dispose([...dd.train, ...dd.test]);
  }
}
