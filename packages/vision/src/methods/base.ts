import * as tf from '@tensorflow/tfjs';
import { cosineSchedule, type Rng } from '@contrastive/core';
import type { ViewPair } from '../augment/presets.js';
import {
  batchImages,
  embedImages,
  getLearningRate,
  makeOptimizer,
  methodRng,
  modelState,
  setLearningRate,
  trainableVariables,
  twoViews,
  type MethodBaseOptions,
  type MethodBatch,
  type StepInfo,
  type VisionMethod,
} from './common.js';

/** One optimizer over a set of models, with a constant or cosine-decayed learning rate. */
interface ParamGroup {
  name: string;
  optimizer: tf.Optimizer;
  models: tf.LayersModel[];
  baseLr: number;
  cosine: boolean;
}

/**
 * Shared plumbing of the two-view methods: views, the random stream, parameter groups and their LR
 * schedules, the gradient step, state naming and disposal. A subclass states its paper's algorithm in
 * three hooks: `beforeLoss` (momentum update, key forward — no gradient), `loss` (the differentiable
 * part), `afterStep` (queue / bank / EMA update).
 */
export abstract class TwoViewMethod implements VisionMethod {
  abstract readonly name: string;
  readonly encoder: tf.LayersModel;
  protected readonly views: ViewPair;
  protected readonly rng: Rng;
  /** Every model the method owns, by state prefix (online and target copies). */
  protected readonly owned: Record<string, tf.LayersModel> = {};
  protected readonly groups: ParamGroup[] = [];
  /** Steps taken by this object (used when the loop passes no `info.step`). */
  protected localStep = 0;
  private disposed = false;

  protected constructor(opts: MethodBaseOptions, defaultViews: ViewPair) {
    if (!(opts?.encoder instanceof tf.LayersModel)) throw new TypeError('options.encoder must be a tf.LayersModel (e.g. smallCnnEncoder())');
    this.encoder = opts.encoder;
    this.views = opts.views ?? defaultViews;
    this.rng = methodRng(opts.seed);
    this.owned.encoder = this.encoder;
  }

  /** Output size of the encoder (the head's input). */
  protected get featureDim(): number {
    const d = this.encoder.outputs[0]!.shape[1];
    if (typeof d !== 'number') throw new RangeError(`encoder must output [N, D], got ${JSON.stringify(this.encoder.outputs[0]!.shape)}`);
    return d;
  }

  /** Registers an optimizer over `models` (their trainable weights). */
  protected addGroup(name: string, optimizer: tf.Optimizer, models: tf.LayersModel[], cosine: boolean): void {
    this.groups.push({ name, optimizer, models, baseLr: getLearningRate(optimizer), cosine });
  }

  /** Convenience for subclasses: the single default group. */
  protected defaultGroup(opts: MethodBaseOptions, models: tf.LayersModel[], cosine: boolean): void {
    this.addGroup('optimizer', makeOptimizer(opts), models, cosine);
  }

  /** True when a parameter group decays its LR with a cosine schedule; subclasses with a momentum schedule add theirs. */
  get usesTotalSteps(): boolean {
    return this.groups.some((g) => g.cosine);
  }

  /** Work before the loss that needs no gradient (momentum update, keys). Returns tensors to free after the step. */
  protected beforeLoss(_v1: tf.Tensor4D, _v2: tf.Tensor4D, _info: Required<Pick<StepInfo, 'globalStep'>> & StepInfo): tf.Tensor[] {
    return [];
  }

  /**
   * The differentiable loss on two views, with the state as it is now (no update of queues, banks or
   * targets). Public so tests can check gradients flow where they should and nowhere else.
   */
  abstract loss(v1: tf.Tensor4D, v2: tf.Tensor4D, batch?: MethodBatch): tf.Scalar;

  /** State updates after the optimizer step (queue, bank, EMA). */
  protected afterStep(_batch: MethodBatch, _info: Required<Pick<StepInfo, 'globalStep'>> & StepInfo): void {}

  /** One training step: views → [beforeLoss] → gradients → optimizer(s) → [afterStep]. Returns the loss. */
  step(batch: MethodBatch, info: StepInfo = {}): tf.Scalar {
    this.assertAlive();
    const x = batchImages(batch, this.name);
    const step = info.globalStep ?? this.localStep;
    const full = { ...info, globalStep: step };
    this.applySchedules(step, info.totalSteps);
    const [v1, v2] = twoViews(this.views, x, info.rng ?? this.rng);
    const extra: tf.Tensor[] = [];
    try {
      extra.push(...this.beforeLoss(v1, v2, full));
      const vars = trainableVariables(...this.groups.flatMap((g) => g.models));
      const { value, grads } = tf.variableGrads(() => this.loss(v1, v2, batch), vars);
      for (const g of this.groups) {
        const names = new Set(trainableVariables(...g.models).map((v) => v.name));
        const mine: tf.NamedTensorMap = {};
        for (const [k, t] of Object.entries(grads)) if (names.has(k)) mine[k] = t;
        g.optimizer.applyGradients(mine);
      }
      tf.dispose(Object.values(grads));
      this.afterStep(batch, full);
      this.localStep = step + 1;
      return value;
    } finally {
      tf.dispose([v1, v2, ...extra]);
    }
  }

  /** Cosine LR decay `lr·½(1 + cos(π·t/T))` (MoCo v2 `--cos`, SimSiam) for groups that use it. */
  private applySchedules(step: number, totalSteps: number | undefined): void {
    for (const g of this.groups) {
      if (!g.cosine || !totalSteps) continue;
      setLearningRate(g.optimizer, cosineSchedule({ from: g.baseLr, to: 0, totalSteps })(Math.min(step, totalSteps)));
    }
  }

  embed(images: tf.Tensor4D): tf.Tensor2D {
    this.assertAlive();
    return embedImages(this.encoder, images);
  }

  /** Extra state (queues, banks, counters) of a subclass. */
  protected extraState(): Record<string, tf.Variable> {
    return {};
  }

  stateTensors(): Record<string, tf.Variable> {
    this.assertAlive();
    const out: Record<string, tf.Variable> = {};
    for (const [prefix, m] of Object.entries(this.owned)) Object.assign(out, modelState(prefix, m));
    return { ...out, ...this.extraState() };
  }

  optimizers(): Record<string, tf.Optimizer> {
    return Object.fromEntries(this.groups.map((g) => [g.name, g.optimizer]));
  }

  /** Frees subclass resources (queues, banks). */
  protected disposeExtra(): void {}

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const m of Object.values(this.owned)) m.dispose();
    for (const g of this.groups) g.optimizer.dispose();
    this.disposeExtra();
  }

  protected assertAlive(): void {
    if (this.disposed) throw new Error(`${this.name} was disposed`);
  }
}
