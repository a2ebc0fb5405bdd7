/**
 * UNIMO's cross-modal contrastive learning (Li et al., "UNIMO: Towards Unified-Modal Understanding and Generation
 * via Cross-Modal Contrastive Learning", ACL 2021, arXiv 2012.15409) as a method on two towers: CLIP's
 * architecture (the {@link Clip} it extends: two injected towers, linear projections, one optimizer, the
 * learnable logit scale) trained with {@link cmclLoss} over each step's captions and their rewrites.
 *
 * Per step (the paper's algorithm, with the batch built by `cmclBatch` from tables made once by
 * `buildRewriteTables`):
 *   1. texts W = the N captions, then per image up to R rewrites — positive rewrites (paraphrases; here
 *      translations), retrieved weak positives (related texts of a text-only corpus), hard negatives (the most
 *      BM25-similar captions of other images; WordNet co-hyponym / antonym word swaps);
 *   2. V = projected image features `[N, e]`, W = projected text features `[M, e]`;
 *   3. L = cmclLoss(V, W, positiveMask, { candidateMask, symmetric, temperature: 1/e^s }): for image i,
 *      −log Σ_{j∈P_i} e^{e^s·cos(V_i,W_j)} / Σ_{j∈C_i} e^{e^s·cos(V_i,W_j)}, averaged with the text anchors
 *      (texts with a positive image, over the images) when `symmetric`;
 *   4. one optimizer step on both towers, both projections and s; s clamped to [0, ln 100].
 *
 * Temperature: UNIMO writes d(V, W)/τ and gives no τ (its pre-training code is not public). Here τ = e^{−s} is
 * learned exactly as CLIP learns it (init 0.07, clamped to τ ≥ 0.01 and ≤ 1), so a CMCL run differs from a CLIP
 * run only in its text sets; `learnScale: false` fixes τ at e^{−initLogScale}. With one caption per image and
 * no rewrites the step is CLIP's step: same loss, same gradients.
 *
 * Not reproduced: UNIMO's single Transformer over Faster R-CNN region features and BPE text (the towers are the
 * caller's), back-translation (translations stand in), scene-graph node swaps (WordNet stands in), retrieved
 * related images X^I (no object detector), and its other objectives (masked region prediction, MLM and seq2seq).
 *
 * @example
 * const cmcl = new Cmcl({ imageTower, textTower, imageDim: 128, textDim: 128, embedDim: 128 });
 * const { texts, positiveMask, candidateMask } = cmclBatch(imageIds, captions, tables, rng);
 * cmcl.step({ images, texts: tokenize(texts), positiveMask, candidateMask }, info);
 */
import * as tf from '@tensorflow/tfjs';
import type { StepInfo, StepOutput } from '@contrastive/core';
import { clampLogScale } from '../losses/clip-loss.js';
import { cmclLoss } from '../losses/cmcl-loss.js';
import { Clip, type ClipOptions, type ImageTextBatch, unit } from './clip.js';

/** A CMCL batch: N images, M ≥ N texts (the N captions first, then the rewrites), and the sets over them. */
export interface CmclBatch<XI = tf.Tensor4D, XT = tf.Tensor> extends ImageTextBatch<XI, XT> {
  /** `[N, M]` 0/1: text j is a positive of image i. Every row has a 1. */
  positiveMask: number[][];
  /** `[N, M]` 0/1: text j is in image i's denominator (every positive must be). Default: every text. */
  candidateMask?: number[][];
}

/** Options of {@link Cmcl}: those of {@link Clip} and the loss's symmetry. */
export interface CmclOptions<XI, XT> extends ClipOptions<XI, XT> {
  /**
   * Also anchor on the texts (each text with a positive image, over the images), CLIP's symmetrisation.
   * Default `true`. `false` keeps UNIMO's image anchors only.
   */
  symmetric?: boolean;
}

export class Cmcl<XI = tf.Tensor4D, XT = tf.Tensor> extends Clip<XI, XT> {
  override readonly name: string = 'cmcl';
  readonly symmetric: boolean;

  constructor(options: CmclOptions<XI, XT>) {
    const { symmetric = true, ...clip } = options;
    if (typeof symmetric !== 'boolean') throw new TypeError(`Cmcl: symmetric must be a boolean, got ${String(symmetric)}`);
    super(clip);
    this.symmetric = symmetric;
  }

  override step(batch: CmclBatch<XI, XT>, info: StepInfo): StepOutput {
    this.assertAlive();
    if (batch === null || typeof batch !== 'object' || !Array.isArray(batch.positiveMask)) {
      throw new TypeError('Cmcl: the batch needs positiveMask ([N][M] of 0/1; build it with cmclBatch) beside images and texts');
    }
    const { positiveMask, candidateMask } = batch;
    // Checked before the forward pass: an error inside `minimize` would strand the tensors tfjs's gradient tape saved.
    checkMasks(positiveMask, candidateMask, rowsOf(batch.images), rowsOf(batch.texts));
    const rng = info.rng;
    const vars = this.trainables();
    let accuracy: tf.Scalar | null = null;
    const loss = this.minimize(() => {
      const zi = tf.matMul(this.imageFeatures(batch.images, rng), this.imageProjection) as tf.Tensor2D;
      const zt = tf.matMul(this.textFeatures(batch.texts, rng), this.textProjection) as tf.Tensor2D;
      // τ = e^{−s}: cmclLoss divides the cosines by τ, CLIP multiplies them by e^s.
      const temperature = tf.exp(tf.neg(this.logScale)) as tf.Scalar;
      const l = cmclLoss(zi, zt, positiveMask, {
        temperature,
        symmetric: this.symmetric,
        ...(candidateMask === undefined ? {} : { candidateMask }),
      });
      accuracy = tf.keep(positiveTop1(zi, zt, positiveMask, candidateMask)); // after the loss: its mask checks throw first
      return l;
    }, vars);
    if (this.learnScale) clampLogScale(this.logScale);
    const logs: Record<string, tf.Scalar> = { logitScale: tf.exp(this.logScale) as tf.Scalar };
    if (accuracy) logs.batchAccuracy = accuracy;
    return { loss, logs };
  }
}

/** The row count of a tensor input (`undefined` for other inputs, e.g. a token batch: `cmclLoss` checks those). */
function rowsOf(x: unknown): number | undefined {
  return x instanceof tf.Tensor ? x.shape[0] : undefined;
}

/**
 * The masks' shape and sets, as `cmclLoss` checks them, on the host and before any tensor exists: both `[N][M]`
 * (N and M from tensor inputs when known), entries 0/1, every row with a positive, every positive a candidate.
 */
function checkMasks(positive: number[][], candidate: number[][] | undefined, n: number | undefined, m: number | undefined): void {
  const rows = n ?? positive.length;
  const cols = m ?? (Array.isArray(positive[0]) ? positive[0].length : 0);
  const check = (mask: unknown, name: string) => {
    if (!Array.isArray(mask) || mask.length !== rows) {
      throw new RangeError(`Cmcl: ${name} must have ${rows} rows (one per image), got ${Array.isArray(mask) ? mask.length : String(mask)}`);
    }
    mask.forEach((row, i) => {
      if (!Array.isArray(row) || row.length !== cols) {
        throw new RangeError(
          `Cmcl: ${name}[${i}] must have ${cols} entries (one per text), got ${Array.isArray(row) ? row.length : String(row)}`,
        );
      }
      row.forEach((v, j) => {
        if (v !== 0 && v !== 1) throw new RangeError(`Cmcl: ${name}[${i}][${j}] must be 0 or 1, got ${String(v)}`);
      });
    });
  };
  check(positive, 'positiveMask');
  if (candidate !== undefined) check(candidate, 'candidateMask');
  positive.forEach((row, i) => {
    if (!row.includes(1)) throw new RangeError(`Cmcl: image ${i} has no positive (positiveMask[${i}] is all 0)`);
    if (candidate !== undefined) {
      const j = row.findIndex((v, k) => v === 1 && candidate[i]![k] !== 1);
      if (j >= 0)
        throw new RangeError(`Cmcl: positiveMask[${i}][${j}] is 1 but candidateMask[${i}][${j}] is 0 (every positive is a candidate)`);
    }
  });
}

/**
 * Share of images whose most similar candidate text is one of their positives (a cheap progress signal; with
 * captions only, CLIP's in-batch top-1 accuracy). Called after `cmclLoss`, which has checked the masks.
 */
function positiveTop1(zi: tf.Tensor2D, zt: tf.Tensor2D, positive: number[][], candidate: number[][] | undefined): tf.Scalar {
  const [n, m] = [zi.shape[0], zt.shape[0]];
  return tf.tidy(() => {
    const sim = tf.matMul(unit(zi), unit(zt), false, true);
    // Cosines are ≥ −1: pushing non-candidates down by 4 leaves them below every candidate.
    const masked = candidate === undefined ? sim : tf.sub(sim, tf.mul(4, tf.sub(1, tf.tensor2d(candidate, [n, m]))));
    const best = tf.argMax(masked, 1);
    const hit = tf.gather(
      tf.reshape(tf.tensor2d(positive, [n, m]), [-1]),
      tf.add(tf.mul(tf.range(0, n, 1, 'int32'), tf.scalar(m, 'int32')), best),
    );
    return tf.mean(hit) as tf.Scalar;
  });
}
