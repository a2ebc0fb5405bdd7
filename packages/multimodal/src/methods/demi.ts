/**
 * DEMI (Sordoni, Dziri, Schulz, Gordon, Bachman & Tachet des Combes, "Decomposed Mutual Information Estimation for
 * Contrastive Representation Learning", ICML 2021) as an image–text method on two towers: the image x is split into
 * a less informed sub-view x′ (a crop of it, made by the injected `subView`) and the rest, and the two terms of the
 * chain rule I(x; y) ≥ I(x′; y) + I(x; y | x′) are each estimated with a contrastive bound, so the sum can exceed
 * the log N that caps a single InfoNCE.
 *
 * Two critics over shared towers f (image) and g (text), each a scaled cosine in its own joint space as in CLIP:
 *   φ(x′, y) = e^{s′} · cos(P′ f(x′), Q′ g(y))   the unconditional critic, on the sub-view;
 *   ψ(x, y)  = e^{s}  · cos(P f(x),  Q g(y))     the conditional critic, on the full image (what retrieval uses:
 *                                                 {@link Clip.embedImages} / `embedTexts` are ψ's spaces).
 * Per step, with N pairs:
 *   L = clipLoss(P′f(x′), Q′g(y), s′)                       = log N − I_NCE(φ), symmetrised as CLIP's loss
 *     + log N − {@link demiConditionalBound}(ψ, φ)            = log N − I_IS(ψ, φ), image → text,
 * where I_IS takes each image's N − 1 in-batch negative captions with self-normalised importance weights
 * w_ik ∝ e^{φ(x′_i, y_k)} (detached: φ is fitted by its own term) standing in for samples of p(y | x′): the
 * negatives that the crop alone makes plausible weigh most, so ψ is trained on what the rest of the image adds.
 * `logs` report both terms and their sum, DEMI's estimate of I(x; y) in nats (≤ 2 log N).
 *
 * Choices (the paper's body could not be read here; see `demiConditionalBound`): the critics share the towers and
 * differ in their projections and scales (separate towers would double the image tower's cost); the unconditional
 * term is CLIP's symmetric loss (both directions bound I(x′; y)); the conditional term is image → text only, the
 * direction in which the chain rule conditions (on x′); ψ's text → image retrieval comes from the same scores.
 *
 * State: Clip's (`image_tower/…`, `text_tower/…`, `image_projection`, `text_projection`, `logit_scale`: ψ) and φ's
 * `sub_image_projection`, `sub_text_projection`, `sub_logit_scale`.
 *
 * @example
 * const demi = new Demi({ imageTower, textTower, imageDim: 128, textDim: 128, subView: randomResizedCrop({ scale: [0.2, 0.5] }) });
 * await train({ method: demi, batches: () => pairs(), epochs: 10 }); // batches yield { images, texts }
 */
import * as tf from '@tensorflow/tfjs';
import type { StepInfo, StepOutput, ViewMaker } from '@contrastive/core';
import { demiConditionalBound } from '../demi/demi-bound.js';
import { CLIP_INIT_LOG_SCALE, clampLogScale, clipLoss } from '../losses/clip-loss.js';
import { batchRows, Clip, type ClipOptions, type ImageTextBatch, unit } from './clip.js';
import { projectionVariable } from './projection.js';

/** Options of {@link Demi}: those of {@link Clip}, the sub-view and the weights' gradient. */
export interface DemiOptions<XI, XT> extends ClipOptions<XI, XT> {
  /**
   * Makes the less informed sub-view x′ of a batch of images (e.g. vision's `randomResizedCrop` with a small
   * area range), drawing from the step's generator; must keep the row count. Required.
   */
  subView: ViewMaker<XI>;
  /** Detach the importance weights from φ (default `true`; see `demiConditionalBound`). */
  stopWeightGradient?: boolean;
}

export class Demi<XI = tf.Tensor4D, XT = tf.Tensor> extends Clip<XI, XT> {
  override readonly name: string = 'demi';
  readonly subView: ViewMaker<XI>;
  readonly stopWeightGradient: boolean;
  /** φ's image projection (on the sub-view's features). */
  readonly subImageProjection: tf.Variable;
  /** φ's text projection. */
  readonly subTextProjection: tf.Variable;
  /** φ's log logit scale s′, learned and clamped as CLIP's. */
  readonly subLogScale: tf.Variable;

  constructor(options: DemiOptions<XI, XT>) {
    const { subView, stopWeightGradient = true, ...clip } = options;
    if (typeof subView !== 'function') throw new TypeError('Demi: subView must be a function (images, rng) → sub-view images');
    if (typeof stopWeightGradient !== 'boolean')
      throw new TypeError(`Demi: stopWeightGradient must be a boolean, got ${String(stopWeightGradient)}`);
    super(clip);
    const seed = clip.seed ?? 0;
    const embedDim = clip.embedDim ?? 128;
    this.subView = subView;
    this.stopWeightGradient = stopWeightGradient;
    // Seeds apart from Clip's (seed·2 + 1, seed·2 + 2) for any seed ≥ 0.
    this.subImageProjection = projectionVariable(clip.imageDim, embedDim, seed * 2 + 1_000_001);
    this.subTextProjection = projectionVariable(clip.textDim, embedDim, seed * 2 + 1_000_002);
    const init = clip.initLogScale ?? CLIP_INIT_LOG_SCALE;
    this.subLogScale = tf.tidy(() => tf.variable(tf.scalar(init), this.learnScale));
  }

  protected override trainables(): tf.Variable[] {
    return [...super.trainables(), this.subImageProjection, this.subTextProjection, ...(this.learnScale ? [this.subLogScale] : [])];
  }

  override step(batch: ImageTextBatch<XI, XT>, info: StepInfo): StepOutput {
    this.assertAlive();
    const rng = info.rng;
    const n = batchRows(batch.images);
    const nt = batchRows(batch.texts);
    // Checked before the forward pass: an error inside `minimize` would strand the tensors the gradient tape saved.
    if (n !== undefined && nt !== undefined && n !== nt)
      throw new RangeError(`demi: the batch holds ${n} images but ${nt} texts; pair i is image i with text i`);
    if (n !== undefined && n < 2)
      throw new RangeError(`demi: a batch needs at least 2 pairs (the other pairs are the negatives), got ${n}`);
    const sub = this.subView(batch.images, rng);
    try {
      const ns = batchRows(sub);
      if (n !== undefined && ns !== n)
        throw new RangeError(`demi: subView returned ${String(ns)} rows for ${n} images; it must keep the row count`);
      const vars = this.trainables();
      let terms: { unconditional: tf.Scalar; conditional: tf.Scalar; accuracy: tf.Scalar } | null = null;
      const loss = this.minimize(() => {
        // Two forward passes of the image tower (batch statistics of each view apart, as in one thread), each
        // split by rows across data-parallel workers.
        const full = tf.matMul(this.imageFeatures(batch.images, rng), this.imageProjection) as tf.Tensor2D;
        const part = tf.matMul(this.imageFeatures(sub, rng), this.subImageProjection) as tf.Tensor2D;
        const text = this.textFeatures(batch.texts, rng);
        const zt = tf.matMul(text, this.textProjection) as tf.Tensor2D;
        const zs = tf.matMul(text, this.subTextProjection) as tf.Tensor2D;
        const psi = tf.mul(tf.exp(this.logScale), tf.matMul(unit(full), unit(zt), false, true)) as tf.Tensor2D;
        const phi = tf.mul(tf.exp(this.subLogScale), tf.matMul(unit(part), unit(zs), false, true)) as tf.Tensor2D;
        const logN = Math.log(full.shape[0]);
        const uncond = clipLoss(part, zs, this.subLogScale as tf.Variable<tf.Rank.R0>) as tf.Scalar; // log N − I_NCE(φ)
        const cond = demiConditionalBound(psi, phi, { stopWeightGradient: this.stopWeightGradient });
        terms = tf.tidy(() => ({
          unconditional: tf.keep(tf.sub(logN, uncond) as tf.Scalar),
          conditional: tf.keep(tf.clone(cond) as tf.Scalar),
          accuracy: tf.keep(tf.mean(tf.cast(tf.equal(tf.argMax(psi, 1), tf.range(0, psi.shape[0], 1, 'int32')), 'float32')) as tf.Scalar),
        }));
        return tf.add(uncond, tf.sub(logN, cond)) as tf.Scalar;
      }, vars);
      if (this.learnScale) {
        clampLogScale(this.logScale);
        clampLogScale(this.subLogScale);
      }
      const logs: Record<string, tf.Scalar> = {
        logitScale: tf.exp(this.logScale) as tf.Scalar,
        subLogitScale: tf.exp(this.subLogScale) as tf.Scalar,
      };
      if (terms) {
        const t = terms as { unconditional: tf.Scalar; conditional: tf.Scalar; accuracy: tf.Scalar };
        logs.unconditional = t.unconditional;
        logs.conditional = t.conditional;
        logs.estimate = tf.add(t.unconditional, t.conditional) as tf.Scalar;
        logs.batchAccuracy = t.accuracy;
      }
      return { loss, logs };
    } finally {
      if (sub !== (batch.images as unknown) && sub instanceof tf.Tensor) sub.dispose();
    }
  }

  override stateTensors(): Record<string, tf.Variable> {
    return {
      ...super.stateTensors(),
      sub_image_projection: this.subImageProjection,
      sub_text_projection: this.subTextProjection,
      sub_logit_scale: this.subLogScale,
    };
  }

  override dispose(): void {
    if (this.subImageProjection.isDisposed) return;
    super.dispose();
    tf.dispose([this.subImageProjection, this.subTextProjection, this.subLogScale]);
  }
}
