import type * as tf from '@tensorflow/tfjs';
import { AdamW, linearWarmupDecay, warmupStepsFromRatio } from '@contrastive/core';
import type { Method, Rng, Schedule, StepInfo } from '@contrastive/core';
import type { BertEncoder } from '../encoders/bert.js';
import type { Pooling } from '../encoders/pooling.js';
import type { TokenBatch } from '../tokenize/text-tokenizer.js';

/**
 * Variables BERT fine-tuning exempts from weight decay (HF `Trainer` and sentence-transformers:
 * `no_decay = ['bias', 'LayerNorm.bias', 'LayerNorm.weight']`, matched as substrings of the name).
 */
export const BERT_NO_WEIGHT_DECAY = ['bias', 'LayerNorm.bias', 'LayerNorm.weight'] as const;

/**
 * Options every text method shares.
 *
 * Ownership: a text method **owns the `BertEncoder` it is given** (and the optimizer it creates or is
 * given): `dispose()` frees them all. Keep the trained encoder by saving it (`saveSentenceEncoder` /
 * `saveBertCheckpoint` from `@contrastive/text/node`, or `bert.save(handler)`) before disposing the method.
 * If the constructor throws, nothing was taken: the encoder is still the caller's.
 */
export interface TextMethodOptions {
  /** Peak AdamW learning rate. Defaults are each paper's (fine-tuning a pretrained BERT); from scratch use ~1e-4–1e-3. */
  learningRate?: number;
  /**
   * Decoupled weight decay of the AdamW optimizer, never applied to biases and LayerNorm weights
   * ({@link BERT_NO_WEIGHT_DECAY}). Default: the method's (SimCSE 0 as HF `Trainer`; ConSERT 0.01 as
   * sentence-transformers' `fit`).
   */
  weightDecay?: number;
  /**
   * Total optimizer steps of the run, for HF `get_linear_schedule_with_warmup`: linear warm-up over
   * `ceil(warmupRatio · totalSteps)` steps, then linear decay to 0 at `totalSteps`. Default: the
   * `totalSteps` core's `train()` passes in {@link StepInfo} (epochs × `stepsPerEpoch`); with neither, a
   * constant rate and no warm-up. Giving both with different values is an error.
   */
  totalSteps?: number;
  /** Warm-up share of the total steps. Default: the method's (SimCSE 0; ConSERT 0.1). Ignored without a total. */
  warmupRatio?: number;
  /**
   * Clip the global gradient norm before each update (`max_grad_norm`; 0 = off). Default 1, as HF `Trainer`
   * (SimCSE) and sentence-transformers' `fit` (ConSERT).
   */
  maxGradNorm?: number;
  /**
   * Bring your own optimizer (the method then owns it and saves it with the checkpoint; the options above
   * are ignored). Default: core's `AdamW` as the method's official code configures it.
   */
  optimizer?: tf.Optimizer;
}

/** What a method's official code passes to its AdamW (filled in by each subclass). */
export interface TextMethodDefaults {
  learningRate: number;
  weightDecay: number;
  warmupRatio: number;
  /** AdamW ε (HF `Trainer` 1e-8; sentence-transformers/ConSERT 1e-6). */
  epsilon: number;
  /** Adam bias correction (HF `Trainer` true; sentence-transformers/ConSERT `correct_bias=False`). */
  correctBias: boolean;
  /** Global gradient-norm clip (both codebases: 1). */
  maxGradNorm: number;
}

/** The learning rate of update `k` given the run's total steps (`undefined` = not known yet). */
export type TextSchedule = (updatesTaken: number, totalSteps: number | undefined) => number;

/**
 * HF `get_linear_schedule_with_warmup` at peak `base` with `ceil(warmupRatio · total)` warm-up steps, or the
 * constant `base` while the total is unknown.
 */
export function linearWarmupDecaySchedule(base: number, warmupRatio: number): TextSchedule {
  let cached: { total: number; schedule: Schedule } | null = null;
  return (k, total) => {
    if (total === undefined) return base;
    if (cached?.total !== total)
      cached = { total, schedule: linearWarmupDecay({ base, totalSteps: total, warmupSteps: warmupStepsFromRatio(total, warmupRatio) }) };
    return cached.schedule(k);
  };
}

/** The optimizer settings a text method resolves from its options and its paper's defaults. */
export interface TextOptimizerSettings {
  learningRate: number;
  weightDecay: number;
  warmupRatio: number;
  maxGradNorm: number;
}

/** `options` over `defaults`, checked (each bad value is a RangeError naming the option). */
export function resolveOptimizerSettings(options: TextMethodOptions, defaults: TextMethodDefaults): TextOptimizerSettings {
  const learningRate = options.learningRate ?? defaults.learningRate;
  const weightDecay = options.weightDecay ?? defaults.weightDecay;
  const warmupRatio = options.warmupRatio ?? defaults.warmupRatio;
  const maxGradNorm = options.maxGradNorm ?? defaults.maxGradNorm;
  if (!(learningRate >= 0)) throw new RangeError(`learningRate must be >= 0, got ${learningRate}`);
  if (!(weightDecay >= 0)) throw new RangeError(`weightDecay must be >= 0, got ${weightDecay}`);
  if (!(warmupRatio >= 0 && warmupRatio <= 1)) throw new RangeError(`warmupRatio must be in [0, 1], got ${warmupRatio}`);
  if (!(maxGradNorm >= 0)) throw new RangeError(`maxGradNorm must be >= 0 (0 = no clipping), got ${maxGradNorm}`);
  checkTotalSteps(options.totalSteps, 'totalSteps');
  return { learningRate, weightDecay, warmupRatio, maxGradNorm };
}

/**
 * The AdamW of BERT fine-tuning: Hugging Face's `transformers.AdamW` update (`variant: 'huggingface'`),
 * no decay on biases and LayerNorm weights, global gradient-norm clipping, and the linear warm-up/decay
 * schedule of the number of updates taken (AdamW's checkpointed step count) over `totalSteps()` — read at
 * every update, so the total can come from core's `train()` through {@link StepInfo}.
 */
export function createTextOptimizer(
  options: TextMethodOptions,
  defaults: TextMethodDefaults,
  totalSteps: () => number | undefined = () => options.totalSteps,
): AdamW {
  const { learningRate, weightDecay, warmupRatio, maxGradNorm } = resolveOptimizerSettings(options, defaults);
  const schedule = linearWarmupDecaySchedule(learningRate, warmupRatio);
  return new AdamW({
    learningRate: (k) => schedule(k, totalSteps()),
    weightDecay,
    noWeightDecay: BERT_NO_WEIGHT_DECAY,
    epsilon: defaults.epsilon,
    correctBias: defaults.correctBias,
    variant: 'huggingface',
    globalClipNorm: maxGradNorm > 0 ? maxGradNorm : undefined,
  });
}

function checkTotalSteps(totalSteps: number | undefined, what: string): void {
  if (totalSteps !== undefined && !(Number.isInteger(totalSteps) && totalSteps >= 1)) {
    throw new RangeError(`${what} must be an integer >= 1, got ${totalSteps}`);
  }
}

/** Per-sequence real lengths from a tokenised batch's attention mask (right padding). */
export function lengthsOf(batch: TokenBatch): number[] {
  const out: number[] = [];
  for (let b = 0; b < batch.batch; b++) {
    let n = 0;
    for (let t = 0; t < batch.length; t++) n += batch.attentionMask[b * batch.length + t]!;
    out.push(n);
  }
  return out;
}

/**
 * Shared mechanics of the text methods, on core's {@link Method} contract: the encoder's weights as
 * checkpoint state, one optimizer, and `step` = one optimizer update on `loss(batch, info.rng)`.
 * Subclasses write only `loss`.
 *
 * Determinism: every random draw of a step (dropout masks, views) comes from `info.rng`, which core's
 * `train()` seeds by (seed, epoch, step); the schedule position is AdamW's update count, which is saved in
 * the checkpoint — so a resumed run repeats the uninterrupted one exactly.
 */
export abstract class TextMethod<B> implements Method<B> {
  /** Registry name (`'simcse'`, `'simcse-sup'`, `'consert'`). */
  abstract readonly name: string;
  /** The pooling the trained encoder should be used with (what `SentenceEncoder`/`encode` should use). */
  abstract readonly testPooling: Pooling;
  protected readonly optimizer: tf.Optimizer;
  /** The AdamW settings the method built its optimizer with; `undefined` with a caller's `optimizer`. */
  readonly optimizerSettings: Readonly<TextOptimizerSettings> | undefined;
  /** The run's total steps from the options, else from the last {@link StepInfo}. */
  private runTotalSteps: number | undefined;
  private readonly fixedTotalSteps: number | undefined;
  private disposed = false;

  constructor(
    /** The trained encoder (owned by the method: `dispose()` frees it). */
    readonly encoder: BertEncoder,
    options: TextMethodOptions,
    defaults: TextMethodDefaults,
  ) {
    this.fixedTotalSteps = options.totalSteps;
    this.runTotalSteps = options.totalSteps;
    this.optimizerSettings = options.optimizer ? undefined : resolveOptimizerSettings(options, defaults);
    this.optimizer = options.optimizer ?? createTextOptimizer(options, defaults, () => this.runTotalSteps);
  }

  /** The loss of one batch (differentiable w.r.t. the encoder weights); all randomness from `rng`. */
  abstract loss(batch: B, rng: Rng): tf.Scalar;

  /** Variables the optimizer updates. */
  protected trainable(): tf.Variable[] {
    return this.encoder.trainableVariables();
  }

  /**
   * Reads the schedule length of `info` (refusing one that contradicts `options.totalSteps`) and returns
   * the step's generator. Subclasses that override `step` call it first.
   */
  protected begin(info: StepInfo): Rng {
    if (this.disposed) throw new Error(`${this.name}: step() after dispose()`);
    if (info === undefined || info === null || typeof info.rng?.seed !== 'function') {
      throw new TypeError(
        `${this.name}.step(batch, info): info must be a StepInfo with an rng (core's train() passes one; use stepInfo(k, { seed }) in a hand-written loop)`,
      );
    }
    const { totalSteps } = info;
    if (totalSteps !== undefined) {
      checkTotalSteps(totalSteps, 'info.totalSteps');
      if (this.fixedTotalSteps !== undefined && totalSteps !== this.fixedTotalSteps) {
        throw new RangeError(
          `${this.name}: options.totalSteps is ${this.fixedTotalSteps} but train() runs ${totalSteps} steps; drop one of them`,
        );
      }
      this.runTotalSteps = totalSteps;
    }
    return info.rng;
  }

  /**
   * One optimizer step; returns the loss (the caller disposes it). No `dataSync` here. All randomness
   * comes from `info.rng`.
   */
  step(batch: B, info: StepInfo): tf.Scalar {
    const rng = this.begin(info);
    return this.minimize(() => this.loss(batch, rng));
  }

  protected minimize(f: () => tf.Scalar): tf.Scalar {
    const loss = this.optimizer.minimize(f, true, this.trainable());
    if (!loss) throw new Error('optimizer.minimize returned no loss');
    return loss;
  }

  stateTensors(): Record<string, tf.Variable> {
    return this.encoder.stateTensors();
  }

  optimizers(): Record<string, tf.Optimizer> {
    return { optimizer: this.optimizer };
  }

  /** Frees the optimizer's slots and the encoder's weights (the method owns both). Idempotent. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.optimizer.dispose();
    this.encoder.dispose();
  }
}
