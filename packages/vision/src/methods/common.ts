import * as tf from '@tensorflow/tfjs';
import { createRng, type Rng } from '@contrastive/core';
import type { ImageBatch } from '../io/dataset.js';
import { assertImages } from '../augment/apply.js';
import { multiView } from '../augment/compose.js';
import type { ViewPair } from '../augment/presets.js';

/**
 * What the training loop tells a step: core `train()`'s step info (`{ epoch, step, globalStep, rng }`)
 * plus `totalSteps`, every field optional so a method also runs from a hand-written loop.
 * `globalStep`/`totalSteps` drive the momentum and LR schedules; `rng` (derived from seed + step by the
 * loop) makes a resumed run draw the same views. Pass `{ ...info, totalSteps }` from `train()`.
 */
export interface StepInfo {
  /** Step over the whole run, 0-based. */
  globalStep?: number;
  /** Step within the epoch (unused by the methods). */
  step?: number;
  /** Total number of steps of the run (for cosine schedules). */
  totalSteps?: number;
  /** Epoch index, 0-based. */
  epoch?: number;
  /** Random stream for this step's views and sampling. */
  rng?: Rng;
}

/** A batch as a method accepts it: a stream batch (with dataset indices) or bare images `[N,H,W,C]`. */
export type MethodBatch = ImageBatch | tf.Tensor4D;

/** Every vision method: one training step returning the loss, the encoder for downstream use, state. */
export interface VisionMethod {
  /** Method name, e.g. `'simclr'`. */
  readonly name: string;
  /** The online encoder f (the representation h used by kNN and the linear probe). */
  readonly encoder: tf.LayersModel;
  /**
   * Whether `step` depends on `info.totalSteps` (a cosine learning-rate or momentum schedule over the run).
   * When true, resuming a run with a different total number of steps changes what the rest of it does.
   */
  readonly usesTotalSteps: boolean;
  /** One optimisation step on `batch`; returns the loss (the caller disposes it). */
  step(batch: MethodBatch, info?: StepInfo): tf.Scalar;
  /** Encoder output `[N, D]` in inference mode (BN uses its moving statistics). */
  embed(images: tf.Tensor4D): tf.Tensor2D;
  /** All state by stable name (see `Checkpointable` in core). */
  stateTensors(): Record<string, tf.Variable>;
  /** Optimizers by name (see `Checkpointable` in core). */
  optimizers(): Record<string, tf.Optimizer>;
  /** Frees every tensor and variable the method owns. */
  dispose(): void;
}

/** Options every method accepts. */
export interface MethodBaseOptions {
  /** The online encoder f. The method owns it from now on (disposes it). */
  encoder: tf.LayersModel;
  /** The view makers for the two views; default: the method's paper preset. */
  views?: ViewPair;
  /** Optimizer; default Adam with `learningRate` (the papers use SGD/LARS at batch sizes CPU cannot reach). */
  optimizer?: tf.Optimizer;
  /** Learning rate of the default Adam optimizer. Default 1e-3. */
  learningRate?: number;
  /** Seed for the method's own random stream (views, when the loop passes no `info.rng`), heads and copies. Default 0. */
  seed?: number;
}

/** Stable state names for a model: `<prefix>/<index>/<weight>` (index in `model.weights` order). */
export function modelState(prefix: string, model: tf.LayersModel): Record<string, tf.Variable> {
  const out: Record<string, tf.Variable> = {};
  model.weights.forEach((w, i) => {
    const leaf = w.originalName.split('/').pop() ?? 'w';
    out[`${prefix}/${String(i).padStart(3, '0')}_${leaf}`] = w.read() as tf.Variable;
  });
  return out;
}

/** The trainable variables of models, for `optimizer.minimize(..., varList)`. */
export function trainableVariables(...models: tf.LayersModel[]): tf.Variable[] {
  return models.flatMap((m) => m.trainableWeights.map((w) => w.read() as tf.Variable));
}

/** The images of a batch, checked. */
export function batchImages(batch: MethodBatch, method: string): tf.Tensor4D {
  const x = batch instanceof tf.Tensor ? batch : batch.images;
  assertImages(x, `${method}.step: batch`);
  if (x.shape[0] < 2) throw new RangeError(`${method}.step: batch needs at least 2 images, got ${x.shape[0]}`);
  return x;
}

/** The dataset indices of a batch, or `undefined` for bare images. */
export function batchIndices(batch: MethodBatch): Int32Array | undefined {
  return batch instanceof tf.Tensor ? undefined : batch.indices;
}

/** Applies a model in training mode (BN on batch statistics). */
export function forward(model: tf.LayersModel, x: tf.Tensor): tf.Tensor2D {
  return model.apply(x, { training: true }) as tf.Tensor2D;
}

/** Encoder output in inference mode, batched to bound memory. */
export function embedImages(encoder: tf.LayersModel, images: tf.Tensor4D, batchSize = 256): tf.Tensor2D {
  return tf.tidy(() => {
    const parts: tf.Tensor2D[] = [];
    for (let s = 0; s < images.shape[0]; s += batchSize) {
      const n = Math.min(batchSize, images.shape[0] - s);
      parts.push(encoder.apply(images.slice([s, 0, 0, 0], [n, -1, -1, -1]), { training: false }) as tf.Tensor2D);
    }
    return parts.length === 1 ? parts[0]! : (tf.concat(parts, 0) as tf.Tensor2D);
  });
}

/** Creates the default optimizer or validates a given one. */
export function makeOptimizer(opts: MethodBaseOptions): tf.Optimizer {
  if (opts.optimizer) return opts.optimizer;
  const lr = opts.learningRate ?? 1e-3;
  if (!(lr > 0) || !Number.isFinite(lr)) throw new RangeError(`learningRate must be a finite number > 0, got ${String(lr)}`);
  return tf.train.adam(lr);
}

/**
 * Sets an optimizer's learning rate (for schedules). tfjs optimizers keep it in a `learningRate` field
 * (SGD also caches it, hence `setLearningRate`).
 */
export function setLearningRate(optimizer: tf.Optimizer, lr: number): void {
  const o = optimizer as unknown as { learningRate: number; setLearningRate?: (v: number) => void };
  if (typeof o.setLearningRate === 'function') o.setLearningRate(lr);
  else o.learningRate = lr;
}

/** The current base learning rate of an optimizer. */
export function getLearningRate(optimizer: tf.Optimizer): number {
  return (optimizer as unknown as { learningRate: number }).learningRate;
}

/** Draws the two views of a batch. */
export function twoViews(views: ViewPair, x: tf.Tensor4D, rng: Rng): [tf.Tensor4D, tf.Tensor4D] {
  const [a, b] = multiView(views)(x, rng);
  return [a!, b!];
}

/** The method's fallback random stream. */
export function methodRng(seed: number | undefined): Rng {
  return createRng(seed ?? 0);
}

/**
 * Clones a model's architecture with fresh variables (for target / key networks) and copies every
 * weight (BN statistics included), so the copy starts identical (MoCo: θ_k ← θ_q at init). Synchronous:
 * rebuilt from `getConfig()` with the class's `fromConfig`.
 */
export function cloneModel(model: tf.LayersModel): tf.LayersModel {
  const cls = model.constructor as unknown as {
    fromConfig(c: unknown, config: tf.serialization.ConfigDict): tf.LayersModel;
  };
  const copy = cls.fromConfig(cls, model.getConfig());
  copy.setWeights(model.getWeights());
  return copy;
}
