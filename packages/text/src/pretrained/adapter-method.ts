/**
 * Contrastive training of a {@link TowerAdapter} on a frozen tower's precomputed vectors (the LiT recipe — lock the
 * pretrained tower, train on top — with a text tower): per batch of (query, positive[, hard negative]) tower
 * vectors,
 *
 * 1. adapt every vector with the shared adapter (queries and passages share it, as DPR's shared-encoder variant);
 * 2. L2-normalise and score every query against every positive (and every hard negative) of the batch, over τ;
 * 3. cross-entropy towards the query's own positive ({@link adapterLoss});
 * 4. one AdamW update of the adapter.
 *
 * A step costs a few matmuls, not a forward pass of the tower: embed each distinct text once into a
 * {@link TowerCache}, then feed batches of its rows ({@link adapterBatches}). On core's {@link Method} contract, so
 * core's `train()` drives, checkpoints and resumes it.
 */
import type * as tf from '@tensorflow/tfjs';
import { AdamW } from '@contrastive/core';
import type { Method, StepInfo } from '@contrastive/core';
import { linearWarmupDecaySchedule } from '../methods/text-method.js';
import { type AdapterBatch, type AdapterLossOptions, adapterLoss } from './adapter-loss.js';
import { TowerAdapter, type TowerAdapterOptions } from './tower-adapter.js';

/** Options of {@link AdapterMethod}. */
export interface AdapterMethodOptions extends AdapterLossOptions {
  /** Peak AdamW learning rate. Default `1e-3` (a fresh head on fixed features, not a fine-tuned BERT). */
  learningRate?: number;
  /** Decoupled weight decay (torch AdamW), never on biases. Default `0.01` (torch's default). */
  weightDecay?: number;
  /**
   * Total optimizer steps, for a linear warm-up over `ceil(warmupRatio · totalSteps)` steps then linear decay to 0
   * (HF `get_linear_schedule_with_warmup`, as the other text methods). Default: the `totalSteps` core's `train()`
   * passes in {@link StepInfo}; with neither, a constant rate. Both, different: an error.
   */
  totalSteps?: number;
  /** Warm-up share of the total steps. Default `0`. */
  warmupRatio?: number;
  /** Clip the global gradient norm at this (0 = off). Default `0`: a linear head on unit vectors does not spike. */
  maxGradNorm?: number;
  /** Bring your own optimizer (the method owns it; the optimizer options above are then ignored). */
  optimizer?: tf.Optimizer;
}

/** The optimizer settings an {@link AdapterMethod} resolved. */
export interface AdapterOptimizerSettings {
  learningRate: number;
  weightDecay: number;
  warmupRatio: number;
  maxGradNorm: number;
}

function resolveSettings(options: AdapterMethodOptions): AdapterOptimizerSettings {
  const { learningRate = 1e-3, weightDecay = 0.01, warmupRatio = 0, maxGradNorm = 0, totalSteps } = options;
  if (!(Number.isFinite(learningRate) && learningRate >= 0))
    throw new RangeError(`learningRate must be a number >= 0, got ${learningRate}`);
  if (!(Number.isFinite(weightDecay) && weightDecay >= 0)) throw new RangeError(`weightDecay must be a number >= 0, got ${weightDecay}`);
  if (!(warmupRatio >= 0 && warmupRatio <= 1)) throw new RangeError(`warmupRatio must be in [0, 1], got ${warmupRatio}`);
  if (!(Number.isFinite(maxGradNorm) && maxGradNorm >= 0)) throw new RangeError(`maxGradNorm must be >= 0 (0 = off), got ${maxGradNorm}`);
  checkTotalSteps(totalSteps, 'totalSteps');
  return { learningRate, weightDecay, warmupRatio, maxGradNorm };
}

function checkTotalSteps(totalSteps: number | undefined, what: string): void {
  if (totalSteps !== undefined && !(Number.isInteger(totalSteps) && totalSteps >= 1))
    throw new RangeError(`${what} must be an integer >= 1, got ${totalSteps}`);
}

/**
 * Trains a {@link TowerAdapter} contrastively on batches of precomputed tower vectors ({@link AdapterBatch}).
 *
 * Ownership: the method owns the adapter it is given (and its optimizer); `dispose()` frees both. Save the adapter
 * first (`saveAdapterModel(dir, method.adapter)` from `@contrastive/text/node`). If the constructor throws, the
 * adapter is still the caller's.
 *
 * @example
 * const method = AdapterMethod.forTower(tower, { layers: 'linear' });   // tower: a UseLiteEncoder (512-d)
 * await train({ method, batches: adapterBatches(examples, cache, { batchSize: 64 }), epochs: 3,
 *   stepsPerEpoch: adapterStepsPerEpoch(examples.length, 64) });
 * await saveAdapterModel('model', method.adapter);
 */
export class AdapterMethod implements Method<AdapterBatch> {
  readonly name = 'adapter';
  readonly temperature: number;
  /** What the method built its AdamW with; `undefined` with a caller's `optimizer`. */
  readonly optimizerSettings: Readonly<AdapterOptimizerSettings> | undefined;
  private readonly optimizer: tf.Optimizer;
  private readonly fixedTotalSteps: number | undefined;
  private runTotalSteps: number | undefined;
  private disposed = false;

  /** A fresh adapter on `tower`'s vectors (`inputDim` = `tower.dim`), trained with `options`. */
  static forTower(
    tower: { readonly dim: number },
    options: AdapterMethodOptions & Omit<TowerAdapterOptions, 'inputDim'> = {},
  ): AdapterMethod {
    const { outputDim, layers, hiddenDim, seed, ...methodOptions } = options;
    const adapter = new TowerAdapter({
      inputDim: tower.dim,
      ...(outputDim === undefined ? {} : { outputDim }),
      ...(layers === undefined ? {} : { layers }),
      ...(hiddenDim === undefined ? {} : { hiddenDim }),
      ...(seed === undefined ? {} : { seed }),
    });
    try {
      return new AdapterMethod(adapter, methodOptions);
    } catch (e) {
      adapter.dispose();
      throw e;
    }
  }

  constructor(
    /** The adapter being trained (owned by the method). */
    readonly adapter: TowerAdapter,
    options: AdapterMethodOptions = {},
  ) {
    const { temperature = 0.05 } = options;
    if (!(Number.isFinite(temperature) && temperature > 0)) throw new RangeError(`temperature must be a number > 0, got ${temperature}`);
    this.temperature = temperature;
    this.fixedTotalSteps = options.totalSteps;
    this.runTotalSteps = options.totalSteps;
    if (options.optimizer) {
      checkTotalSteps(options.totalSteps, 'totalSteps');
      this.optimizerSettings = undefined;
      this.optimizer = options.optimizer;
    } else {
      const settings = resolveSettings(options);
      this.optimizerSettings = settings;
      const schedule = linearWarmupDecaySchedule(settings.learningRate, settings.warmupRatio);
      this.optimizer = new AdamW({
        learningRate: (k) => schedule(k, this.runTotalSteps),
        weightDecay: settings.weightDecay,
        noWeightDecay: ['bias'],
        ...(settings.maxGradNorm > 0 ? { globalClipNorm: settings.maxGradNorm } : {}),
      });
    }
  }

  /** The loss of a batch under the current adapter, without an update (for validation). */
  loss(batch: AdapterBatch): tf.Scalar {
    if (this.disposed) throw new Error('adapter: loss() after dispose()');
    return adapterLoss(this.adapter, batch, { temperature: this.temperature });
  }

  /** One AdamW update on `batch`; returns the loss before the update (the caller disposes it). No readback here. */
  step(batch: AdapterBatch, info: StepInfo): tf.Scalar {
    if (this.disposed) throw new Error('adapter: step() after dispose()');
    if (info === undefined || info === null || typeof info.globalStep !== 'number')
      throw new TypeError(
        "adapter.step(batch, info): info must be a StepInfo (core's train() passes one; use stepInfo(k) in a hand-written loop)",
      );
    if (info.totalSteps !== undefined) {
      checkTotalSteps(info.totalSteps, 'info.totalSteps');
      if (this.fixedTotalSteps !== undefined && info.totalSteps !== this.fixedTotalSteps)
        throw new RangeError(
          `adapter: options.totalSteps is ${this.fixedTotalSteps} but train() runs ${info.totalSteps} steps; drop one of them`,
        );
      this.runTotalSteps = info.totalSteps;
    }
    const loss = this.optimizer.minimize(() => this.loss(batch), true, this.adapter.trainableVariables());
    if (!loss) throw new Error('optimizer.minimize returned no loss');
    return loss;
  }

  stateTensors(): Record<string, tf.Variable> {
    return this.adapter.stateTensors();
  }

  optimizers(): Record<string, tf.Optimizer> {
    return { optimizer: this.optimizer };
  }

  /** Frees the optimizer's slots and the adapter (the method owns both). Idempotent. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.optimizer.dispose();
    this.adapter.dispose();
  }
}
