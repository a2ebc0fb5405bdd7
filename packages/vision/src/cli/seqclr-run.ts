import * as tf from '@tensorflow/tfjs';
import { createRng, initBackend, type BackendName } from '@contrastive/core';
import {
  boolFlag,
  COMMON_FLAGS,
  finishRun,
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
  type FlagValues,
  type RunSummary,
  dataParallelFlags,
  describeDataParallel,
} from '@contrastive/core/cli';
import { fileSystemHandler, train } from '@contrastive/core/node';
import { writeFile, rmdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Charset } from '../sequence/charset.js';
import { decoderEvaluation, type DecoderEvalResult, type DecoderKind, type RecognitionSet } from '../sequence/decoder-eval.js';
import { DEFAULT_WINDOWS, INSTANCE_MAPPINGS, type InstanceMapping } from '../sequence/instance-mapping.js';
import { DEFAULT_SEQCLR_TEMPERATURE, SEQCLR_PROJECTORS } from '../sequence/seqclr.js';
import { SEQUENCE_CONTEXTS, sequenceEncoder, type SequenceEncoderOptions } from '../sequence/sequence-encoder.js';
import { readWordImages } from '../words/read-word-images.js';
import { assertFiniteModel } from './finite.js';
import { createSeqclrReplica, type SeqclrReplicaArgs, seqclrReplicaSpec } from './replica.js';
import { TRAIN_HELP } from './help.js';
import { DOMAIN, TOOL, VERSION } from './tool.js';

/**
 * `contrastive-vision train --method seqclr --data <word-image folder>`: SeqCLR pre-training of a sequence
 * encoder on the training split's images (labels unused), then the paper's evaluations on the unseen-font
 * test split — decoder evaluation (a CTC decoder on the frozen encoder, all training labels) and
 * semi-supervised fine-tuning with `--label-fractions` of the labels — for the trained encoder and for the
 * same encoder at its random initialisation (`baselines.randomInit`).
 */

const SPEC = {
  ...COMMON_FLAGS,
  method: { type: 'string' },
  data: { type: 'string' },
  'instance-mapping': { type: 'string' },
  windows: { type: 'string' },
  context: { type: 'string' },
  projector: { type: 'string' },
  temperature: { type: 'string' },
  width: { type: 'string' },
  decoder: { type: 'string' },
  'decoder-epochs': { type: 'string' },
  'label-fractions': { type: 'string' },
  'eval-limit': { type: 'string' },
  'no-baseline': { type: 'boolean' },
} as const satisfies FlagSpec;

/** Files a SeqCLR run writes beside core's run files (removed by `--overwrite`). */
const EXTRA_FILES = ['decoder-eval.json'] as const;
const DECODERS: readonly DecoderKind[] = ['linear', 'bilstm'];
/** Channel widths of the sequence encoder at `--width 1`. */
const BASE_WIDTHS = [32, 64, 128] as const;

/** True when `argv` asks for `--method seqclr` (before a `--`): `train` hands such a run to {@link seqclrRun}. */
export function wantsSeqclr(argv: readonly string[]): boolean {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') return false;
    if (a === '--method=seqclr' || (a === '--method' && argv[i + 1] === 'seqclr')) return true;
  }
  return false;
}

/** The SeqCLR settings of a run (run.json's `config`). */
export interface SeqclrRunConfig {
  method: 'seqclr';
  data: string;
  mapping: InstanceMapping;
  windows: number;
  context: (typeof SEQUENCE_CONTEXTS)[number];
  projector: (typeof SEQCLR_PROJECTORS)[number];
  temperature: number;
  widthMultiplier: number;
  widths: [number, number, number];
  imageHeight: number;
  imageWidth: number;
  seed: number;
  epochs: number;
  batchSize: number;
  learningRate: number;
  trainImages: number;
  testImages: number;
  limit?: number;
  evalLimit?: number;
  decoder: DecoderKind;
  decoderEpochs: number;
  labelFractions: number[];
}

/** `--label-fractions 0.05,0.1`: each in (0, 1], distinct. */
export function parseLabelFractions(raw: string | undefined): number[] {
  if (raw === undefined) return [0.05, 0.1];
  const parts = raw.split(',').map((s) => s.trim());
  const out = parts.map(Number);
  if (parts.some((p) => p === '') || out.some((v) => !(v > 0 && v <= 1)) || new Set(out).size !== out.length) {
    throw new UsageError(`--label-fractions must be distinct numbers in (0, 1] separated by commas (e.g. 0.05,0.1), got '${raw}'`);
  }
  return out;
}

/** Reads and checks the SeqCLR flags (before anything loads). */
function readSeqclrFlags(values: FlagValues) {
  const mapping = oneOfFlag(values, 'instance-mapping', INSTANCE_MAPPINGS, 'window');
  const windowsFlag = intFlag(values, 'windows', 1, 64);
  if (windowsFlag !== undefined && mapping !== 'window') {
    throw new UsageError(`--windows applies to --instance-mapping window only (got --instance-mapping ${mapping})`);
  }
  const widthMultiplier = numFlag(values, 'width', { max: 4 }) ?? 0.5;
  return {
    mapping,
    windows: windowsFlag ?? DEFAULT_WINDOWS,
    context: oneOfFlag(values, 'context', SEQUENCE_CONTEXTS, 'conv'),
    projector: oneOfFlag(values, 'projector', SEQCLR_PROJECTORS, 'mlp'),
    temperature: numFlag(values, 'temperature') ?? DEFAULT_SEQCLR_TEMPERATURE,
    widthMultiplier,
    widths: BASE_WIDTHS.map((w) => Math.max(2, 2 * Math.round((w * widthMultiplier) / 2))) as [number, number, number],
    decoder: oneOfFlag(values, 'decoder', DECODERS, 'linear'),
    decoderEpochs: intFlag(values, 'decoder-epochs', 1, 10_000) ?? 10,
    labelFractions: parseLabelFractions(stringFlag(values, 'label-fractions')),
    evalLimit: intFlag(values, 'eval-limit', 1),
    noBaseline: boolFlag(values, 'no-baseline'),
  };
}

/** A seeded subset of `n` items (all of them, in order, when `limit` is undefined or ≥ n), sorted. */
export function subsetIndices(n: number, limit: number | undefined, seed: number): Int32Array {
  if (limit === undefined || limit >= n) return Int32Array.from({ length: n }, (_, i) => i);
  return Int32Array.from(createRng(seed).permutation(n).subarray(0, limit)).sort();
}

function takeSubset(set: RecognitionSet, idx: Int32Array): RecognitionSet {
  if (idx.length === set.texts.length) return set;
  const images = tf.tidy(() => tf.gather(set.images, tf.tensor1d(idx, 'int32')) as tf.Tensor4D);
  set.images.dispose();
  return { images, texts: Array.from(idx, (i) => set.texts[i]!) };
}

/** The decoder evaluation (frozen, all labels) and one fine-tuning per label fraction, as summary metrics. */
async function evaluateEncoder(
  encoder: tf.LayersModel,
  trainSet: RecognitionSet,
  testSet: RecognitionSet,
  o: { charset: Charset; seed: number; decoder: DecoderKind; epochs: number; fractions: number[]; log: (l: string) => void; label: string },
): Promise<{ metrics: Record<string, number>; results: DecoderEvalResult[] }> {
  const results: DecoderEvalResult[] = [];
  const runs: { mode: 'frozen' | 'fine-tune'; labelFraction: number }[] = [
    { mode: 'frozen', labelFraction: 1 },
    ...o.fractions.map((f) => ({ mode: 'fine-tune' as const, labelFraction: f })),
  ];
  const metrics: Record<string, number> = {};
  for (const r of runs) {
    const res = await decoderEvaluation(encoder, trainSet, testSet, {
      charset: o.charset,
      mode: r.mode,
      labelFraction: r.labelFraction,
      epochs: o.epochs,
      seed: o.seed,
      decoder: o.decoder,
    });
    results.push(res);
    const key = r.mode === 'frozen' ? '' : `FineTune${pct(r.labelFraction)}`;
    metrics[`wordAccuracy${key}`] = res.wordAccuracy;
    metrics[`characterErrorRate${key}`] = res.characterErrorRate;
    o.log(
      `[${TOOL}] ${o.label}: ${r.mode === 'frozen' ? 'decoder evaluation (frozen, all labels)' : `fine-tuning with ${pct(r.labelFraction)} % of the labels`} → ` +
        `word accuracy ${res.wordAccuracy.toFixed(4)}, CER ${res.characterErrorRate.toFixed(4)} (${res.trainedOn} labelled images, ${res.seconds.toFixed(0)} s)`,
    );
  }
  return { metrics, results };
}

/** 0.05 → "5", 0.125 → "12.5". */
const pct = (f: number): string => String(Math.round(f * 1000) / 10);

/** `contrastive-vision train --method seqclr …`. Returns the process exit code. */
export async function seqclrRun(argv: string[], io: CliIo): Promise<number> {
  const ctx = startCommand(argv, SPEC, TRAIN_HELP, io);
  if (!ctx) return 0;
  const { values, log, started } = ctx;
  if (boolFlag(values, 'resume')) {
    throw new UsageError('--resume is not supported for --method seqclr yet: start the run again (with --overwrite to replace it)');
  }
  const s = readSeqclrFlags(values);
  const common = readCommonFlags(values, {
    epochs: 3,
    batchSize: 64,
    lr: 1e-3,
    checkpointEvery: 0,
    outPrefix: `seqclr-${s.mapping}${s.mapping === 'window' ? s.windows : ''}-${s.context}`,
  });
  const dataFlag = stringFlag(values, 'data');
  if (dataFlag === undefined)
    throw new UsageError("--data is required for --method seqclr (a word-image folder written by 'contrastive-vision data words')");
  const outDir = common.out!;
  const paths = runPaths(outDir);

  const backend: BackendName = await initBackend({ ...(common.backend === undefined ? {} : { backend: common.backend }), log });
  // The data is read and checked before the run folder is touched: a bad --data leaves nothing behind.
  const read = async (split: 'train' | 'test') => {
    try {
      return await readWordImages(dataFlag, split);
    } catch (err) {
      throw new UsageError(`--data ${dataFlag}: ${(err as Error).message}`);
    }
  };
  const trainRaw = await read('train');
  const testRaw = await read('test');
  const charset = new Charset([...trainRaw.charset]);
  const trainSet: RecognitionSet = takeSubset(trainRaw, subsetIndices(trainRaw.texts.length, common.limit, common.seed));
  const testSet: RecognitionSet = takeSubset(testRaw, subsetIndices(testRaw.texts.length, s.evalLimit, common.seed + 1));
  try {
    const [, imageHeight, imageWidth, channels] = trainSet.images.shape;
    if (imageHeight % 8 !== 0 || imageWidth % 4 !== 0) {
      throw new UsageError(
        `--data ${dataFlag}: images are ${imageHeight}x${imageWidth}; the sequence encoder needs a height divisible by 8 and a width divisible by 4`,
      );
    }
    const batchSize = Math.min(common.batchSize, Math.max(2, Math.floor(trainSet.texts.length / 2)));
    const cfg: SeqclrRunConfig = {
      method: 'seqclr',
      data: resolve(dataFlag),
      mapping: s.mapping,
      windows: s.windows,
      context: s.context,
      projector: s.projector,
      temperature: s.temperature,
      widthMultiplier: s.widthMultiplier,
      widths: s.widths,
      imageHeight,
      imageWidth,
      seed: common.seed,
      epochs: common.epochs,
      batchSize,
      learningRate: common.learningRate,
      trainImages: trainSet.texts.length,
      testImages: testSet.texts.length,
      ...(common.limit === undefined ? {} : { limit: common.limit }),
      ...(s.evalLimit === undefined ? {} : { evalLimit: s.evalLimit }),
      decoder: s.decoder,
      decoderEpochs: s.decoderEpochs,
      labelFractions: s.labelFractions,
    };
    const createdOut = (await stat(outDir).catch(() => null)) === null;
    await prepareRunFolder(outDir, { tool: TOOL, resume: false, overwrite: common.overwrite, extraFiles: EXTRA_FILES });
    try {
      await writeRunConfig(outDir, {
        tool: TOOL,
        version: VERSION,
        domain: DOMAIN,
        method: 'seqclr',
        createdAt: new Date().toISOString(),
        config: cfg,
      });
    } catch (err) {
      if (createdOut) await rmdir(outDir).catch(() => undefined);
      throw err;
    }
    const encoderOpts: SequenceEncoderOptions = {
      inputShape: [imageHeight, channels as 1 | 3],
      width: imageWidth,
      widths: cfg.widths,
      context: cfg.context,
      seed: cfg.seed,
    };
    const evalOpts = { charset, seed: cfg.seed, decoder: cfg.decoder, epochs: cfg.decoderEpochs, fractions: cfg.labelFractions, log };

    // The random-init baseline: the same encoder (same seed → same weights) under the same evaluations.
    let baseline: Awaited<ReturnType<typeof evaluateEncoder>> | null = null;
    if (!s.noBaseline) {
      const untrained = sequenceEncoder(encoderOpts);
      try {
        baseline = await evaluateEncoder(untrained, trainSet, testSet, { ...evalOpts, label: 'random init' });
      } finally {
        untrained.dispose();
      }
    }

    const seqclrArgs: SeqclrReplicaArgs = {
      encoder: encoderOpts,
      mapping: cfg.mapping,
      windows: cfg.windows,
      projector: cfg.projector,
      temperature: cfg.temperature,
      learningRate: cfg.learningRate,
      seed: cfg.seed,
    };
    const method = createSeqclrReplica(seqclrArgs);
    const parallel = dataParallelFlags(common, {
      batchSize: cfg.batchSize,
      replica: seqclrReplicaSpec(seqclrArgs),
      command: `${TOOL} train --method seqclr`,
    });
    try {
      const n = trainSet.texts.length;
      const stepsPerEpoch = Math.floor(n / cfg.batchSize);
      log(
        `[${TOOL}] seqclr (${cfg.mapping}-to-instance${cfg.mapping === 'window' ? `, T′ = ${cfg.windows}` : ''}, ${cfg.context} context, ${cfg.projector} head, τ = ${cfg.temperature}) ` +
          `on ${n} word images ${imageHeight}x${imageWidth}, batch ${cfg.batchSize}, ${cfg.epochs} epochs (${stepsPerEpoch} steps each), backend ${backend}, out ${outDir}`,
      );
      const parallelLine = describeDataParallel(parallel, cfg.batchSize);
      if (parallelLine) log(`[${TOOL}] ${parallelLine}`);
      const images = trainSet.images;
      const trainStart = performance.now();
      const result = await train<tf.Tensor4D>({
        method,
        batches: function* (_epoch, rng) {
          const order = rng.permutation(n);
          for (let b = 0; b + cfg.batchSize <= n; b += cfg.batchSize) {
            const idx = order.subarray(b, b + cfg.batchSize);
            yield tf.tidy(() => tf.gather(images, tf.tensor1d(idx, 'int32')) as tf.Tensor4D);
          }
        },
        epochs: cfg.epochs,
        stepsPerEpoch,
        seed: cfg.seed,
        checkpointDir: paths.checkpoint,
        ...(common.checkpointEvery ? { checkpointEverySteps: common.checkpointEvery } : {}),
        overwrite: true,
        lossCurvePath: paths.lossCurve,
        lossLogPath: paths.losses,
        lossCurveTitle: `seqclr (${cfg.mapping}) training loss`,
        progress: common.progress,
        log,
        ...parallel,
      });
      const trainSeconds = (performance.now() - trainStart) / 1000;
      await assertFiniteModel(
        method.encoder,
        `the trained encoder (--lr ${cfg.learningRate}; nothing was saved to ${paths.model} or scored)`,
      );
      await method.encoder.save(fileSystemHandler(paths.model));

      const trained = await evaluateEncoder(method.encoder, trainSet, testSet, { ...evalOpts, label: 'seqclr' });
      await writeFile(
        join(paths.dir, 'decoder-eval.json'),
        `${JSON.stringify({ trained: trained.results, randomInit: baseline?.results ?? null }, null, 2)}\n`,
      );
      const summary: RunSummary = {
        method: 'seqclr',
        domain: DOMAIN,
        seed: cfg.seed,
        epochs: result.epochs,
        steps: result.globalStep,
        seconds: (performance.now() - started) / 1000,
        trainSeconds,
        backend,
        ...(parallel.workers > 1 ? { workers: parallel.workers } : {}),
        out: outDir,
        finalLoss: result.epochLosses.at(-1) ?? null,
        metrics: { ...trained.metrics, instanceMapping: cfg.mapping },
        baselines: baseline ? { randomInit: baseline.metrics } : {},
        notes: [
          `decoder evaluation: a ${cfg.decoder} CTC decoder, ${cfg.decoderEpochs} epochs, greedy decoding; wordAccuracy / characterErrorRate with the encoder frozen and all ${cfg.trainImages} training labels; ` +
            `…FineTune<p> with encoder + decoder trained on p % of them; scored on ${cfg.testImages} test images (fonts and words not in training)`,
          'characterErrorRate: lower is better',
        ],
      };
      return await finishRun(summary, io, { json: ctx.json, dir: outDir, tool: TOOL });
    } finally {
      method.dispose();
    }
  } finally {
    tf.dispose([trainSet.images, testSet.images]);
  }
}
