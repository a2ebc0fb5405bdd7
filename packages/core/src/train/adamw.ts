import * as tf from '@tensorflow/tfjs';
import { assertInRange, assertNonNegative, assertPositive } from '../validate.js';
import type { Schedule } from './schedules.js';

/** Options of {@link AdamW} (defaults: `torch.optim.AdamW`). */
export interface AdamWOptions {
  /** A constant rate, or a {@link Schedule} of the number of updates already taken (e.g. `linearWarmupDecay`). Default 1e-3. */
  learningRate?: number | Schedule;
  /** β₁. Default 0.9. */
  beta1?: number;
  /** β₂. Default 0.999. */
  beta2?: number;
  /** ε. Default 1e-8 (Hugging Face `Trainer` too; sentence-transformers and ConSERT use 1e-6). */
  epsilon?: number;
  /** Decoupled weight decay λ: each update first multiplies the weight by `1 − lr·λ`. Default 0.01. */
  weightDecay?: number;
  /**
   * Variables exempt from weight decay: a predicate of the variable's name, or substrings of it.
   * BERT fine-tuning (HF `Trainer`, sentence-transformers) exempts `['bias', 'LayerNorm.weight',
   * 'LayerNorm.bias']`. Default: none (PyTorch decays every parameter of a group).
   */
  noWeightDecay?: readonly string[] | ((variableName: string) => boolean);
  /**
   * Adam's bias correction of both moments. Default `true`. `false` reproduces Hugging Face's
   * `AdamW(correct_bias=False)` ("no bias correction for BERT"), which sentence-transformers and ConSERT use.
   */
  correctBias?: boolean;
  /**
   * Whose update to reproduce. `'torch'` (default): `torch.optim.AdamW` — decay the weight, then the Adam
   * step, ε added after the bias correction. `'huggingface'`: the legacy `transformers.AdamW` that HF
   * `Trainer` (SimCSE), sentence-transformers and ConSERT ran — the Adam step with ε added to √v before
   * the bias correction, then the decay of the updated weight.
   */
  variant?: 'torch' | 'huggingface';
  /**
   * Rescale the gradients of each `applyGradients` call so their global L2 norm is at most this:
   * `g ← g · min(1, c / (‖g‖ + 1e-6))`, as `torch.nn.utils.clip_grad_norm_` before the step (HF `Trainer`'s
   * and sentence-transformers' `max_grad_norm` = 1; Keras' `global_clipnorm`). Default: no clipping.
   */
  globalClipNorm?: number;
}

/** A named tensor as tfjs optimizers exchange them (`tf.NamedTensor` is not re-exported by `@tensorflow/tfjs`). */
type NamedTensor = { name: string; tensor: tf.Tensor };

/** One moment slot of one variable (`originalName` is `<variable>/m` or `<variable>/v`). */
interface Slot {
  originalName: string;
  variable: tf.Variable;
}

/**
 * Adam with decoupled weight decay (Loshchilov & Hutter, "Decoupled Weight Decay Regularization",
 * ICLR 2019), step for step `torch.optim.AdamW` (amsgrad off). At update t = 1, 2, … with rate
 * `lr = learningRate(t − 1)` and gradient g:
 *
 * ```
 * θ ← θ·(1 − lr·λ)                 (skipped for the noWeightDecay variables)
 * m ← β₁m + (1 − β₁)g,   v ← β₂v + (1 − β₂)g²
 * θ ← θ − (lr / (1 − β₁ᵗ)) · m / (√v / √(1 − β₂ᵗ) + ε)      (correctBias: false → θ − lr·m/(√v + ε))
 * ```
 *
 * `variant: 'huggingface'` reproduces the legacy `transformers.AdamW` instead:
 * `θ ← θ − lr·(√(1 − β₂ᵗ)/(1 − β₁ᵗ))·m/(√v + ε)`, then `θ ← θ − lr·λ·θ`. The decay order alone changes
 * the weights by O(lr²·λ) per step (1.8e-3 after 7 steps at lr 0.05, λ 0.1 in the golden test).
 *
 * Checkpoints: `getWeights()` returns the update count followed by every first moment then every second
 * moment (the layout of tfjs' Adam), so core's `saveCheckpoint`/`loadCheckpoint` round-trip it exactly;
 * with a schedule the restored count also restores the learning rate. Slots follow the order of the
 * variables in `applyGradients` (as in tfjs' optimizers), so always pass the same variable list.
 */
export class AdamW extends tf.Optimizer {
  /** Name checked by `loadCheckpoint` against the saved optimizer. */
  static get className(): string {
    return 'AdamW';
  }

  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  readonly weightDecay: number;
  readonly correctBias: boolean;
  readonly variant: 'torch' | 'huggingface';
  readonly globalClipNorm: number | undefined;
  private readonly learningRate: number | Schedule;
  private readonly exempt: (name: string) => boolean;
  private firstMoments: Slot[] = [];
  private secondMoments: Slot[] = [];

  constructor(options: AdamWOptions = {}) {
    super();
    const {
      learningRate = 1e-3,
      beta1 = 0.9,
      beta2 = 0.999,
      epsilon = 1e-8,
      weightDecay = 0.01,
      correctBias = true,
      noWeightDecay,
      variant = 'torch',
      globalClipNorm,
    } = options;
    if (typeof learningRate === 'number') assertNonNegative(learningRate, 'learningRate');
    else if (typeof learningRate !== 'function')
      throw new TypeError(`learningRate must be a number or a schedule function, got ${String(learningRate)}`);
    assertInRange(beta1, 0, 1, 'beta1');
    assertInRange(beta2, 0, 1, 'beta2');
    if (beta1 === 1 || beta2 === 1) throw new RangeError(`beta1 and beta2 must be < 1, got ${beta1} and ${beta2}`);
    assertPositive(epsilon, 'epsilon');
    assertNonNegative(weightDecay, 'weightDecay');
    this.learningRate = learningRate;
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.epsilon = epsilon;
    this.weightDecay = weightDecay;
    this.correctBias = correctBias;
    if (variant !== 'torch' && variant !== 'huggingface')
      throw new RangeError(`variant must be 'torch' or 'huggingface', got '${String(variant)}'`);
    this.variant = variant;
    if (globalClipNorm !== undefined) assertPositive(globalClipNorm, 'globalClipNorm');
    this.globalClipNorm = globalClipNorm;
    if (noWeightDecay === undefined) this.exempt = () => false;
    else if (typeof noWeightDecay === 'function') this.exempt = noWeightDecay;
    else if (Array.isArray(noWeightDecay) && noWeightDecay.every((s) => typeof s === 'string')) {
      const parts = [...noWeightDecay];
      this.exempt = (name) => parts.some((p) => name.includes(p));
    } else throw new TypeError('noWeightDecay must be an array of name substrings or a predicate');
  }

  /** The rate of the next update (the schedule at the number of updates taken so far). */
  currentLearningRate(): number {
    const lr = typeof this.learningRate === 'number' ? this.learningRate : this.learningRate(this.iterations);
    if (!Number.isFinite(lr) || lr < 0) throw new RangeError(`learning-rate schedule returned ${lr} at step ${this.iterations}`);
    return lr;
  }

  /** Whether `variableName` is decayed (λ > 0 and not matched by `noWeightDecay`). */
  decays(variableName: string): boolean {
    return this.weightDecay > 0 && !this.exempt(variableName);
  }

  override applyGradients(variableGradients: tf.NamedTensorMap | NamedTensor[]): void {
    const names = Array.isArray(variableGradients) ? variableGradients.map((v) => v.name) : Object.keys(variableGradients);
    const lr = this.currentLearningRate();
    const t = this.iterations + 1;
    // Scalars in float64 (as PyTorch computes them in Python), tensors in float32.
    const bc1 = this.correctBias ? 1 - this.beta1 ** t : 1;
    const bc2Sqrt = this.correctBias ? Math.sqrt(1 - this.beta2 ** t) : 1;
    const hf = this.variant === 'huggingface';
    const stepSize = hf ? (lr * bc2Sqrt) / bc1 : lr / bc1;
    const registered = tf.engine().registeredVariables;
    const gradOf = (name: string, i: number): tf.Tensor | undefined =>
      (Array.isArray(variableGradients) ? variableGradients[i]?.tensor : variableGradients[name]) ?? undefined;
    tf.tidy(() => {
      // Global-norm clipping stays on the device (no dataSync): the factor is a scalar tensor.
      let clip: tf.Scalar | null = null;
      if (this.globalClipNorm !== undefined) {
        const present = names.map(gradOf).filter((g): g is tf.Tensor => g !== undefined);
        if (present.length > 0) {
          const norm = tf.sqrt(tf.addN(present.map((g) => g.square().sum())));
          clip = tf.minimum(tf.div(this.globalClipNorm, norm.add(1e-6)), 1) as tf.Scalar;
        }
      }
      names.forEach((name, i) => {
        const value = registered[name];
        if (value === undefined) throw new Error(`AdamW: no variable named '${name}' is registered`);
        this.firstMoments[i] ??= { originalName: `${name}/m`, variable: tf.tidy(() => tf.zerosLike(value).variable(false)) };
        this.secondMoments[i] ??= { originalName: `${name}/v`, variable: tf.tidy(() => tf.zerosLike(value).variable(false)) };
        const m = this.firstMoments[i];
        const v = this.secondMoments[i];
        const raw = gradOf(name, i);
        if (raw === undefined) return;
        const g = clip ? raw.mul(clip) : raw;
        const m1 = m.variable.mul(this.beta1).add(g.mul(1 - this.beta1));
        const v1 = v.variable.mul(this.beta2).add(g.square().mul(1 - this.beta2));
        m.variable.assign(m1);
        v.variable.assign(v1);
        const decay = this.decays(name);
        if (hf) {
          const stepped = value.sub(m1.div(v1.sqrt().add(this.epsilon)).mul(stepSize));
          value.assign(decay ? stepped.sub(stepped.mul(lr * this.weightDecay)) : stepped);
        } else {
          const theta = decay ? value.mul(1 - lr * this.weightDecay) : value;
          const denom = (this.correctBias ? v1.sqrt().div(bc2Sqrt) : v1.sqrt()).add(this.epsilon);
          value.assign(theta.sub(m1.div(denom).mul(stepSize)));
        }
      });
    });
    this.incrementIterations();
  }

  override async getWeights(): Promise<NamedTensor[]> {
    const slots = [...this.firstMoments, ...this.secondMoments];
    return [await this.saveIterations(), ...slots.map((s) => ({ name: s.originalName, tensor: s.variable }))];
  }

  /** Restores `[iterations, m…, v…]` as written by {@link getWeights}; frees the slots it replaces. */
  override async setWeights(weightValues: NamedTensor[]): Promise<void> {
    const rest = await this.extractIterations(weightValues);
    if (rest.length % 2 !== 0)
      throw new RangeError(`AdamW.setWeights expects iterations + equal numbers of m and v slots, got ${weightValues.length} tensors`);
    const half = rest.length / 2;
    const old = [...this.firstMoments, ...this.secondMoments].map((s) => s.variable);
    const toSlot = (w: NamedTensor): Slot => ({ originalName: w.name, variable: w.tensor.variable(false) });
    this.firstMoments = rest.slice(0, half).map(toSlot);
    this.secondMoments = rest.slice(half).map(toSlot);
    tf.dispose(old);
  }

  override dispose(): void {
    tf.dispose([...this.firstMoments, ...this.secondMoments].map((s) => s.variable));
    this.firstMoments = [];
    this.secondMoments = [];
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      learningRate: typeof this.learningRate === 'number' ? this.learningRate : null,
      beta1: this.beta1,
      beta2: this.beta2,
      epsilon: this.epsilon,
      weightDecay: this.weightDecay,
      correctBias: this.correctBias,
      variant: this.variant,
      globalClipNorm: this.globalClipNorm ?? null,
    };
  }
}
