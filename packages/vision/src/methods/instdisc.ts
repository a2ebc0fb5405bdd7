import * as tf from '@tensorflow/tfjs';
import { createRng, infoNCE, l2Normalize, MemoryBank, nceLoss, nceLogZ, type StepInfo } from '@contrastive/core';
import { mocoV1Views } from '../augment/presets.js';
import { buildHead, type HeadBlock } from '../heads/mlp.js';
import { instDiscProjector } from '../heads/presets.js';
import { checkStepInfo, TwoViewMethod } from './base.js';
import { batchIndices, forward, type MethodBaseOptions, type MethodBatch } from './common.js';

/** Options for {@link InstDisc}. */
export interface InstDiscOptions extends MethodBaseOptions {
  /** Number of training images n (one memory-bank row each). Required. */
  datasetSize: number;
  /** Embedding head blocks. Default `instDiscProjector({ out: 128 })` (a linear map to 128-d). */
  projector?: HeadBlock[];
  /** `'nce'`: Wu et al.'s binary NCE with a fixed Z; `'softmax'`: full softmax over the positive row and k sampled rows. Default `'nce'`. */
  objective?: 'nce' | 'softmax';
  /** k, negatives sampled from the bank per image (paper 4096). Default 4096, capped at n − 1. */
  negatives?: number;
  /** Temperature τ. Default 0.07. */
  temperature?: number;
  /** Bank momentum: v_i ← normalize(m·v_i + (1−m)·f_i). Default 0.5. */
  bankMomentum?: number;
}

/**
 * Instance discrimination with a memory bank (Wu, Xiong, Yu & Lin, CVPR 2018;
 * `zhirongw/lemniscate.pytorch`). One view per image and step (the first maker of `views`, InstDisc's
 * augmentation = {@link mocoV1Views}). Per step:
 * 1. f_i = normalize(g(h(x_i))), 128-d;
 * 2. positives v_i = bank rows of the batch's dataset indices, k noise rows drawn uniformly from the
 *    bank (core `MemoryBank.sample`, may include the positive as in lemniscate);
 * 3. `'nce'`: core `nceLoss` with P(i|f) = exp(v_iᵀf/τ)/Z, Z estimated once on the first batch and then
 *    kept (stored as state so a resumed run keeps it); `'softmax'`: core `infoNCE` with the k rows;
 * 4. optimizer step; bank update for the batch's rows with the (detached) features.
 * Needs the batch's dataset indices (`{ images, indices }` from `imageBatches`).
 */
export class InstDisc extends TwoViewMethod {
  readonly name = 'instdisc';
  readonly projector: tf.Sequential;
  readonly bank: MemoryBank;
  readonly objective: 'nce' | 'softmax';
  readonly temperature: number;
  readonly datasetSize: number;
  /** k: noise rows sampled from the bank per image. */
  readonly negatives: number;
  /** log Z of the NCE objective; NaN until the first step fixes it. */
  private readonly logZ: tf.Variable<tf.Rank.R0>;
  /** Whether `logZ` may still be NaN: true at construction and whenever the state is handed out (a checkpoint may be loaded into it). */
  private logZMaybeUnset = true;
  private rowsPos: tf.Tensor2D | null = null;
  private rowsNeg: tf.Tensor3D | null = null;
  private features: tf.Tensor2D | null = null;

  constructor(opts: InstDiscOptions) {
    super(opts, mocoV1Views());
    const { datasetSize, objective = 'nce', temperature = 0.07, bankMomentum = 0.5 } = opts;
    if (!Number.isInteger(datasetSize) || datasetSize < 2)
      throw new RangeError(`InstDisc: datasetSize must be an integer >= 2, got ${String(datasetSize)}`);
    if (objective !== 'nce' && objective !== 'softmax')
      throw new RangeError(`InstDisc: objective must be 'nce' or 'softmax', got '${String(objective)}'`);
    this.objective = objective;
    this.temperature = temperature;
    this.datasetSize = datasetSize;
    this.negatives = Math.min(opts.negatives ?? 4096, datasetSize - 1);
    const d = this.featureDim;
    this.projector = buildHead(opts.projector ?? instDiscProjector({ out: 128 }), {
      inDim: d,
      name: 'instdisc_proj',
      seed: this.initRng.seed(),
    });
    const dim = this.projector.outputs[0]!.shape[1] as number;
    this.bank = new MemoryBank({
      size: datasetSize,
      dim,
      momentum: bankMomentum,
      negativesPerQuery: this.negatives,
      excludePositive: false,
      seed: this.initRng.seed(),
    });
    this.logZ = tf.tidy(() => tf.variable(tf.scalar(Number.NaN), false)) as tf.Variable<tf.Rank.R0>;
    this.owned.projector = this.projector;
    this.defaultGroup(opts, [this.encoder, this.projector], false);
  }

  private indicesOf(batch: MethodBatch | undefined): Int32Array {
    const idx = batch ? batchIndices(batch) : undefined;
    if (!idx)
      throw new TypeError('InstDisc.step needs the dataset index of every image: pass { images, indices } (imageBatches yields it)');
    return idx;
  }

  override step(batch: MethodBatch, info: StepInfo): tf.Scalar {
    checkStepInfo(this.name, info, this.usesTotalSteps);
    const indices = this.indicesOf(batch);
    this.rowsPos = this.bank.rows(indices);
    // The noise rows are the step's first draw from info.rng, the views the next ones.
    this.rowsNeg = this.bank.sample(this.negatives, { n: indices.length, rng: info.rng });
    try {
      return super.step(batch, info);
    } finally {
      this.rowsPos?.dispose();
      this.rowsNeg?.dispose();
      this.rowsPos = null;
      this.rowsNeg = null;
    }
  }

  /**
   * The loss with the bank as it is. Inside `step` it uses the step's rows; called on its own (tests,
   * gradient checks) it samples the noise rows from a fixed stream (seed 0), so it is deterministic and
   * touches no state.
   */
  loss(v1: tf.Tensor4D, _v2: tf.Tensor4D, batch?: MethodBatch): tf.Scalar {
    const own = !this.rowsPos;
    const indices = own ? this.indicesOf(batch) : null;
    const pos = this.rowsPos ?? this.bank.rows(indices!);
    const neg = this.rowsNeg ?? this.bank.sample(this.negatives, { n: indices!.length, rng: createRng(0) });
    const f = l2Normalize(forward(this.projector, forward(this.encoder, v1))) as tf.Tensor2D;
    this.features?.dispose();
    this.features = tf.keep(f.clone());
    let loss: tf.Scalar;
    if (this.objective === 'softmax') {
      loss = infoNCE(f, pos, { negatives: neg, temperature: this.temperature });
    } else {
      const opts = { temperature: this.temperature, datasetSize: this.datasetSize };
      if (this.logZMaybeUnset) {
        // Lemniscate fixes Z on the first batch: Z = n·mean(exp(vᵀf/τ)), a constant (no gradient). A value
        // already in the variable (a restored checkpoint) is kept. Decided on the backend: no read-back.
        tf.tidy(() => this.logZ.assign(tf.where(tf.isNaN(this.logZ), nceLogZ(f, pos, neg, opts), this.logZ)));
        this.logZMaybeUnset = false;
      }
      loss = nceLoss(f, pos, neg, { ...opts, logZ: this.logZ });
    }
    if (own) tf.dispose([pos, neg]);
    return loss;
  }

  protected override afterStep(batch: MethodBatch): void {
    if (this.features) this.bank.update(this.features, { indices: this.indicesOf(batch) });
    this.features?.dispose();
    this.features = null;
  }

  protected override extraState(): Record<string, tf.Variable> {
    // The caller may load a checkpoint into these variables (one saved before Z was fixed holds NaN), so
    // the next NCE step checks the variable again.
    this.logZMaybeUnset = true;
    return { ...this.bank.stateTensors('bank'), 'instdisc/logZ': this.logZ };
  }

  protected override disposeExtra(): void {
    this.bank.dispose();
    this.logZ.dispose();
    this.features?.dispose();
  }
}
