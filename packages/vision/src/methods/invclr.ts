import * as tf from '@tensorflow/tfjs';
import { ntXent, type StepInfo } from '@contrastive/core';
import { applyDifferentiableColor, drawTensors, sampleColorDraw, sampleColorParams } from '../augment/differentiable-color.js';
import { invclrViews, isSplitViewMaker, type SplitViewMaker } from '../augment/invclr-views.js';
import type { ViewPair } from '../augment/presets.js';
import { buildHead, type HeadBlock } from '../heads/mlp.js';
import { simclrProjector } from '../heads/presets.js';
import { TwoViewMethod } from './base.js';
import { forward, localForward, type MethodBaseOptions, type MethodBatch } from './common.js';
import { invclrPenalty, rademacher } from './invclr-penalty.js';
import { registerSecondOrderGradients } from './second-order.js';

/** Options for {@link InvCLR}. */
export interface InvCLROptions extends MethodBaseOptions {
  /**
   * The two views, each a {@link SplitViewMaker} from `invclrViews()`: its geometric part (crop, flip) makes
   * the views, its differentiable colour part runs inside the step so the penalty can differentiate it.
   * Default `invclrViews()` (crop [0.08, 1], flip, colour strength 0.5).
   */
  views?: ViewPair;
  /** Projection head g. Default `simclrProjector({ hidden: D, out: 128 })` (the code's critic: D → D → 128 with BN). */
  projector?: HeadBlock[];
  /** NT-Xent temperature τ. Default 0.5 (the code's default). */
  temperature?: number;
  /** λ, the weight of the gradient penalty (`--lambda-gp`). Default 0.1 (the paper's CIFAR value; 1e-2 on Spirograph). 0 = SimCLR on these views. */
  gpWeight?: number;
  /** K, resampled α′ per image (the code's 100). Default 100: they cost a `[K, B, P]` product, no forward pass. */
  gpSamples?: number;
  /** Clamp of R (`--gp-upper-limit`). Default 1. */
  gpUpperLimit?: number;
  /** Penalise h/‖h‖ rather than h. Default true (the code's default). */
  gpNormalize?: boolean;
}

/** What one InvCLR step draws (`beforeLoss`; freed after the step): colour of both views, v and α′. */
export interface InvCLRStepDraws {
  color1: { alpha: tf.Tensor2D; apply: tf.Tensor1D; gray: tf.Tensor1D };
  color2: { alpha: tf.Tensor2D; apply: tf.Tensor1D; gray: tf.Tensor1D };
  /** Rademacher v `[B, D]` (absent when λ = 0). */
  v?: tf.Tensor2D;
  /** α′ `[K, B, P]` (absent when λ = 0). */
  alphaPrime?: tf.Tensor3D;
}

/**
 * InvCLR (Foster, Pukdee & Rainforth, "Improving Transformation Invariance in Contrastive Representation
 * Learning", ICLR 2021; `ae-foster/invclr` `invclr.py::train`). Per step:
 * 1. two views: crop + flip (outside the penalty), then the colour distortion t(·, α) with continuous α per
 *    image (brightness, contrast, saturation, hue; grayscale images: brightness, contrast) as tensor ops;
 * 2. h₁ = f(t(x̃₁, α₁)), h₂ = f(t(x̃₂, α₂)), z = g(h); L_NT-Xent(z₁, z₂; τ) as SimCLR;
 * 3. the gradient penalty R on view 1 ({@link invclrPenalty}: Rademacher v, g = ∂(Σ v⊙h₁/‖h₁‖)/∂α₁ kept
 *    differentiable, K fresh α′, R = min(mean (g·(α′ − α₁))², 1));
 * 4. L = L_NT-Xent + λ·R, one backward pass through both (a gradient of a gradient).
 * The representation kept for downstream use is h. At test time, feature averaging over M transformed
 * passes is a scoring option (`--eval-passes`), not part of the method.
 *
 * Cost (docs/results-vision.md): with λ > 0 a step took 1.5–2.5× SimCLR's wall time and the process peaked at
 * 3.6 GB instead of 1.4 GB (batch 256, 28 px, small CNN, wasm): the backward pass of the gradient keeps the
 * first backward's activations. λ = 0 skips the penalty and costs what SimCLR does.
 */
export class InvCLR extends TwoViewMethod {
  readonly name = 'invclr';
  readonly projector: tf.Sequential;
  readonly temperature: number;
  readonly gpWeight: number;
  readonly gpSamples: number;
  readonly gpUpperLimit: number;
  readonly gpNormalize: boolean;
  /** The full views (geometric + colour): what scoring and feature averaging apply. */
  readonly fullViews: ViewPair;
  private readonly colorParts: [SplitViewMaker, SplitViewMaker];
  private draws: InvCLRStepDraws | null = null;
  private kept: tf.Tensor[] = [];

  constructor(opts: InvCLROptions) {
    const full = opts.views ?? invclrViews();
    if (!isSplitViewMaker(full[0]) || !isSplitViewMaker(full[1])) {
      throw new TypeError(
        'InvCLR: options.views must come from invclrViews() (each view maker carries its geometric part and its differentiable colour options)',
      );
    }
    super({ ...opts, views: [full[0].geometric, full[1].geometric] }, full);
    this.fullViews = full;
    this.colorParts = [full[0], full[1]];
    const { temperature = 0.5, gpWeight = 0.1, gpSamples = 100, gpUpperLimit = 1, gpNormalize = true } = opts;
    if (!(temperature > 0)) throw new RangeError(`InvCLR: temperature must be > 0, got ${String(temperature)}`);
    if (!(gpWeight >= 0) || !Number.isFinite(gpWeight))
      throw new RangeError(`InvCLR: gpWeight (λ) must be a finite number >= 0, got ${String(gpWeight)}`);
    if (!Number.isInteger(gpSamples) || gpSamples < 1 || gpSamples > 10000) {
      throw new RangeError(`InvCLR: gpSamples (K) must be an integer in [1, 10000], got ${String(gpSamples)}`);
    }
    if (!(gpUpperLimit > 0)) throw new RangeError(`InvCLR: gpUpperLimit must be > 0, got ${String(gpUpperLimit)}`);
    this.temperature = temperature;
    this.gpWeight = gpWeight;
    this.gpSamples = gpSamples;
    this.gpUpperLimit = gpUpperLimit;
    this.gpNormalize = gpNormalize;
    if (gpWeight > 0) registerSecondOrderGradients();
    const d = this.featureDim;
    this.projector = buildHead(opts.projector ?? simclrProjector({ hidden: d, out: 128 }), {
      inDim: d,
      name: 'invclr_proj',
      seed: this.initRng.seed(),
    });
    this.owned.projector = this.projector;
    this.defaultGroup(opts, [this.encoder, this.projector], false);
  }

  /** Draws the colour parameters of both views, v and α′ from `info.rng` (after the geometric views). */
  protected override beforeLoss(v1: tf.Tensor4D, _v2: tf.Tensor4D, info: StepInfo): tf.Tensor[] {
    const [n, , , c] = v1.shape;
    const [m1, m2] = this.colorParts;
    const d1 = sampleColorDraw(n, c, info.rng, m1.color);
    const d2 = sampleColorDraw(n, c, info.rng, m2.color);
    const draws: InvCLRStepDraws = { color1: drawTensors(d1), color2: drawTensors(d2) };
    if (this.gpWeight > 0) {
      draws.v = rademacher(n, this.featureDim, info.rng.uniform);
      const k = this.gpSamples;
      draws.alphaPrime = tf.tensor3d(sampleColorParams(k, n, c, info.rng, m1.color.strength), [k, n, d1.params]);
    }
    this.draws = draws;
    return [
      ...Object.values(draws.color1),
      ...Object.values(draws.color2),
      ...(draws.v ? [draws.v] : []),
      ...(draws.alphaPrime ? [draws.alphaPrime] : []),
    ];
  }

  /** NT-Xent + λ·R on two geometric views, with the colour draws of the current step. */
  loss(v1: tf.Tensor4D, v2: tf.Tensor4D, _batch?: MethodBatch): tf.Scalar {
    const draws = this.draws;
    if (!draws) throw new Error('InvCLR.loss: no colour draws for this step (call step(), or lossWithDraws())');
    return this.lossWithDraws(v1, v2, draws);
  }

  /** The loss for explicit draws (tests): returns NT-Xent + λ·R. */
  lossWithDraws(v1: tf.Tensor4D, v2: tf.Tensor4D, draws: InvCLRStepDraws): tf.Scalar {
    const { color1: c1, color2: c2 } = draws;
    let h1: tf.Tensor2D;
    let penalty: tf.Scalar | null = null;
    if (this.gpWeight > 0 && draws.v && draws.alphaPrime) {
      const r = invclrPenalty(
        // Second-order gradients: computed in this thread (a data-parallel gather has no gradient of its gradient).
        (a) => localForward(this.encoder, applyDifferentiableColor(v1, a, c1.apply, c1.gray)),
        c1.alpha,
        draws.v,
        draws.alphaPrime,
        {
          upperLimit: this.gpUpperLimit,
          normalize: this.gpNormalize,
        },
      );
      h1 = r.representation;
      this.kept.push(h1); // kept out of the tidy by invclrPenalty; freed after the backward pass
      penalty = r.penalty;
    } else {
      h1 = forward(this.encoder, applyDifferentiableColor(v1, c1.alpha, c1.apply, c1.gray));
    }
    const h2 = forward(this.encoder, applyDifferentiableColor(v2, c2.alpha, c2.apply, c2.gray));
    const contrastive = ntXent(forward(this.projector, h1), forward(this.projector, h2), { temperature: this.temperature });
    return penalty ? (contrastive.add(penalty.mul(this.gpWeight)) as tf.Scalar) : contrastive;
  }

  override step(batch: MethodBatch, info: StepInfo): tf.Scalar {
    try {
      return super.step(batch, info);
    } finally {
      this.draws = null;
      this.releaseStepTensors();
    }
  }

  /**
   * Frees the view-1 representations `lossWithDraws` kept alive for the backward pass (`step` does this
   * itself; call it after using `loss` / `lossWithDraws` directly).
   */
  releaseStepTensors(): void {
    tf.dispose(this.kept);
    this.kept = [];
  }
}
