import { existsSync } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { createRng, initBackend, TrainingDivergedError, type Rng } from '@contrastive/core';
import {
  checkResumeFlag,
  finishRun,
  intFlag,
  numFlag,
  oneOfFlag,
  prepareRunFolder,
  readCommonFlags,
  readRunConfig,
  runPaths,
  stringFlag,
  UsageError,
  writeRunConfig,
  type CliIo,
  type CommandContext,
  type RunSummary,
} from '@contrastive/core/cli';
import { train, writeFileAtomic } from '@contrastive/core/node';
import { Claps, type ClapsOptions } from '../../seq2seq/claps/index.js';
import { generateTexts } from '../../seq2seq/evaluate/generate.js';
import { scoreGenerations, type GenerationScores } from '../../seq2seq/evaluate/scores.js';
import { corpusNll } from '../../seq2seq/evaluate/valid-nll.js';
import { createSeq2SeqModel, saveSeq2SeqModel, SEQ2SEQ_ARCHITECTURES, type Seq2SeqArchitecture } from '../../seq2seq/io/model-files.js';
import { seq2seqBatch } from '../../seq2seq/model/batch.js';
import { Seq2SeqTokenizer } from '../../seq2seq/tokenizer/index.js';
import { loadSeq2SeqTokenizer, SEQ2SEQ_TOKENIZER_FILE, saveSeq2SeqTokenizer } from '../../seq2seq/tokenizer/tokenizer-files.js';
import { textDataParallel } from '../data-parallel.js';
import { textReplica } from '../replica.js';
import { TOOL, VERSION } from '../tool.js';
import { LOGIT_BUDGET, SEQ2SEQ_DEFAULTS, type Seq2SeqMethodName } from './flags.js';
import { NllValidation } from './nll-validation.js';
import { encodePairs, seq2seqBatches } from '../../seq2seq/data/index.js';
import { defaultValidationSize, holdOut, limitPairs, pickPairs, readPairsFlag, type TextPairs } from './pairs.js';

const ABLATIONS = ['imposter', 'distant'] as const;

/** Everything that shapes a seq2seq run, as run.json records it. */
export interface Seq2SeqTrainConfig {
  method: Seq2SeqMethodName;
  ablate?: (typeof ABLATIONS)[number];
  train: { jsonl?: string; source?: string; target?: string; sourceField: string; targetField: string };
  /** The test set, decoding and sample size (not shaping: `--resume` reuses them unless given again). */
  test?: { jsonl?: string; source?: string; target?: string; beam: number; limit: number };
  architecture: Seq2SeqArchitecture;
  model: Record<string, number>;
  vocabSize: number;
  maxSourceLength: number;
  maxTargetLength: number;
  maxTargetTokens?: number;
  epochs: number;
  batchSize: number;
  learningRate: number;
  weightDecay: number;
  warmupRatio: number;
  maxGradNorm: number;
  temperature: number;
  epsNeg: number;
  epsPos: number;
  officialL2: boolean;
  seed: number;
  limit?: number;
  validation: number;
  validateEvery?: number;
  stepsPerEpoch?: number;
}

/** Flags whose value must match run.json on --resume. */
const SHAPING: readonly (readonly [string, (c: Seq2SeqTrainConfig) => unknown])[] = [
  ['train', (c) => c.train.jsonl],
  ['train-source', (c) => c.train.source],
  ['architecture', (c) => c.architecture],
  ['vocab-size', (c) => c.vocabSize],
  ['epochs', (c) => c.epochs],
  ['batch-size', (c) => c.batchSize],
  ['lr', (c) => c.learningRate],
  ['seed', (c) => c.seed],
  ['ablate', (c) => c.ablate],
  ['temperature', (c) => c.temperature],
  ['eps-neg', (c) => c.epsNeg],
  ['eps-pos', (c) => c.epsPos],
  ['limit', (c) => c.limit],
  ['max-target-tokens', (c) => c.maxTargetTokens],
];

const PREDICTIONS_FILE = 'predictions.txt';

function configFromFlags(
  ctx: CommandContext,
  method: Seq2SeqMethodName,
): { config: Seq2SeqTrainConfig; common: ReturnType<typeof readCommonFlags> } {
  const v = ctx.values;
  const common = readCommonFlags(v, {
    epochs: SEQ2SEQ_DEFAULTS.epochs,
    batchSize: SEQ2SEQ_DEFAULTS.batchSize,
    lr: SEQ2SEQ_DEFAULTS.learningRate,
    outPrefix: method,
  });
  if (common.batchSize < 2) throw new UsageError('--batch-size must be at least 2 (CLAPS needs in-batch negatives)');
  const ablate = oneOfFlag(v, 'ablate', ABLATIONS);
  if (method !== 'claps') {
    for (const f of ['ablate', 'temperature', 'eps-neg', 'eps-pos', 'official-l2'])
      if (v[f] !== undefined) throw new UsageError(`--${f} applies to --method claps only`);
  }
  const architecture = oneOfFlag(v, 'architecture', SEQ2SEQ_ARCHITECTURES, 'transformer');
  if (architecture === 'gru')
    for (const f of ['layers', 'heads', 'ffn'])
      if (v[f] !== undefined) throw new UsageError(`--${f} applies to --architecture transformer only`);
  const maxSourceLength = intFlag(v, 'max-source-length', 1) ?? SEQ2SEQ_DEFAULTS.maxSourceLength;
  const maxTargetLength = intFlag(v, 'max-target-length', 2) ?? SEQ2SEQ_DEFAULTS.maxTargetLength;
  const model: Record<string, number> = {
    dModel: intFlag(v, 'd-model', 8) ?? 128,
    dropout: numFlag(v, 'dropout', { min: 0, max: 0.9 }) ?? 0.1,
  };
  if (architecture === 'transformer') {
    const layers = intFlag(v, 'layers', 1) ?? 2;
    Object.assign(model, {
      encoderLayers: layers,
      decoderLayers: layers,
      heads: intFlag(v, 'heads', 1) ?? 4,
      ffn: intFlag(v, 'ffn', 1) ?? 512,
    });
    if (model.dModel! % model.heads! !== 0) throw new UsageError(`--heads ${model.heads} must divide --d-model ${model.dModel}`);
  }
  const validation = intFlag(v, 'validation', 0);
  const maxTokens = intFlag(v, 'max-target-tokens', 1);
  if (maxTokens !== undefined && maxTokens < 2 * maxTargetLength)
    throw new UsageError(
      `--max-target-tokens ${maxTokens} must be at least 2 × --max-target-length (${2 * maxTargetLength}): a batch holds at least 2 pairs`,
    );
  const config: Seq2SeqTrainConfig = {
    method,
    ...(ablate ? { ablate } : {}),
    train: {
      ...(stringFlag(v, 'train') ? { jsonl: stringFlag(v, 'train') } : {}),
      ...(stringFlag(v, 'train-source') ? { source: stringFlag(v, 'train-source'), target: stringFlag(v, 'train-target') } : {}),
      sourceField: stringFlag(v, 'source-field') ?? 'source',
      targetField: stringFlag(v, 'target-field') ?? 'target',
    },
    architecture,
    model,
    vocabSize: intFlag(v, 'vocab-size', 16) ?? SEQ2SEQ_DEFAULTS.vocabSize,
    maxSourceLength,
    maxTargetLength,
    ...(maxTokens !== undefined ? { maxTargetTokens: maxTokens } : {}),
    epochs: common.epochs,
    batchSize: common.batchSize,
    learningRate: common.learningRate,
    weightDecay: numFlag(v, 'weight-decay', { min: 0 }) ?? 0,
    warmupRatio: numFlag(v, 'warmup-ratio', { min: 0, max: 1 }) ?? 0.05,
    maxGradNorm: numFlag(v, 'max-grad-norm', { min: 0 }) ?? 1,
    temperature: numFlag(v, 'temperature', { min: 1e-4 }) ?? 0.1,
    epsNeg: numFlag(v, 'eps-neg', { min: 0 }) ?? 1,
    epsPos: numFlag(v, 'eps-pos', { min: 0 }) ?? 3,
    officialL2: v['official-l2'] === true,
    seed: common.seed,
    ...(common.limit !== undefined ? { limit: common.limit } : {}),
    validation: validation ?? -1,
    ...(intFlag(v, 'validate-every', 1) !== undefined ? { validateEvery: intFlag(v, 'validate-every', 1) } : {}),
    ...(intFlag(v, 'steps-per-epoch', 1) !== undefined ? { stepsPerEpoch: intFlag(v, 'steps-per-epoch', 1) } : {}),
  };
  return { config, common };
}

function clapsOptions(c: Seq2SeqTrainConfig): ClapsOptions {
  return {
    variant: c.method === 'mle' ? 'mle' : c.ablate === 'imposter' ? 'no-imposter' : c.ablate === 'distant' ? 'no-distant' : 'claps',
    temperature: c.temperature,
    epsNeg: c.epsNeg,
    epsPos: c.epsPos,
    officialL2: c.officialL2,
    learningRate: c.learningRate,
    weightDecay: c.weightDecay,
    warmupRatio: c.warmupRatio,
    maxGradNorm: c.maxGradNorm,
  };
}

/** A seeded sample of at most `limit` test pairs (all when limit is 0 or larger than the set). */
function sampleTest(p: TextPairs, limit: number, seed: number): TextPairs {
  const n = p.sources.length;
  if (limit === 0 || limit >= n) return p;
  const idx = Array.from(
    createRng(seed * 104729 + 3)
      .permutation(n)
      .subarray(0, limit),
  ).sort((a, b) => a - b);
  return pickPairs(p, idx);
}

/**
 * `contrastive-text train --method mle|claps`: a small encoder–decoder trained from scratch on parallel pairs with
 * teacher forcing (mle), plus CLAPS' contrastive term (claps). Validation NLL picks the best model; the test set is
 * decoded (greedy or beam) and scored with BLEU and ROUGE against the references, beside the copy-the-source baseline.
 */
export async function trainSeq2Seq(ctx: CommandContext, io: CliIo, method: Seq2SeqMethodName): Promise<number> {
  const { values, log } = ctx;
  let { config, common } = configFromFlags(ctx, method);
  const out = common.out!;
  const paths = runPaths(out);
  const extraFiles = [SEQ2SEQ_TOKENIZER_FILE, 'validation', PREDICTIONS_FILE, 'model.tmp'];
  if (common.resume) {
    await prepareRunFolder(out, { tool: TOOL, resume: true, overwrite: false, extraFiles });
    const record = await readRunConfig<Seq2SeqTrainConfig>(out, 'out', { tool: TOOL });
    for (const [flag, get] of SHAPING) if (values[flag] !== undefined) checkResumeFlag(out, flag, get(config), get(record.config));
    config = record.config;
  }

  // 1. Data (all of it read and checked before the run folder is touched).
  const fields = { source: config.train.sourceField, target: config.train.targetField };
  const all = config.train.jsonl
    ? readPairsFlag({ train: config.train.jsonl }, 'train', fields)
    : config.train.source
      ? readPairsFlag({ 'train-source': config.train.source, 'train-target': config.train.target }, 'train', fields)
      : undefined;
  if (!all) throw new UsageError('give the training pairs: --train FILE.jsonl, or --train-source FILE --train-target FILE');
  const limited = limitPairs(all, config.limit);
  const valSize = config.validation >= 0 ? config.validation : defaultValidationSize(limited.sources.length);
  const { train: trainPairs, validation: valPairs } =
    valSize > 0 ? holdOut(limited, valSize, config.seed) : { train: limited, validation: { sources: [], targets: [] } };
  if (trainPairs.sources.length < 2)
    throw new UsageError(`the training data has ${trainPairs.sources.length} pair(s) after the validation hold-out: nothing to train on`);
  // The test set: this invocation's flags, else (on --resume) what run.json recorded.
  const recorded = config.test;
  const givenPaths = stringFlag(values, 'test') !== undefined || stringFlag(values, 'test-source') !== undefined;
  const paths0 = givenPaths
    ? {
        ...(stringFlag(values, 'test') ? { jsonl: stringFlag(values, 'test') } : {}),
        ...(stringFlag(values, 'test-source')
          ? { source: stringFlag(values, 'test-source'), target: stringFlag(values, 'test-target') }
          : {}),
      }
    : {
        ...(recorded?.jsonl ? { jsonl: recorded.jsonl } : {}),
        ...(recorded?.source ? { source: recorded.source, target: recorded.target } : {}),
      };
  const testAll = givenPaths
    ? readPairsFlag(values, 'test', fields)
    : paths0.jsonl
      ? readPairsFlag({ test: paths0.jsonl }, 'test', fields)
      : paths0.source
        ? readPairsFlag({ 'test-source': paths0.source, 'test-target': paths0.target }, 'test', fields)
        : undefined;
  const beam = intFlag(values, 'beam', 1) ?? recorded?.beam ?? 1;
  const testLimit = intFlag(values, 'test-limit', 0) ?? recorded?.limit ?? SEQ2SEQ_DEFAULTS.testLimit;
  if (testAll) config = { ...config, test: { ...paths0, beam, limit: testLimit } };
  const testPairs = testAll ? sampleTest(testAll, testLimit, config.seed) : undefined;

  if (!common.resume) {
    await prepareRunFolder(out, { tool: TOOL, resume: false, overwrite: common.overwrite, extraFiles });
    await writeRunConfig(out, { tool: TOOL, version: VERSION, domain: 'text', method, createdAt: new Date().toISOString(), config });
  }
  const backend = await initBackend({ ...(common.backend === undefined ? {} : { backend: common.backend }), log });

  // 2. The shared subword vocabulary (built once; --resume reuses it).
  let tokenizer: Seq2SeqTokenizer;
  if (existsSync(path.join(out, SEQ2SEQ_TOKENIZER_FILE))) tokenizer = await loadSeq2SeqTokenizer(out);
  else {
    const t0 = performance.now();
    tokenizer = Seq2SeqTokenizer.train([...trainPairs.sources, ...trainPairs.targets], { vocabSize: config.vocabSize });
    await saveSeq2SeqTokenizer(tokenizer, out);
    log(
      `tokenizer: ${tokenizer.vocabSize} subwords from ${trainPairs.sources.length} training pairs in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
    );
  }
  const lengths = { maxSourceLength: config.maxSourceLength, maxTargetLength: config.maxTargetLength };
  const enc = encodePairs(tokenizer, trainPairs, lengths);
  const val = encodePairs(tokenizer, valPairs, lengths);
  if (enc.truncated > 0)
    log(
      `${enc.truncated} of ${enc.sources.length} training pairs truncated to ${config.maxSourceLength} source / ${config.maxTargetLength} target tokens`,
    );
  // Batches of at least 2 pairs: CLAPS' InfoNCE needs in-batch negatives. The count depends only on the sizes.
  // Target tokens per batch bounded so a step's memory is too (the [B, T, V] logits dominate it).
  const maxTargetTokens = config.maxTargetTokens ?? Math.max(config.maxTargetLength * 2, Math.floor(LOGIT_BUDGET / tokenizer.vocabSize));
  const epochBatches = (rng?: Rng) => seq2seqBatches(enc, config.batchSize, rng, { minBatchSize: 2, maxTargetTokens });
  const perEpochAll = epochBatches().length; // the count varies slightly with the shuffle; core stops an epoch at perEpoch
  const perEpoch = Math.min(perEpochAll, config.stepsPerEpoch ?? perEpochAll);
  const totalSteps = perEpoch * config.epochs;

  // 3. Model and method.
  const modelConfig = {
    ...config.model,
    vocabSize: tokenizer.vocabSize,
    maxLength: Math.max(config.maxSourceLength, config.maxTargetLength),
    padId: tokenizer.padId,
    bosId: tokenizer.bosId,
    eosId: tokenizer.eosId,
    seed: config.seed,
  };
  const model = createSeq2SeqModel(config.architecture, modelConfig);
  const claps = new Claps(model, clapsOptions(config));
  try {
    // --workers: the encoder–decoder's step is not split (auto = one thread); an explicit N runs N replicas.
    const parallel = textDataParallel(common, {
      batchSize: config.batchSize,
      replica: textReplica('createSeq2SeqReplica', { architecture: config.architecture, model: modelConfig, claps: clapsOptions(config) }),
      command: `${TOOL} train --method ${method}`,
      splitsBatch: false,
      log,
    });
    const nParams = model.trainableWeights.reduce((a, w) => a + w.size, 0);
    log(
      `${method}${config.ablate ? ` without ${config.ablate === 'distant' ? 'distant targets' : 'imposters'}` : ''}: ${config.architecture} ${(nParams / 1e6).toFixed(2)} M parameters, ` +
        `${enc.sources.length} training / ${val.sources.length} validation pairs, ${totalSteps} steps (${perEpoch} per epoch) on ${backend}; batches of at most ${config.batchSize} pairs and ${maxTargetTokens} padded target tokens`,
    );
    const trainedWith = { method, ablate: config.ablate, seed: config.seed };
    const save = (dir: string) => saveSeq2SeqModel(dir, config.architecture, model, tokenizer, { overwrite: true, trainedWith });
    const validation = new NllValidation(
      out,
      model,
      val,
      config.validateEvery ?? Math.max(1, Math.floor(totalSteps / 10)),
      totalSteps,
      save,
      log,
    );
    const result = await train({
      method: claps,
      batches: (_epoch, rng) =>
        (function* () {
          for (const idx of epochBatches(rng))
            yield seq2seqBatch(
              model.config,
              idx.map((i) => enc.sources[i]!),
              idx.map((i) => enc.targets[i]!),
            );
        })(),
      epochs: config.epochs,
      stepsPerEpoch: perEpoch,
      seed: config.seed,
      checkpointDir: paths.checkpoint,
      checkpointEverySteps: common.checkpointEvery ?? SEQ2SEQ_DEFAULTS.checkpointEvery,
      resume: common.resume,
      progress: ctx.progress,
      log,
      lossCurvePath: paths.lossCurve,
      lossLogPath: paths.losses,
      lossCurveTitle: `${method} training loss`,
      ...parallel,
      callbacks: [
        validation.callbacks(),
        // Without a TTY (logs, CI) core's bar prints a plain line only once a minute: also log the loss every 50 steps.
        ...(process.stderr.isTTY || !ctx.progress
          ? []
          : [
              {
                onStepEnd: (g: number, l: { loss: number }) => void ((g + 1) % 50 === 0 && log(`step ${g + 1}  loss ${l.loss.toFixed(4)}`)),
              },
            ]),
      ],
    }).catch((e: unknown) => {
      if (e instanceof TrainingDivergedError) log(`no model was written to ${paths.model}; losses.csv keeps the loss history`);
      throw e;
    });
    log(`trained ${result.globalStep} steps in ${result.seconds.toFixed(1)} s; final epoch loss ${result.epochLosses.at(-1)?.toFixed(4)}`);

    // 4. model/ = the best validation model (or the final one).
    const select = oneOfFlag(values, 'select', ['best', 'final'] as const, 'best');
    const useBest = select === 'best' && validation.best !== undefined && existsSync(validation.bestDir);
    const tmp = path.join(out, 'model.tmp');
    await rm(tmp, { recursive: true, force: true });
    if (useBest) {
      const { loadCheckpoint } = await import('@contrastive/core/node');
      await loadCheckpoint(path.join(validation.bestDir, 'weights'), { stateTensors: () => model.stateTensors(), optimizers: () => ({}) });
    }
    await saveSeq2SeqModel(tmp, config.architecture, model, tokenizer, {
      trainedWith: { ...trainedWith, step: useBest ? validation.best!.step : result.globalStep },
    });
    await rm(paths.model, { recursive: true, force: true });
    await rename(tmp, paths.model);
    log(
      `saved the ${useBest ? `best model (step ${validation.best!.step}, validation NLL ${validation.best!.nll.toFixed(4)})` : 'final model'} to ${paths.model}`,
    );

    // 5. Test: generate, score, and the copy-the-source baseline.
    const metrics: Record<string, number> = {};
    const baselines: Record<string, Record<string, number>> = {};
    if (val.sources.length > 0) metrics.validationNll = corpusNll(model, val);
    if (testPairs) {
      const t0 = performance.now();
      const hyps = generateTexts(model, tokenizer, testPairs.sources, {
        beam,
        onProgress: (done, total) => {
          if (done === total || done % 320 === 0) log(`test: ${done}/${total} generated`);
        },
      });
      await writeFileAtomic(path.join(out, PREDICTIONS_FILE), `${hyps.map((h) => h.replace(/\n/g, ' ')).join('\n')}\n`);
      const scores: GenerationScores = scoreGenerations(hyps, testPairs.targets);
      Object.assign(metrics, scores, { testPairs: testPairs.sources.length, generateSeconds: (performance.now() - t0) / 1000 });
      metrics.testNll = corpusNll(model, encodePairs(tokenizer, testPairs, lengths));
      baselines.copySource = { ...scoreGenerations(testPairs.sources, testPairs.targets) };
      log(
        `test (${testPairs.sources.length} pairs, ${beam === 1 ? 'greedy' : `beam ${beam}`}): BLEU ${scores.bleu.toFixed(2)}, ROUGE-1/2/L ` +
          `${scores.rouge1.toFixed(2)}/${scores.rouge2.toFixed(2)}/${scores.rougeL.toFixed(2)}; copy-the-source BLEU ${baselines.copySource.bleu!.toFixed(2)}`,
      );
    }
    const notes: string[] = [];
    if (validation.best && validation.history[0] && validation.best.step === 0)
      notes.push('the validation NLL never went below the untrained model: model/ is the untrained model');
    for (const n of notes) log(`warning: ${n}`);
    const summary: RunSummary = {
      method,
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
      metrics: { ...metrics, ...(validation.best ? { bestStep: validation.best.step } : {}) },
      baselines,
      ...(notes.length > 0 ? { notes } : {}),
    };
    return await finishRun(summary, io, { json: ctx.json, dir: out, tool: TOOL });
  } finally {
    claps.dispose();
  }
}
