import * as tf from '@tensorflow/tfjs';
import { AdamW } from '@contrastive/core';
import type { Method, StepInfo, StepOutput } from '@contrastive/core';
import type { SsaBatch } from './ssa-data.js';
import type { SsaModel } from './ssa-model.js';
import { noamLearningRate, orthogonalityPenalty, orthogonalityWeight, ssclLoss } from './ssa-math.js';

/** Learning-rate schedules of {@link SsclMethod}. */
export type SsclSchedule = 'noam' | 'constant';

/** Options of {@link SsclMethod}; defaults are `AspDec/SSCL/main.py`'s. */
export interface SsclOptions {
  /**
   * `'noam'` (default, the code's `--lr_schedule warm-up`): lr = 2·100000^−½·min(s^−½, s·warmup^−1.5), which ignores
   * `learningRate` (peak ≈ 1.41e-4 at step `warmupSteps`). `'constant'`: `learningRate` at every step.
   */
  schedule?: SsclSchedule;
  /** Constant rate of `schedule: 'constant'`. Default 2e-4 (`--learning_rate`). */
  learningRate?: number;
  /**
   * `--warmup_step`: the Noam warm-up length **and** the orthogonality weight 0.1 + warmupSteps/step (the code uses
   * one argument for both). Default 2000. On a small corpus (a few hundred steps) both stay in their early regime:
   * the rate tiny and the orthogonality weight large; a shorter warm-up is the lever.
   */
  warmupSteps?: number;
  /** Global gradient-norm clip (`--grad_clip`). Default 2. */
  maxGradNorm?: number;
  /**
   * Scale the orthogonality norm by √N as the code does (it takes the norm of A's Gram matrix repeated over the
   * batch). Default true.
   */
  orthogonalityOverBatch?: boolean;
  /**
   * Keep learned aspect 0 at its k-means centre. The code's `aspect_embedding` is an `nn.Embedding(K, d,
   * padding_idx=0)`, and torch gives the padding row no gradient, so aspect 0 never moves (a quirk of the code, not
   * a choice of the paper). Default true, as the code runs.
   */
  freezeFirstAspect?: boolean;
}

/**
 * SSCL (Shi et al., AAAI 2021) on core's {@link Method} contract: per batch, encode with SSA (or the mean baseline),
 * reconstruct r = pᵀA, and minimise
 *
 * ```
 * L = mean_i[−cos(r_i, z_i) + log Σ_j exp cos(r_i, z_j)] + (0.1 + warmup/step)·√N·‖ÂÂᵀ − I‖_F
 * ```
 *
 * with Adam (torch defaults, no weight decay: `build_optimizer`), gradient norm clipped at 2 over the trainable
 * parameters, the Noam warm-up rate, word vectors frozen (`train_base_model` false). No randomness in a step: the
 * negatives are the rest of the batch. The method owns the model and the optimizer; `dispose()` frees both.
 */
export class SsclMethod implements Method<SsaBatch> {
  readonly name: string;
  readonly model: SsaModel;
  readonly schedule: SsclSchedule;
  readonly learningRate: number;
  readonly warmupSteps: number;
  readonly maxGradNorm: number;
  readonly orthogonalityOverBatch: boolean;
  readonly freezeFirstAspect: boolean;
  private readonly optimizer: AdamW;
  private disposed = false;

  constructor(model: SsaModel, options: SsclOptions = {}) {
    const {
      schedule = 'noam',
      learningRate = 2e-4,
      warmupSteps = 2000,
      maxGradNorm = 2,
      orthogonalityOverBatch = true,
      freezeFirstAspect = true,
    } = options;
    if (schedule !== 'noam' && schedule !== 'constant')
      throw new RangeError(`schedule must be 'noam' or 'constant', got '${String(schedule)}'`);
    if (!(learningRate > 0)) throw new RangeError(`learningRate must be > 0, got ${learningRate}`);
    if (!(Number.isInteger(warmupSteps) && warmupSteps >= 1))
      throw new RangeError(`warmupSteps must be an integer >= 1, got ${warmupSteps}`);
    if (!(maxGradNorm >= 0)) throw new RangeError(`maxGradNorm must be >= 0 (0 = off), got ${maxGradNorm}`);
    this.name = model.encoder === 'ssa' ? 'ssa' : 'ssa-mean';
    this.model = model;
    this.schedule = schedule;
    this.learningRate = learningRate;
    this.warmupSteps = warmupSteps;
    this.maxGradNorm = maxGradNorm;
    this.orthogonalityOverBatch = orthogonalityOverBatch;
    this.freezeFirstAspect = freezeFirstAspect;
    this.optimizer = new AdamW({
      // k = updates already taken; the code's global_steps is 1-based.
      learningRate: schedule === 'noam' ? (k) => noamLearningRate(k + 1, warmupSteps) : learningRate,
      weightDecay: 0,
      ...(maxGradNorm > 0 ? { globalClipNorm: maxGradNorm } : {}),
    });
  }

  /** The total loss at optimizer step `globalStep` (1-based) and its two parts. */
  losses(batch: SsaBatch, globalStep: number): { loss: tf.Scalar; sscl: tf.Scalar; orthogonality: tf.Scalar } {
    return tf.tidy(() => {
      const { z, r } = this.model.forward(batch.ids, batch.mask);
      const sscl = ssclLoss(r, z);
      const orthogonality = orthogonalityPenalty(this.model.aspects, this.orthogonalityOverBatch ? batch.ids.shape[0] : 1);
      const loss = sscl.add(orthogonality.mul(orthogonalityWeight(globalStep, this.warmupSteps))) as tf.Scalar;
      return { loss, sscl, orthogonality };
    });
  }

  step(batch: SsaBatch, info: StepInfo): StepOutput {
    return tf.tidy(() => this.update(batch, info.globalStep + 1));
  }

  private update(batch: SsaBatch, globalStep: number): StepOutput {
    let parts: { sscl: tf.Scalar; orthogonality: tf.Scalar } | null = null;
    const { value, grads } = tf.variableGrads(() => {
      const l = this.losses(batch, globalStep);
      parts = { sscl: tf.keep(l.sscl), orthogonality: tf.keep(l.orthogonality) };
      return l.loss;
    }, this.model.trainable());
    if (this.freezeFirstAspect) {
      const name = this.model.aspects.name;
      const g = grads[name]!;
      const rowMask = tf.concat([tf.zeros([1, 1]), tf.ones([g.shape[0]! - 1, 1])]);
      grads[name] = g.mul(rowMask);
    }
    this.optimizer.applyGradients(grads);
    const p = parts as unknown as { sscl: tf.Scalar; orthogonality: tf.Scalar };
    return { loss: value, logs: { sscl: p.sscl, orthogonality: p.orthogonality } };
  }

  stateTensors(): Record<string, tf.Variable> {
    return this.model.stateTensors();
  }

  optimizers(): Record<string, tf.Optimizer> {
    return { optimizer: this.optimizer };
  }

  /** Frees the optimizer's slots and the model's variables. Idempotent. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.optimizer.dispose();
    this.model.dispose();
  }
}
