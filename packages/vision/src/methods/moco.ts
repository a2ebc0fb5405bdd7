import * as tf from '@tensorflow/tfjs';
import { infoNCE, l2Normalize, MoCoQueue, stopGradient, trainableVariables, updateMomentum, type StepInfo } from '@contrastive/core';
import { mocoV1Views, mocoV2Views, type ViewPair } from '../augment/presets.js';
import { buildHead, type HeadBlock } from '../heads/mlp.js';
import { mocoV1Projector, mocoV2Projector } from '../heads/presets.js';
import { TwoViewMethod } from './base.js';
import { cloneModel, type MethodBaseOptions } from './common.js';
import { groupedForward } from './shuffle-bn.js';

/** Options for {@link MoCo} (v1 defaults; {@link MoCoV2} changes head, τ, views and LR schedule). */
export interface MoCoOptions extends MethodBaseOptions {
  /** Projection head as blocks. v1: `Linear(D→128)`; v2: `Linear(D→D) → ReLU → Linear(D→128)`. */
  projector?: HeadBlock[];
  /** Queue size K (paper 65,536). Default 4096 — keep K ≤ the dataset size so keys are not stale duplicates. */
  queueSize?: number;
  /** Key-encoder momentum m. Default 0.999. */
  momentum?: number;
  /** InfoNCE temperature τ. v1 0.07, v2 0.2. */
  temperature?: number;
  /**
   * Number of BN sub-batches that emulate per-GPU BatchNorm; the key batch is shuffled before being
   * split (shuffle BN). 1 disables the emulation. Default 2.
   */
  bnGroups?: number;
  /** Shuffle the key sub-batches (shuffle BN). Default true. Turning it off re-opens the BN shortcut. */
  shuffleBn?: boolean;
  /** Cosine learning-rate decay over the run (MoCo v2 `--cos`). v1 false, v2 true. */
  cosineLr?: boolean;
}

/**
 * MoCo (He, Fan, Wu, Xie & Girshick, CVPR 2020; `facebookresearch/moco` `moco/builder.py`). Per step:
 * 1. two views: x_q, x_k;
 * 2. **momentum update first**: θ_k ← m·θ_k + (1−m)·θ_q (core `updateMomentum`, trainable weights,
 *    as the official code's `parameters()`), then k = normalize(g_k(f_k(x_k))) with no gradient, computed
 *    over shuffled sub-batches (shuffle-BN emulation, see `groupedForward`);
 * 3. q = g(f(x_q)) over sub-batches in the original order;
 * 4. L = InfoNCE(q, k⁺, negatives = queue; τ) (core `infoNCE`, positive at logit 0);
 * 5. optimizer step on θ_q; then enqueue k (core `MoCoQueue`, FIFO).
 */
export class MoCo extends TwoViewMethod {
  readonly name: string = 'moco-v1';
  readonly projector: tf.Sequential;
  readonly keyEncoder: tf.LayersModel;
  readonly keyProjector: tf.LayersModel;
  readonly queue: MoCoQueue;
  readonly momentum: number;
  readonly temperature: number;
  readonly bnGroups: number;
  readonly shuffleBn: boolean;
  private keys: tf.Tensor2D | null = null;

  constructor(
    opts: MoCoOptions,
    defaults: { views: ViewPair; projector: (d: number) => HeadBlock[]; temperature: number; cosineLr: boolean } = MOCO_V1,
  ) {
    super(opts, defaults.views);
    const {
      queueSize = 4096,
      momentum = 0.999,
      temperature = defaults.temperature,
      bnGroups = 2,
      shuffleBn = true,
      cosineLr = defaults.cosineLr,
    } = opts;
    if (!(momentum >= 0 && momentum <= 1)) throw new RangeError(`MoCo: momentum must be in [0, 1], got ${String(momentum)}`);
    if (!(temperature > 0)) throw new RangeError(`MoCo: temperature must be > 0, got ${String(temperature)}`);
    if (!Number.isInteger(bnGroups) || bnGroups < 1)
      throw new RangeError(`MoCo: bnGroups must be an integer >= 1, got ${String(bnGroups)}`);
    this.momentum = momentum;
    this.temperature = temperature;
    this.bnGroups = bnGroups;
    this.shuffleBn = shuffleBn;
    const d = this.featureDim;
    this.projector = buildHead(opts.projector ?? defaults.projector(d), { inDim: d, name: 'moco_proj', seed: this.initRng.seed() });
    // θ_k starts as a copy of θ_q.
    this.keyEncoder = cloneModel(this.encoder);
    this.keyProjector = cloneModel(this.projector);
    const dim = this.projector.outputs[0]!.shape[1] as number;
    this.queue = new MoCoQueue({ size: queueSize, dim, seed: this.initRng.seed() });
    Object.assign(this.owned, { projector: this.projector, key_encoder: this.keyEncoder, key_projector: this.keyProjector });
    this.defaultGroup(opts, [this.encoder, this.projector], cosineLr);
  }

  /** Keys k = normalize(g_k(f_k(x_k))) for a batch, with the key network as it is now (no gradient). */
  encodeKeys(xk: tf.Tensor4D, perm?: Int32Array): tf.Tensor2D {
    return tf.tidy(() => l2Normalize(groupedForward([this.keyEncoder, this.keyProjector], xk, this.bnGroups, perm)) as tf.Tensor2D);
  }

  protected override beforeLoss(_v1: tf.Tensor4D, v2: tf.Tensor4D, info: StepInfo): tf.Tensor[] {
    updateMomentum(trainableVariables(this.encoder, this.projector), trainableVariables(this.keyEncoder, this.keyProjector), this.momentum);
    const perm = this.shuffleBn ? info.rng.permutation(v2.shape[0]) : undefined;
    this.keys = this.encodeKeys(v2, perm);
    return [this.keys];
  }

  loss(v1: tf.Tensor4D, v2: tf.Tensor4D): tf.Scalar {
    const keys = this.keys ?? this.encodeKeys(v2);
    const q = groupedForward([this.encoder, this.projector], v1, this.bnGroups);
    const negatives = this.queue.negatives();
    // Keys carry no gradient (the official code computes them under no_grad).
    const loss = infoNCE(q, stopGradient(keys), { negatives, temperature: this.temperature });
    if (keys !== this.keys) keys.dispose();
    negatives.dispose();
    return loss;
  }

  protected override afterStep(): void {
    if (this.keys) this.queue.update(this.keys);
    this.keys = null; // freed by the base step
  }

  protected override extraState(): Record<string, tf.Variable> {
    return this.queue.stateTensors('queue');
  }

  protected override disposeExtra(): void {
    this.queue.dispose();
  }
}

const MOCO_V1 = {
  views: mocoV1Views(),
  projector: (d: number) => mocoV1Projector({ out: Math.min(128, d) }),
  temperature: 0.07,
  cosineLr: false,
};
const MOCO_V2 = {
  views: mocoV2Views(),
  projector: (d: number) => mocoV2Projector({ hidden: d, out: Math.min(128, d) }),
  temperature: 0.2,
  cosineLr: true,
};

/** MoCo v1: linear head to 128, τ = 0.07, m = 0.999, InstDisc augmentations ({@link mocoV1Views}). */
export class MoCoV1 extends MoCo {
  override readonly name = 'moco-v1';
  constructor(opts: MoCoOptions) {
    super(opts, MOCO_V1);
  }
}

/**
 * MoCo v2 (Chen, Fan, Girshick & He 2020, "Improved Baselines with Momentum Contrastive Learning"):
 * MoCo v1 plus an MLP head (D→D→128, no BN), τ = 0.2, the aug+ views with blur ({@link mocoV2Views}) and a
 * cosine learning-rate schedule.
 */
export class MoCoV2 extends MoCo {
  override readonly name = 'moco-v2';
  constructor(opts: MoCoOptions) {
    super(opts, MOCO_V2);
  }
}
