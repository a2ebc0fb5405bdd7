import * as tf from '@tensorflow/tfjs';
import {
  applyGradientsTo,
  cosineSchedule,
  createRng,
  getLearningRate,
  modelState,
  setLearningRate,
  trainableVariables,
  type Rng,
  type StepInfo,
} from '@contrastive/core';
import type { ViewPair } from '../augment/presets.js';
import {
  batchImages,
  embedImages,
  encoderModel,
  makeOptimizer,
  twoViews,
  type MethodBaseOptions,
  type MethodBatch,
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
 * Shared plumbing of the two-view methods: views, parameter groups and their LR schedules, the gradient
 * step, state naming and disposal. A subclass states its paper's algorithm in three hooks: `beforeLoss`
 * (momentum update, key forward — no gradient), `loss` (the differentiable part), `afterStep` (queue /
 * bank / EMA update).
 *
 * Implements core's `Method`: `step(batch, info)` takes the `StepInfo` that `train()` passes (or
 * `stepInfo(k, { seed, totalSteps })` in a hand-written loop); the views and every other random draw of a
 * step come from `info.rng`, the schedules from `info.globalStep` / `info.totalSteps`.
 *
 * Ownership: the method owns its encoder, the heads and key/target copies it creates and its optimizers;
 * `dispose()` frees them all (idempotent).
 */
export abstract class TwoViewMethod implements VisionMethod {
  abstract readonly name: string;
  readonly encoder: tf.LayersModel;
  protected readonly views: ViewPair;
  /**
   * Seeds what the constructor creates (head initialisers, queue / bank rows), in construction order.
   * Never used by a step: a step draws from `info.rng`.
   */
  protected readonly initRng: Rng;
  /** Every model the method owns, by state prefix (online and target copies). */
  protected readonly owned: Record<string, tf.LayersModel> = {};
  protected readonly groups: ParamGroup[] = [];
  private disposed = false;

  protected constructor(opts: MethodBaseOptions, defaultViews: ViewPair) {
    this.encoder = encoderModel(opts?.encoder);
    this.views = opts.views ?? defaultViews;
    this.initRng = createRng(opts.seed ?? 0);
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
  protected beforeLoss(_v1: tf.Tensor4D, _v2: tf.Tensor4D, _info: StepInfo): tf.Tensor[] {
    return [];
  }

  /**
   * The differentiable loss on two views, with the state as it is now (no update of queues, banks or
   * targets). Public so tests can check gradients flow where they should and nowhere else.
   */
  abstract loss(v1: tf.Tensor4D, v2: tf.Tensor4D, batch?: MethodBatch): tf.Scalar;

  /** State updates after the optimizer step (queue, bank, EMA). */
  protected afterStep(_batch: MethodBatch, _info: StepInfo): void {}

  /** One training step: views → [beforeLoss] → gradients → optimizer(s) → [afterStep]. Returns the loss. */
  step(batch: MethodBatch, info: StepInfo): tf.Scalar {
    this.assertAlive();
    checkStepInfo(this.name, info, this.usesTotalSteps);
    const x = batchImages(batch, this.name);
    this.applySchedules(info.globalStep, info.totalSteps);
    const [v1, v2] = twoViews(this.views, x, info.rng);
    const extra: tf.Tensor[] = [];
    try {
      extra.push(...this.beforeLoss(v1, v2, info));
      const vars = trainableVariables(...this.groups.flatMap((g) => g.models));
      const { value, grads } = tf.variableGrads(() => this.loss(v1, v2, batch), vars);
      // Each group's optimizer updates its own variables from the one backward pass (SimSiam's predictor keeps a fixed LR).
      for (const g of this.groups) applyGradientsTo(g.optimizer, grads, trainableVariables(...g.models));
      tf.dispose(Object.values(grads));
      this.afterStep(batch, info);
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

  /** Extra state (queues, banks, fixed constants) of a subclass. */
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

/**
 * Refuses a step without core's `StepInfo` (there is no private step counter or generator to fall back
 * on: a resumed run must draw what the uninterrupted one drew), and a scheduled method without `totalSteps`.
 */
export function checkStepInfo(method: string, info: StepInfo | undefined, usesTotalSteps: boolean): void {
  if (info === null || typeof info !== 'object' || !Number.isInteger(info.globalStep) || typeof info.rng?.seed !== 'function') {
    throw new TypeError(
      `${method}.step(batch, info): info must be core's StepInfo { epoch, step, globalStep, totalSteps, rng } — train() passes it; ` +
        'in a hand-written loop use stepInfo(k, { seed, totalSteps }) from @contrastive/core',
    );
  }
  if (usesTotalSteps && info.totalSteps === undefined) {
    throw new RangeError(
      `${method}.step: info.totalSteps is undefined, but ${method} schedules its learning rate or momentum over the run; ` +
        'give train() stepsPerEpoch (totalSteps = epochs × stepsPerEpoch), or stepInfo(k, { totalSteps })',
    );
  }
}
