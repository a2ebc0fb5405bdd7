import * as tf from '@tensorflow/tfjs';
import { AdamW, createRng, linearWarmupDecay, warmupStepsFromRatio } from '@contrastive/core';
import type { Checkpointable, Rng } from '@contrastive/core';
import type { BertEncoder } from '../encoders/bert.js';
import type { TokenBatch } from '../tokenize/load-tokenizer.js';

/**
 * Variables BERT fine-tuning exempts from weight decay (HF `Trainer` and sentence-transformers:
 * `no_decay = ['bias', 'LayerNorm.bias', 'LayerNorm.weight']`, matched as substrings of the name).
 */
export const BERT_NO_WEIGHT_DECAY = ['bias', 'LayerNorm.bias', 'LayerNorm.weight'] as const;

/** Options every text method shares. */
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
   * Total optimizer steps of the run. When given, the rate follows HF `get_linear_schedule_with_warmup`:
   * linear warm-up over `ceil(warmupRatio · totalSteps)` steps, then linear decay to 0 at `totalSteps`.
   * Default: none (a constant rate, no warm-up).
   */
  totalSteps?: number;
  /** Warm-up share of `totalSteps`. Default: the method's (SimCSE 0; ConSERT 0.1). Ignored without `totalSteps`. */
  warmupRatio?: number;
  /**
   * Clip the global gradient norm before each update (`max_grad_norm`; 0 = off). Default 1, as HF `Trainer`
   * (SimCSE) and sentence-transformers' `fit` (ConSERT).
   */
  maxGradNorm?: number;
  /** Seeds dropout masks and views: step k uses `createRng(seed + k)`, so a run repeats exactly. Default 0. */
  seed?: number;
  /**
   * Bring your own optimizer (it is then saved with the checkpoint; the options above are then ignored).
   * Default: core's `AdamW` as the method's official code configures it.
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

/**
 * The AdamW of BERT fine-tuning: Hugging Face's `transformers.AdamW` update (`variant: 'huggingface'`),
 * no decay on biases and LayerNorm weights, global gradient-norm clipping, and with `totalSteps` the linear
 * warm-up/decay schedule.
 */
export function createTextOptimizer(options: TextMethodOptions, defaults: TextMethodDefaults): AdamW {
  const base = options.learningRate ?? defaults.learningRate;
  const weightDecay = options.weightDecay ?? defaults.weightDecay;
  const warmupRatio = options.warmupRatio ?? defaults.warmupRatio;
  if (!(base >= 0)) throw new RangeError(`learningRate must be >= 0, got ${base}`);
  if (!(weightDecay >= 0)) throw new RangeError(`weightDecay must be >= 0, got ${weightDecay}`);
  if (!(warmupRatio >= 0 && warmupRatio <= 1)) throw new RangeError(`warmupRatio must be in [0, 1], got ${warmupRatio}`);
  const maxGradNorm = options.maxGradNorm ?? defaults.maxGradNorm;
  if (!(maxGradNorm >= 0)) throw new RangeError(`maxGradNorm must be >= 0 (0 = no clipping), got ${maxGradNorm}`);
  const { totalSteps } = options;
  if (totalSteps !== undefined && !(Number.isInteger(totalSteps) && totalSteps >= 1)) {
    throw new RangeError(`totalSteps must be an integer >= 1, got ${totalSteps}`);
  }
  const learningRate =
    totalSteps === undefined ? base : linearWarmupDecay({ base, totalSteps, warmupSteps: warmupStepsFromRatio(totalSteps, warmupRatio) });
  return new AdamW({
    learningRate,
    weightDecay,
    noWeightDecay: BERT_NO_WEIGHT_DECAY,
    epsilon: defaults.epsilon,
    correctBias: defaults.correctBias,
    variant: 'huggingface',
    globalClipNorm: maxGradNorm > 0 ? maxGradNorm : undefined,
  });
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
 * Shared mechanics of the text methods: the encoder's weights as checkpoint state, one optimizer, a seeded
 * stream per step, and `step` = one optimizer update on `loss(batch, rng)`. Subclasses write only `loss`.
 */
export abstract class TextMethod<B> implements Checkpointable {
  protected readonly optimizer: tf.Optimizer;
  protected readonly seed: number;
  /** Steps taken so far (also the offset of the next step's seed). */
  stepCount = 0;

  constructor(
    readonly encoder: BertEncoder,
    options: TextMethodOptions,
    defaults: TextMethodDefaults,
  ) {
    this.optimizer = options.optimizer ?? createTextOptimizer(options, defaults);
    this.seed = options.seed ?? 0;
  }

  /** The loss of one batch (differentiable w.r.t. the encoder weights). */
  abstract loss(batch: B, rng: Rng): tf.Scalar;

  /** Variables the optimizer updates. */
  protected trainable(): tf.Variable[] {
    return this.encoder.trainableVariables();
  }

  /** The seeded stream of the next step (advances the step counter). */
  protected nextRng(info?: { rng?: Rng }): Rng {
    if (info?.rng) return info.rng;
    const rng = createRng(this.seed + this.stepCount);
    this.stepCount++;
    return rng;
  }

  /**
   * One optimizer step; returns the loss (the caller disposes it). No `dataSync` here. Core's `train`
   * passes `info.rng` (seeded by seed, epoch, step), which makes a resumed run repeat exactly; without it
   * the method's own step counter seeds the stream.
   */
  step(batch: B, info?: { rng?: Rng }): tf.Scalar {
    const rng = this.nextRng(info);
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

  /** Frees the optimizer's slots (the encoder is owned by the caller). */
  dispose(): void {
    this.optimizer.dispose();
  }
}
