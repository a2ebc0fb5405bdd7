import * as tf from '@tensorflow/tfjs';
import { cosineSchedule, l2Normalize, stopGradient, trainableVariables, updateMomentum, type StepInfo } from '@contrastive/core';
import { byolViews } from '../augment/presets.js';
import { buildHead, type HeadBlock } from '../heads/mlp.js';
import { byolMlp } from '../heads/presets.js';
import { TwoViewMethod } from './base.js';
import { shortRunMomentum } from './short-run-momentum.js';
import { checkPredictorLrScale, cloneModel, forward, makeOptimizer, type MethodBaseOptions } from './common.js';

/** Options for {@link BYOL}. */
export interface BYOLOptions extends MethodBaseOptions {
  /** Projector blocks. Default `byolMlp({ hidden: 2D, out: D/2 })` with D the encoder width (paper 2048→4096→256). */
  projector?: HeadBlock[];
  /** Predictor blocks. Default `byolMlp({ hidden: 2D, out })` back to the projector's width (paper 256→4096→256). */
  predictor?: HeadBlock[];
  /** Target EMA rate τ_base (the paper's τ; m₀ of the cosine schedule to 1, as MoCo v3's `momentum`). Default 0.99 (paper: 0.996 for 1000 epochs, 0.99 for 100–300). */
  momentum?: number;
  /** @deprecated The same as `momentum` (the paper's τ_base); use `momentum`, the name MoCo's EMA uses too. */
  tauBase?: number;
  /**
   * h: for a run of K steps, start the schedule at min(τ_base, 1 − h/K) instead of τ_base, so the target forgets
   * its random init within short runs ({@link shortRunMomentum}). Default 0 (off: the paper's schedule). The
   * `byol-small` recipe sets 10.
   */
  momentumHorizon?: number;
  /**
   * The predictor's learning rate as a multiple of `learningRate` (the default Adam's). Default 1 (the paper's:
   * one rate). With few steps a randomly initialised predictor is what the online network is pulled through; a
   * faster one fits before the encoder follows it (SimSiam and solo-learn keep its LR from decaying; DirectPred,
   * Tian, Chen & Ganguli 2021, sets it from its input statistics without training and matches trained ones).
   * `byol-small` / `simsiam-small` use 10 (docs/results-vision.md, "BYOL, SimSiam and InstDisc on small data").
   */
  predictorLrScale?: number;
}

/**
 * `ℓ(p, z) = ‖p̂ − ẑ‖² = 2 − 2·cos(p, z)` per row `[N]` (BYOL `regression_loss`).
 */
export function byolRegression(p: tf.Tensor2D, z: tf.Tensor2D): tf.Tensor1D {
  return tf.tidy(() => {
    const pn = l2Normalize(p);
    const zn = l2Normalize(z);
    return tf.sub(2, tf.mul(2, tf.sum(tf.mul(pn, zn), -1))) as tf.Tensor1D;
  });
}

/**
 * BYOL's loss: `mean_batch[ℓ(p₁, sg t₂) + ℓ(p₂, sg t₁)]`, ℓ = 2 − 2cos, the directions **summed**
 * (`byol_experiment.py::loss_fn`). `p` are online predictions, `t` target projections `[N, D]`.
 */
export function byolLoss(p1: tf.Tensor2D, p2: tf.Tensor2D, t1: tf.Tensor2D, t2: tf.Tensor2D): tf.Scalar {
  return tf.tidy(() => tf.mean(tf.add(byolRegression(p1, stopGradient(t2)), byolRegression(p2, stopGradient(t1)))) as tf.Scalar);
}

/**
 * BYOL (Grill et al., NeurIPS 2020; `deepmind-research/byol`). Per step:
 * 1. asymmetric views x₁, x₂ ({@link byolViews});
 * 2. online: p_i = q_θ(g_θ(f_θ(x_i))); target (no gradient): z'_i = g_ξ(f_ξ(x_i));
 * 3. L = mean_batch[ℓ(p₁, sg z'₂) + ℓ(p₂, sg z'₁)] with ℓ = 2 − 2cos — the two directions are
 *    **summed**, as in the official `loss_fn` (so the loss is in [0, 8]);
 * 4. optimizer step on θ; then ξ ← τ·ξ + (1−τ)·θ with τ_k = 1 − (1 − τ_base)(cos(πk/K) + 1)/2 (cosine
 *    from τ_base to 1; core `cosineSchedule` + `updateMomentum`). With `momentumHorizon` h > 0 the schedule
 *    starts at min(τ_base, 1 − h/K) instead ({@link shortRunMomentum}: short runs on small data).
 * The target starts as a copy of the online network (the official code re-initialises it with another
 * seed and notes this makes no significant difference; a copy makes the EMA test exact).
 */
export class BYOL extends TwoViewMethod {
  readonly name = 'byol';
  readonly projector: tf.Sequential;
  readonly predictor: tf.Sequential;
  readonly targetEncoder: tf.LayersModel;
  readonly targetProjector: tf.LayersModel;
  /** τ_base: where the cosine EMA schedule starts (before the short-run cap of `momentumHorizon`). */
  readonly momentum: number;
  /** h of {@link shortRunMomentum}; 0 keeps τ_base whatever the run's length. */
  readonly momentumHorizon: number;
  /** τ used by the last EMA update. */
  lastMomentum = Number.NaN;
  private targets: [tf.Tensor2D, tf.Tensor2D] | null = null;

  /** τ follows a cosine schedule from τ_base to 1 over the run (unless τ_base is already 1 and not capped by the run's length). */
  override get usesTotalSteps(): boolean {
    return this.momentum < 1 || this.momentumHorizon > 0 || super.usesTotalSteps;
  }

  constructor(opts: BYOLOptions) {
    super(opts, byolViews());
    const momentum = opts.momentum ?? opts.tauBase ?? 0.99;
    if (!(momentum >= 0 && momentum <= 1)) throw new RangeError(`BYOL: momentum must be in [0, 1], got ${String(momentum)}`);
    this.momentum = momentum;
    const horizon = opts.momentumHorizon ?? 0;
    if (!(horizon >= 0 && Number.isFinite(horizon)))
      throw new RangeError(`BYOL: momentumHorizon must be a finite number >= 0, got ${String(opts.momentumHorizon)}`);
    this.momentumHorizon = horizon;
    const scale = checkPredictorLrScale('BYOL', opts.predictorLrScale);
    const d = this.featureDim;
    const out = Math.max(16, Math.round(d / 2));
    this.projector = buildHead(opts.projector ?? byolMlp({ hidden: 2 * d, out }), {
      inDim: d,
      name: 'byol_proj',
      seed: this.initRng.seed(),
    });
    const pd = this.projector.outputs[0]!.shape[1] as number;
    this.predictor = buildHead(opts.predictor ?? byolMlp({ hidden: 2 * d, out: pd }), {
      inDim: pd,
      name: 'byol_pred',
      seed: this.initRng.seed(),
    });
    this.targetEncoder = cloneModel(this.encoder);
    this.targetProjector = cloneModel(this.projector);
    Object.assign(this.owned, {
      projector: this.projector,
      predictor: this.predictor,
      target_encoder: this.targetEncoder,
      target_projector: this.targetProjector,
    });
    if (scale === 1) {
      this.defaultGroup(opts, [this.encoder, this.projector, this.predictor], false);
    } else {
      // Its own Adam (as SimSiam's predictor); one group otherwise, so checkpoints of the paper setting keep their names.
      this.defaultGroup(opts, [this.encoder, this.projector], false);
      const lr = (opts.learningRate ?? 1e-3) * scale;
      this.addGroup('predictor_optimizer', makeOptimizer({ ...opts, optimizer: undefined, learningRate: lr }), [this.predictor], false);
    }
  }

  /** Target projections z' of a view (no gradient is ever taken through them). */
  targetProject(x: tf.Tensor4D): tf.Tensor2D {
    return tf.tidy(() => forward(this.targetProjector, forward(this.targetEncoder, x)));
  }

  protected override beforeLoss(v1: tf.Tensor4D, v2: tf.Tensor4D): tf.Tensor[] {
    this.targets = [this.targetProject(v1), this.targetProject(v2)];
    return this.targets;
  }

  loss(v1: tf.Tensor4D, v2: tf.Tensor4D): tf.Scalar {
    const [t1, t2] = this.targets ?? [this.targetProject(v1), this.targetProject(v2)];
    const p1 = forward(this.predictor, forward(this.projector, forward(this.encoder, v1)));
    const p2 = forward(this.predictor, forward(this.projector, forward(this.encoder, v2)));
    // sg(z') inside byolLoss: the target branch never receives a gradient, even when loss() is called on its own.
    const loss = byolLoss(p1, p2, t1, t2);
    if (!this.targets) tf.dispose([t1, t2]);
    return loss;
  }

  /** Where the schedule starts in a run of `totalSteps` steps: τ_base, capped by {@link shortRunMomentum} when `momentumHorizon` > 0. */
  startMomentum(totalSteps: number): number {
    return this.momentumHorizon > 0 ? shortRunMomentum(this.momentum, totalSteps, this.momentumHorizon) : this.momentum;
  }

  protected override afterStep(_b: unknown, info: StepInfo): void {
    this.targets = null;
    const total = info.totalSteps ?? 0;
    this.lastMomentum =
      total > 0
        ? cosineSchedule({ from: this.startMomentum(total), to: 1, totalSteps: total })(Math.min(info.globalStep, total))
        : this.momentum;
    updateMomentum(
      trainableVariables(this.encoder, this.projector),
      trainableVariables(this.targetEncoder, this.targetProjector),
      this.lastMomentum,
    );
  }
}
