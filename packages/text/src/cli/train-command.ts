import { existsSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { initBackend, train } from '@contrastive/core';
import type { AdamW, Rng } from '@contrastive/core';
import { readCorpus, readTriplets } from '../data/corpus.js';
import type { Triplet } from '../data/corpus.js';
import { BertEncoder } from '../encoders/bert.js';
import { bertConfig } from '../encoders/bert-config.js';
import type { BertPreset } from '../encoders/bert-config.js';
import { POOLINGS } from '../encoders/pooling.js';
import type { Pooling } from '../encoders/pooling.js';
import { SentenceEncoder } from '../encoders/sentence-encoder.js';
import { CONSERT_OPTIMIZER, ConSERT, parseConsertView } from '../methods/consert.js';
import type { ConsertView } from '../methods/consert.js';
import { SIMCSE_OPTIMIZER, SimCSE } from '../methods/simcse.js';
import { SupervisedSimCSE } from '../methods/simcse-supervised.js';
import type { TextMethod } from '../methods/text-method.js';
import { buildWordPieceTokenizer } from '../tokenize/build-wordpiece.js';
import { loadTokenizer } from '../tokenize/load-tokenizer.js';
import type { TokenBatch } from '../tokenize/load-tokenizer.js';
import { num, oneOf, optStr, parseFlags, str, UsageError } from './args.js';
import { describeMetrics, loadTask } from './tasks.js';
import type { TaskMetrics } from './tasks.js';

export const TRAIN_HELP = `contrastive-text train — train a sentence encoder with SimCSE or ConSERT

  --method simcse|simcse-sup|consert   (required)
  --corpus FILE        one passage per line, or JSONL with "text"; simcse-sup: JSONL {"text","positive","negative"}
  --model DIR          start from a Hugging Face BERT folder (config.json, model.safetensors, tokenizer.json)
  --config tiny|small  train from scratch (BERT-tiny L2/H128 or BERT-mini L4/H256). Default tiny
  --vocab-from FILE    build the WordPiece vocabulary from this file (default: the corpus)
  --vocab-size N       default 8000
  --eval-pairs FILE    evaluate before/after training and BM25: .jsonl {"query","document"} (retrieval) or .tsv (STS)
  --task retrieval|sts override the task inferred from --eval-pairs' extension
  --out DIR            where the trained encoder is saved (HF folder). Default ./contrastive-text-model
  --epochs N           default 1          --batch-size N   default 64     --max-length N  default 32
  --lr X               peak AdamW rate. Default 3e-5 with --model, 5e-4 from scratch
  --weight-decay X     AdamW decoupled weight decay (never on biases/LayerNorm). Default: simcse/simcse-sup 0
                       (HF Trainer), consert 0.01 (sentence-transformers)
  --warmup-ratio X     linear warm-up share of all steps, then linear decay to 0 (HF get_linear_schedule_with_warmup).
                       Default: simcse/simcse-sup 0, consert 0.1
  --max-grad-norm X    clip the global gradient norm before each update (0 = off). Default 1 (both codebases)
  --temperature X      default: method's (simcse 0.05, consert 0.1)
  --hard-negative-weight X   simcse-sup logit offset on the own hard negative. Default 0
  --views A,B          consert views, e.g. feature-cutoff:0.2,token-shuffle (also token-cutoff, dropout, noise, adversarial, none)
  --pooling cls|cls-mlp|mean|last2avg   pooling in training and at test. Default: the method's (simcse cls-mlp in
                       training, cls at test; simcse-sup cls-mlp; consert mean in training, last2avg = mean of the
                       last two layers at test). From scratch, mean is far easier to train than cls
  --dropout X          BERT hidden/attention dropout for a fresh model. Default 0.1
  --steps-per-epoch N  cap the steps per epoch
  --seed N             default 0
  --checkpoint-dir DIR save checkpoints there at every epoch end and every --checkpoint-every steps
  --checkpoint-every N steps between the checkpoints saved inside an epoch, so an interrupted long epoch
                       resumes part-way (default 100 with --checkpoint-dir; 0 = at epoch ends only)
  --resume             continue from the checkpoint in --checkpoint-dir (same flags; a run killed
                       mid-epoch continues at the saved step)
  --backend NAME       tensorflow|wasm|cpu (default: best available; env CONTRASTIVE_BACKEND)
  --json               print one final JSON line with the metrics
  --help`;

const SPEC = {
  method: 'string', corpus: 'string', model: 'string', config: 'string', 'vocab-from': 'string', 'vocab-size': 'string',
  'eval-pairs': 'string', task: 'string', out: 'string', epochs: 'string', 'batch-size': 'string', 'max-length': 'string',
  lr: 'string', 'weight-decay': 'string', 'warmup-ratio': 'string', 'max-grad-norm': 'string', temperature: 'string', 'hard-negative-weight': 'string', views: 'string', dropout: 'string',
  'steps-per-epoch': 'string', pooling: 'string', seed: 'string', 'checkpoint-dir': 'string', 'checkpoint-every': 'string', resume: 'boolean', backend: 'string',
  json: 'boolean', help: 'boolean',
} as const;

/** Steps between the checkpoints saved inside an epoch (`--checkpoint-every`): a BERT-base step on 2 cores takes seconds. */
const DEFAULT_CHECKPOINT_EVERY = 100;

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

export async function trainCommand(argv: string[], out: (line: string) => void): Promise<void> {
  const f = parseFlags(argv, SPEC);
  if (f.help) {
    out(TRAIN_HELP);
    return;
  }
  const method = oneOf(f, 'method', ['simcse', 'simcse-sup', 'consert'] as const, str(f, 'method') as 'simcse');
  const corpusFile = str(f, 'corpus');
  const modelDir = optStr(f, 'model');
  if (modelDir && f.config) throw new UsageError('--model and --config are exclusive');
  const preset = oneOf(f, 'config', ['tiny', 'small'] as const, 'tiny') as BertPreset;
  const epochs = num(f, 'epochs', 1, { int: true, min: 1 });
  const batchSize = num(f, 'batch-size', 64, { int: true, min: 2 });
  const maxLength = num(f, 'max-length', 32, { int: true, min: 4 });
  const seed = num(f, 'seed', 0, { int: true });
  const lr = num(f, 'lr', modelDir ? 3e-5 : 5e-4, { min: 0 });
  // Undefined = the method's default (simcse 0 / 0, consert 0.01 / 0.1).
  const weightDecay = f['weight-decay'] === undefined ? undefined : num(f, 'weight-decay', 0, { min: 0 });
  const warmupRatio = f['warmup-ratio'] === undefined ? undefined : num(f, 'warmup-ratio', 0, { min: 0 });
  if (warmupRatio !== undefined && warmupRatio > 1) throw new UsageError(`--warmup-ratio must be in [0, 1], got '${String(f['warmup-ratio'])}'`);
  const maxGradNorm = f['max-grad-norm'] === undefined ? undefined : num(f, 'max-grad-norm', 1, { min: 0 });
  const outDir = str(f, 'out', './contrastive-text-model');
  const evalFile = optStr(f, 'eval-pairs');
  const checkpointDir = optStr(f, 'checkpoint-dir');
  if (!checkpointDir && f['checkpoint-every'] !== undefined) throw new UsageError('--checkpoint-every needs --checkpoint-dir');
  if (!checkpointDir && f.resume === true) throw new UsageError('--resume needs --checkpoint-dir (the folder of the run to continue)');
  const checkpointEvery = num(f, 'checkpoint-every', DEFAULT_CHECKPOINT_EVERY, { int: true, min: 0 });
  const backend = await initBackend({ backend: optStr(f, 'backend') as 'cpu' | 'wasm' | 'tensorflow' | undefined });
  const log = (m: string) => process.stderr.write(`${m}\n`);

  // 1. Data.
  const triplets: Triplet[] | null = method === 'simcse-sup' ? readTriplets(corpusFile) : null;
  const texts = triplets ? triplets.flatMap((t) => [t.text, t.positive, t.negative]) : readCorpus(corpusFile);
  const evalTask = evalFile ? loadTask(evalFile, optStr(f, 'task')) : null;

  // 2. Tokenizer + encoder: pretrained folder, or a vocabulary built from the corpus and a fresh BERT.
  let encoder: SentenceEncoder;
  const poolingFlag = f.pooling === undefined ? undefined : oneOf(f, 'pooling', POOLINGS, 'mean');
  const testPooling: Pooling = poolingFlag ?? (method === 'simcse' ? 'cls' : method === 'simcse-sup' ? 'cls-mlp' : 'last2avg');
  if (modelDir) {
    encoder = await SentenceEncoder.load(modelDir, { pooling: testPooling, maxLength });
  } else {
    const vocabFile = optStr(f, 'vocab-from');
    const vocabTexts = vocabFile ? readCorpus(vocabFile) : texts;
    const tokDir = path.join(mkdtempSync(path.join(os.tmpdir(), 'contrastive-text-')), 'tokenizer');
    const vocab = buildWordPieceTokenizer(tokDir, vocabTexts, { vocabSize: num(f, 'vocab-size', 8000, { int: true, min: 16 }) });
    const tokenizer = await loadTokenizer(tokDir);
    const dropout = num(f, 'dropout', 0.1, { min: 0 });
    const config = bertConfig(preset, vocab.length, { maxPositions: Math.max(64, maxLength), hiddenDropout: dropout, attentionDropout: dropout });
    encoder = new SentenceEncoder(new BertEncoder(config, { seed }), tokenizer, { pooling: testPooling, maxLength, tokenizerDir: tokDir });
    log(`built a ${vocab.length}-token WordPiece vocabulary from ${vocabFile ?? corpusFile}; fresh BERT-${preset}`);
  }
  const bert = encoder.bert;

  // 3. Baselines before training.
  let untrained: TaskMetrics | undefined;
  let bm25: TaskMetrics | undefined;
  if (evalTask) {
    bm25 = evalTask.bm25();
    log(`bm25       ${describeMetrics(bm25)}`);
    untrained = await evalTask.run(encoder, 'untrained');
    log(`untrained  ${describeMetrics(untrained)}`);
  }

  // 4. Method, with AdamW and the linear warm-up/decay schedule over the whole run.
  const temperature = f.temperature === undefined ? undefined : num(f, 'temperature', 0, { min: 1e-6 });
  const stepsPerEpoch = f['steps-per-epoch'] === undefined ? undefined : num(f, 'steps-per-epoch', 1, { int: true, min: 1 });
  const perEpoch = Math.min(batchesPerEpoch(triplets ? triplets.length : texts.length, batchSize), stepsPerEpoch ?? Infinity);
  if (perEpoch < 1) throw new UsageError(`--corpus ${corpusFile} has fewer than 2 training items: nothing to train on`);
  const optimizer = { learningRate: lr, weightDecay, warmupRatio, maxGradNorm, totalSteps: perEpoch * epochs, seed };
  let m: TextMethod<TokenBatch> | TextMethod<{ anchor: TokenBatch; positive: TokenBatch; negative: TokenBatch }>;
  if (method === 'simcse') {
    m = new SimCSE(bert, { ...optimizer, temperature, trainPooling: poolingFlag, testPooling: poolingFlag });
  }
  else if (method === 'simcse-sup') {
    m = new SupervisedSimCSE(bert, { ...optimizer, temperature, pooling: poolingFlag, hardNegativeWeight: num(f, 'hard-negative-weight', 0) });
  } else {
    const views = optStr(f, 'views')?.split(',').map(parseConsertView) as [ConsertView, ConsertView] | undefined;
    if (views && views.length !== 2) throw new UsageError(`--views needs exactly two views, got ${views.length}`);
    m = new ConSERT(bert, { ...optimizer, temperature, views, pooling: poolingFlag, testPooling: poolingFlag });
  }
  const quiet = { maxLength, warn: () => {} };
  const tok = (b: string[]) => encoder.tokenizer.encodeBatch(b, quiet);
  const truncated = texts.filter((t) => encoder.tokenizer.encode(t).length > maxLength).length;
  if (truncated > 0) log(`warning: ${truncated} of ${texts.length} training texts exceed --max-length ${maxLength} tokens and are truncated`);

  const adamw = m.optimizers().optimizer as AdamW;
  log(`AdamW: peak lr ${lr}, weight decay ${adamw.weightDecay}, gradient-norm clip ${adamw.globalClipNorm ?? 'off'}, ${perEpoch * epochs} steps with linear warm-up (ratio ${warmupRatio ?? (method === 'consert' ? CONSERT_OPTIMIZER : SIMCSE_OPTIMIZER).warmupRatio}) and decay`);

  // 5. Train with core's loop (progress bar, checkpoints, resume).
  // On an error (e.g. a kill signal's exception, bad data mid-run) the method's and encoder's tensors are freed.
  let result: Awaited<ReturnType<typeof train>>;
  try {
    result = await train<unknown>({
      step: (batch, info) => (m as TextMethod<unknown>).step(batch, info),
      batches: (_epoch, rng) =>
        triplets
          ? (function* () {
              for (const c of chunks(triplets, batchSize, rng)) {
                yield { anchor: tok(c.map((t) => t.text)), positive: tok(c.map((t) => t.positive)), negative: tok(c.map((t) => t.negative)) };
              }
            })()
          : (function* () {
              for (const c of chunks(texts, batchSize, rng)) yield tok(c);
            })(),
      epochs,
      stepsPerEpoch,
      seed,
      state: m,
      checkpointDir,
      checkpointEverySteps: checkpointDir && checkpointEvery > 0 ? checkpointEvery : undefined,
      resume: f.resume === true,
      progress: true,
      log,
      // Without a TTY (logs, CI) core's bar prints a plain line only once a minute: also log the loss every 25 steps.
      callbacks: process.stderr.isTTY ? [] : [{ onStepEnd: (g, l) => { if ((g + 1) % 25 === 0) log(`step ${g + 1}  loss ${l.loss.toFixed(4)}`); } }],
    });
    log(`trained ${result.globalStep} steps in ${result.seconds.toFixed(1)} s on ${backend}; final epoch loss ${result.epochLosses.at(-1)?.toFixed(4)}`);
  } catch (err) {
    m.dispose();
    encoder.dispose();
    throw err;
  }
  m.dispose();

  // 6. Save and evaluate.
  await encoder.save(outDir);
  log(`saved the encoder to ${outDir} (pooling ${testPooling})`);
  let trained: TaskMetrics | undefined;
  if (evalTask) {
    trained = await evalTask.run(encoder, 'trained');
    log(`trained    ${describeMetrics(trained)}`);
  }
  encoder.dispose();
  if (f.json) {
    out(JSON.stringify({ method, seconds: Math.round(result.seconds * 10) / 10, backend, task: evalTask?.task, steps: result.globalStep, finalLoss: result.epochLosses.at(-1), trained, untrained, bm25 }));
  }
  if (tf.memory().numTensors > 0 && process.env.CONTRASTIVE_DEBUG) log(`tensors alive at exit: ${tf.memory().numTensors}`);
  if (!existsSync(outDir)) throw new Error(`failed to write ${outDir}`);
}
