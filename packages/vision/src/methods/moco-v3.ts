import * as tf from '@tensorflow/tfjs';
import { cosineSchedule, infoNCE, stopGradient, trainableVariables, updateMomentum, type StepInfo } from '@contrastive/core';
import { mocoV3Views } from '../augment/presets.js';
import { buildHead, type HeadBlock } from '../heads/mlp.js';
import { mocoV3Predictor, mocoV3Projector } from '../heads/presets.js';
import { TwoViewMethod } from './base.js';
import { cloneModel, forward, type MethodBaseOptions } from './common.js';

/** Options for {@link MoCoV3}. */
export interface MoCoV3Options extends MethodBaseOptions {
  /** Projector blocks. Default `mocoV3Projector({ hidden: 2D, out: D/2 })` (paper ResNet: 2048→4096→256, no biases, last BN affine=False). */
  projector?: HeadBlock[];
  /** Predictor blocks. Default `mocoV3Predictor({ hidden: 2D, out })` (paper 256→4096→256, no last BN for ResNet). */
  predictor?: HeadBlock[];
  /** Temperature τ. Default 0.2 (the paper's ViT value; ResNet-50 uses 1.0). */
  temperature?: number;
  /** m₀ of the cosine momentum schedule. Default 0.99. */
  momentum?: number;
}

/**
 * MoCo v3's symmetric loss `ctr(q₁, k₂) + ctr(q₂, k₁)`, `ctr(q, k) = CE(q̂k̂ᵀ/τ, diagonal)·2τ` — core's
 * in-batch `infoNCE` scaled by 2τ as in the official `builder.py`; keys are stop-gradiented.
 */
export function mocoV3Loss(q1: tf.Tensor2D, q2: tf.Tensor2D, k1: tf.Tensor2D, k2: tf.Tensor2D, temperature: number): tf.Scalar {
  return tf.tidy(() => {
    const ctr = (q: tf.Tensor2D, k: tf.Tensor2D) => tf.mul(infoNCE(q, stopGradient(k), { temperature }), 2 * temperature);
    return tf.add(ctr(q1, k2), ctr(q2, k1)) as tf.Scalar;
  });
}

/**
 * MoCo v3 (Chen, Xie & He, ICCV 2021; `facebookresearch/moco-v3` `moco/builder.py`). No queue. Per step:
 * 1. asymmetric views x₁, x₂ ({@link mocoV3Views});
 * 2. momentum update **before** the keys: θ_k ← m_t·θ_k + (1−m_t)·θ_q with
 *    m_t = 1 − ½(1 + cos(πt/T))(1 − m₀) (core `cosineSchedule` from m₀ to 1);
 * 3. q_i = pred(proj(f(x_i))), k_i = proj_k(f_k(x_i)) with no gradient;
 * 4. L = ctr(q₁, k₂) + ctr(q₂, k₁), ctr(q, k) = CE(q̂k̂ᵀ/τ, diagonal)·2τ (core in-batch `infoNCE`, ×2τ as
 *    in the official code).
 */
export class MoCoV3 extends TwoViewMethod {
  readonly name = 'moco-v3';
  readonly projector: tf.Sequential;
  readonly predictor: tf.Sequential;
  readonly keyEncoder: tf.LayersModel;
  readonly keyProjector: tf.LayersModel;
  readonly temperature: number;
  readonly baseMomentum: number;
  /** m_t used by the last update. */
  lastMomentum = Number.NaN;
  private keys: [tf.Tensor2D, tf.Tensor2D] | null = null;

  /** m follows a cosine schedule from m₀ to 1 over the run (unless m₀ is already 1). */
  override get usesTotalSteps(): boolean {
    return this.baseMomentum < 1 || super.usesTotalSteps;
  }

  constructor(opts: MoCoV3Options) {
    super(opts, mocoV3Views());
    const { temperature = 0.2, momentum = 0.99 } = opts;
    if (!(temperature > 0)) throw new RangeError(`MoCoV3: temperature must be > 0, got ${String(temperature)}`);
    if (!(momentum >= 0 && momentum <= 1)) throw new RangeError(`MoCoV3: momentum must be in [0, 1], got ${String(momentum)}`);
    this.temperature = temperature;
    this.baseMomentum = momentum;
    const d = this.featureDim;
    const out = Math.max(16, Math.round(d / 2));
    this.projector = buildHead(opts.projector ?? mocoV3Projector({ hidden: 2 * d, out }), {
      inDim: d,
      name: 'mocov3_proj',
      seed: this.initRng.seed(),
    });
    const pd = this.projector.outputs[0]!.shape[1] as number;
    this.predictor = buildHead(opts.predictor ?? mocoV3Predictor({ hidden: 2 * d, out: pd }), {
      inDim: pd,
      name: 'mocov3_pred',
      seed: this.initRng.seed(),
    });
    this.keyEncoder = cloneModel(this.encoder);
    this.keyProjector = cloneModel(this.projector);
    Object.assign(this.owned, {
      projector: this.projector,
      predictor: this.predictor,
      key_encoder: this.keyEncoder,
      key_projector: this.keyProjector,
    });
    this.defaultGroup(opts, [this.encoder, this.projector, this.predictor], false);
  }

  /** Keys of a view with the momentum network as it is now. */
  encodeKeys(x: tf.Tensor4D): tf.Tensor2D {
    return tf.tidy(() => forward(this.keyProjector, forward(this.keyEncoder, x)));
  }

  protected override beforeLoss(v1: tf.Tensor4D, v2: tf.Tensor4D, info: StepInfo): tf.Tensor[] {
    const total = info.totalSteps ?? 0;
    this.lastMomentum =
      total > 0
        ? cosineSchedule({ from: this.baseMomentum, to: 1, totalSteps: total })(Math.min(info.globalStep, total))
        : this.baseMomentum;
    updateMomentum(
      trainableVariables(this.encoder, this.projector),
      trainableVariables(this.keyEncoder, this.keyProjector),
      this.lastMomentum,
    );
    this.keys = [this.encodeKeys(v1), this.encodeKeys(v2)];
    return this.keys;
  }

  loss(v1: tf.Tensor4D, v2: tf.Tensor4D): tf.Scalar {
    const [k1, k2] = this.keys ?? [this.encodeKeys(v1), this.encodeKeys(v2)];
    const q1 = forward(this.predictor, forward(this.projector, forward(this.encoder, v1)));
    const q2 = forward(this.predictor, forward(this.projector, forward(this.encoder, v2)));
    const loss = mocoV3Loss(q1, q2, k1, k2, this.temperature);
    if (!this.keys) tf.dispose([k1, k2]);
    return loss;
  }

  protected override afterStep(): void {
    this.keys = null;
  }
}
