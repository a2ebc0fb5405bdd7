import * as tf from '@tensorflow/tfjs';
import type { Encoder, LayersEncoder, Method, Rng, StepInfo } from '@contrastive/core';
import { parallelRows } from '@contrastive/core';
import type { ImageBatch } from '../io/dataset.js';
import { assertImages } from '../augment/apply.js';
import { multiView } from '../augment/compose.js';
import type { ViewPair } from '../augment/presets.js';

/** A batch as a method accepts it: a stream batch (with dataset indices) or bare images `[N,H,W,C]`. */
export type MethodBatch = ImageBatch | tf.Tensor4D;

/**
 * A vision method: core's {@link Method} over image batches (`step(batch, info)` with core's `StepInfo`,
 * `stateTensors()`, `optimizers()`, `dispose()`), plus the encoder it trains and `embed`.
 */
export interface VisionMethod extends Method<MethodBatch> {
  /** The online encoder f (the representation h used by kNN and the linear probe). */
  readonly encoder: tf.LayersModel;
  /**
   * Whether `step` depends on `info.totalSteps` (a cosine learning-rate or momentum schedule over the run).
   * When true, resuming a run with a different total number of steps changes what the rest of it does.
   */
  readonly usesTotalSteps: boolean;
  /** One optimisation step on `batch` (views and every random draw from `info.rng`); returns the loss (the caller disposes it). */
  step(batch: MethodBatch, info: StepInfo): tf.Scalar;
  /** Encoder output `[N, D]` in inference mode (BN uses its moving statistics). */
  embed(images: tf.Tensor4D): tf.Tensor2D;
}

/** What a vision method takes as its encoder: a tfjs-layers model, or core's {@link layersEncoder} around one. */
export type VisionEncoderInput = tf.LayersModel | LayersEncoder;

/** Options every method accepts. */
export interface MethodBaseOptions {
  /**
   * The online encoder f: a `tf.LayersModel` (e.g. `smallCnnEncoder()`) or core's `layersEncoder(model)`.
   * A tfjs-layers model is required because key / target networks are copies of it (`cloneModel`).
   * **Ownership**: the method owns it from now on — `dispose()` disposes it (save it first to keep it).
   */
  encoder: VisionEncoderInput;
  /** The view makers for the two views; default: the method's paper preset. */
  views?: ViewPair;
  /**
   * Optimizer; default Adam with `learningRate` (the papers use SGD/LARS at batch sizes CPU cannot reach).
   * **Ownership**: a given optimizer is owned by the method too and disposed by `dispose()`.
   */
  optimizer?: tf.Optimizer;
  /** Learning rate of the default Adam optimizer. Default 1e-3. */
  learningRate?: number;
  /**
   * Seed of what the method creates at construction: head initialisers, the queue / memory bank's initial
   * rows. Default 0. (A step's randomness — views, shuffle-BN permutation, bank samples — comes from
   * `info.rng` only.)
   */
  seed?: number;
}

/** The tfjs-layers model of a {@link VisionEncoderInput}, or a TypeError naming what was given. */
export function encoderModel(encoder: VisionEncoderInput | undefined): tf.LayersModel {
  if (encoder instanceof tf.LayersModel) return encoder;
  const wrapped = (encoder as Partial<LayersEncoder> | undefined)?.model;
  if (wrapped instanceof tf.LayersModel) return wrapped;
  throw new TypeError('options.encoder must be a tf.LayersModel (e.g. smallCnnEncoder()) or layersEncoder(model) from @contrastive/core');
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

/**
 * Applies a model in training mode (BN on batch statistics) to a batch `[N, …]`. Under data-parallel
 * training (`--workers`) each worker computes its shard of the rows and the shards are gathered with their
 * gradients (core's `parallelRows`): BN then sees the worker's shard, or the whole batch with synchronised BN.
 */
export function forward(model: tf.LayersModel, x: tf.Tensor): tf.Tensor2D {
  return parallelRows(
    x.shape[0]!,
    (start, count) => model.apply(count === x.shape[0] ? x : tf.slice(x, start, count), { training: true }) as tf.Tensor,
  ) as tf.Tensor2D;
}

/** {@link forward} in this thread only, never split across workers (for gradients of gradients, which a gather does not have). */
export function localForward(model: tf.LayersModel, x: tf.Tensor): tf.Tensor2D {
  return model.apply(x, { training: true }) as tf.Tensor2D;
}

/**
 * Encoder output in inference mode, batched to bound memory. `encoder` is a tfjs-layers model or any core
 * {@link Encoder} over images (e.g. what `loadTrainedEncoder` returns).
 */
export function embedImages(encoder: tf.LayersModel | Encoder<tf.Tensor4D>, images: tf.Tensor4D, batchSize = 256): tf.Tensor2D {
  const apply = (x: tf.Tensor4D): tf.Tensor2D =>
    (encoder instanceof tf.LayersModel ? encoder.apply(x, { training: false }) : encoder.apply(x, false)) as tf.Tensor2D;
  return tf.tidy(() => {
    const parts: tf.Tensor2D[] = [];
    for (let s = 0; s < images.shape[0]; s += batchSize) {
      const n = Math.min(batchSize, images.shape[0] - s);
      parts.push(apply(images.slice([s, 0, 0, 0], [n, -1, -1, -1])));
    }
    return parts.length === 1 ? parts[0]! : (tf.concat(parts, 0) as tf.Tensor2D);
  });
}

/** Creates the default optimizer or returns the given one. */
export function makeOptimizer(opts: MethodBaseOptions): tf.Optimizer {
  if (opts.optimizer) return opts.optimizer;
  const lr = opts.learningRate ?? 1e-3;
  if (!(lr > 0) || !Number.isFinite(lr)) throw new RangeError(`learningRate must be a finite number > 0, got ${String(lr)}`);
  return tf.train.adam(lr);
}

/** A predictor LR multiple (BYOL, SimSiam `predictorLrScale`): default 1, else a finite number > 0. */
export function checkPredictorLrScale(method: string, scale: number | undefined): number {
  const s = scale ?? 1;
  if (!(s > 0 && Number.isFinite(s))) throw new RangeError(`${method}: predictorLrScale must be a finite number > 0, got ${String(scale)}`);
  return s;
}

/** Draws the two views of a batch. */
export function twoViews(views: ViewPair, x: tf.Tensor4D, rng: Rng): [tf.Tensor4D, tf.Tensor4D] {
  const [a, b] = multiView(views)(x, rng);
  return [a!, b!];
}

// θ_k ← θ_q copies: core's cloneModel (re-exported here for the methods and vision's public API).
export { cloneModel } from '@contrastive/core';
