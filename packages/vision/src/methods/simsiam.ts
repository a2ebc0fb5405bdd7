import * as tf from '@tensorflow/tfjs';
import { l2Normalize, stopGradient } from '@contrastive/core';
import { mocoV2Views } from '../augment/presets.js';
import { buildHead, type HeadBlock } from '../heads/mlp.js';
import { simsiamPredictor, simsiamProjector } from '../heads/presets.js';
import { TwoViewMethod } from './base.js';
import { checkPredictorLrScale, forward, makeOptimizer, type MethodBaseOptions } from './common.js';

/** Options for {@link SimSiam}. */
export interface SimSiamOptions extends MethodBaseOptions {
  /** Projector blocks. Default `simsiamProjector({ hidden: D, out: D })` (paper 2048 wide, 3 layers, last BN affine=False). */
  projector?: HeadBlock[];
  /** Predictor blocks. Default `simsiamPredictor({ hidden: D/4, out: D })` (paper bottleneck 2048→512→2048). */
  predictor?: HeadBlock[];
  /** Cosine-decay the encoder+projector LR; the predictor's LR stays fixed (`--fix-pred-lr`). Default true. */
  cosineLr?: boolean;
  /**
   * The predictor's learning rate as a multiple of `learningRate` (the default Adam's). Default 1 (the paper's:
   * one rate). With few steps a randomly initialised predictor is what the online network is pulled through; a
   * faster one fits before the encoder follows it (SimSiam and solo-learn keep its LR from decaying; DirectPred,
   * Tian, Chen & Ganguli 2021, sets it from its input statistics without training and matches trained ones).
   * `byol-small` / `simsiam-small` use 10 (docs/results-vision.md, "BYOL, SimSiam and InstDisc on small data").
   */
  predictorLrScale?: number;
}

/** `D(p, z) = −p̂·ẑ` per row `[N]` (SimSiam's negative cosine similarity). */
export function negativeCosine(p: tf.Tensor2D, z: tf.Tensor2D): tf.Tensor1D {
  return tf.tidy(() => tf.neg(tf.sum(tf.mul(l2Normalize(p), l2Normalize(z)), -1)) as tf.Tensor1D);
}

/** SimSiam's loss `½·D(p₁, sg z₂) + ½·D(p₂, sg z₁)` (batch means; minimum −1). */
export function simsiamLoss(p1: tf.Tensor2D, p2: tf.Tensor2D, z1: tf.Tensor2D, z2: tf.Tensor2D): tf.Scalar {
  return tf.tidy(
    () =>
      tf.add(
        tf.mul(0.5, tf.mean(negativeCosine(p1, stopGradient(z2)))),
        tf.mul(0.5, tf.mean(negativeCosine(p2, stopGradient(z1)))),
      ) as tf.Scalar,
  );
}

/**
 * SimSiam (Chen & He, CVPR 2021; `facebookresearch/simsiam`). Per step:
 * 1. two views (MoCo v2 aug+, {@link mocoV2Views});
 * 2. z_i = g(f(x_i)), p_i = h(z_i);
 * 3. L = ½·D(p₁, sg z₂) + ½·D(p₂, sg z₁) — the directions are **averaged** (minimum −1); the
 *    stop-gradient (core `stopGradient`) is the only thing preventing collapse: no negatives, no EMA.
 * The predictor has its own optimizer with a fixed learning rate, as `--fix-pred-lr`.
 */
export class SimSiam extends TwoViewMethod {
  readonly name = 'simsiam';
  readonly projector: tf.Sequential;
  readonly predictor: tf.Sequential;

  constructor(opts: SimSiamOptions) {
    super(opts, mocoV2Views());
    const scale = checkPredictorLrScale('SimSiam', opts.predictorLrScale); // before any tensor is made
    const d = this.featureDim;
    this.projector = buildHead(opts.projector ?? simsiamProjector({ hidden: d, out: d }), {
      inDim: d,
      name: 'simsiam_proj',
      seed: this.initRng.seed(),
    });
    const pd = this.projector.outputs[0]!.shape[1] as number;
    this.predictor = buildHead(opts.predictor ?? simsiamPredictor({ hidden: Math.max(8, Math.round(pd / 4)), out: pd }), {
      inDim: pd,
      name: 'simsiam_pred',
      seed: this.initRng.seed(),
    });
    Object.assign(this.owned, { projector: this.projector, predictor: this.predictor });
    this.addGroup('optimizer', makeOptimizer(opts), [this.encoder, this.projector], opts.cosineLr ?? true);
    const predictorLr = (opts.learningRate ?? 1e-3) * scale;
    this.addGroup(
      'predictor_optimizer',
      makeOptimizer({ ...opts, optimizer: undefined, learningRate: predictorLr }),
      [this.predictor],
      false,
    );
  }

  loss(v1: tf.Tensor4D, v2: tf.Tensor4D): tf.Scalar {
    const z1 = forward(this.projector, forward(this.encoder, v1));
    const z2 = forward(this.projector, forward(this.encoder, v2));
    const p1 = forward(this.predictor, z1);
    const p2 = forward(this.predictor, z2);
    return simsiamLoss(p1, p2, z1, z2);
  }
}
