import * as tf from '@tensorflow/tfjs';
import {
  assertEmbeddings,
  checkOptionKeys,
  checkTemperature,
  l2Normalize,
  maskedLogSumExp,
  shapeStr,
  type Temperature,
} from '@contrastive/core';

/**
 * A `[N, M]` 0/1 mask: a tensor (bool, int32 or float32 holding 0 and 1) or nested arrays of 0/1 or booleans.
 * Arrays are the cheaper form: masks are read back for validation (see {@link cmclLoss}).
 */
export type CmclMask = tf.Tensor2D | ArrayLike<ArrayLike<number | boolean>>;

/** Options of {@link cmclLoss}. */
export interface CmclLossOptions {
  /**
   * Which candidates are in each image's denominator: `[N, M]`, 1 where W_j is in C_i. Every positive must be a
   * candidate (UNIMO's denominator X^{−,+,I,T} holds all the positives). Default: every W_j for every image.
   */
  candidateMask?: CmclMask;
  /**
   * Softmax temperature τ over cosine similarities: a number > 0 or a float32 scalar tensor (trainable).
   * Default `0.07`, CLIP's initial temperature: UNIMO writes d(V, W)/τ but gives no value for τ in the paper,
   * and its CMCL pre-training code is not public (`PaddlePaddle/Research` `NLP/UNIMO` has fine-tuning only).
   */
  temperature?: Temperature;
  /**
   * Also use the texts as anchors over the images, with the transposed masks: text j's positives are the images
   * i with positiveMask[i][j] = 1 and its denominator the images with candidateMask[i][j] = 1. Texts with no
   * positive image (hard-negative rewrites) are not anchors. The loss is then ½(mean over image anchors + mean
   * over text anchors), CLIP's symmetrisation. Default `false` (image anchors only, as the brief's L_i).
   */
  symmetric?: boolean;
}

const KEYS = ['candidateMask', 'temperature', 'symmetric'] as const;

/**
 * UNIMO's cross-modal contrastive loss, CMCL (Li et al., "UNIMO: Towards Unified-Modal Understanding and
 * Generation via Cross-Modal Contrastive Learning", ACL 2021, arXiv 2012.15409): a multi-positive
 * InfoNCE over sets of texts the caller builds. For image anchor i,
 *
 *   L_i = −log [ Σ_{j∈P_i} exp(d(V_i, W_j)/τ) / Σ_{j∈C_i} exp(d(V_i, W_j)/τ) ],   d = cosine similarity,
 *
 * and the loss is the mean over the N anchors (with `symmetric`, see the option). W is the concatenation of the
 * batch's captions, their positive rewrites (UNIMO: back-translation paraphrases), hard-negative rewrites
 * (TF-IDF-similar captions of other images, scene-graph word swaps) and retrieved weak positives (related texts);
 * P_i (the `positiveMask` row) marks the positives of image i — its caption, its rewrites, its retrieved texts —
 * and C_i the texts in its denominator (positives and negatives). With one positive per row (the caption) and
 * every text a candidate this is the image→text direction of the CLIP loss at scale 1/τ.
 *
 * Differences from the paper, stated: UNIMO sums over sets of *pairs* (V⁺, W⁺) ∈ X^{+,I,T}, in which retrieved
 * images X^I pair with the caption in the same numerator as the text positives; here each anchor's sets are
 * over one modality (retrieved images enter through `symmetric` as extra image rows whose positive is the
 * caption). The paper's encoders (one Transformer on Faster R-CNN region features and BPE text, cosine of the
 * [IMG] and [CLS] vectors) are the caller's towers.
 *
 * Computed in log space: L_i = logΣ_{C_i} − logΣ_{P_i} over the masked logits (masked entries get exactly zero
 * gradient). The masks are validated on the host — each anchor has ≥ 1 positive, every positive is a candidate,
 * entries are 0/1 — which reads a mask tensor back (a sync on WebGL; pass arrays from the batcher to avoid it).
 *
 * @param images V `[N, d]` image features (normalised inside).
 * @param texts W `[M, d]` text candidates (normalised inside).
 * @param positiveMask `[N, M]`, 1 where W_j is a positive of image i.
 * @returns the scalar loss.
 *
 * @example
 * ```ts
 * // 2 images; texts: caption 0, caption 1, paraphrase of 0, hard negative of 1
 * const loss = cmclLoss(imageTower(imgs), textTower(texts), [
 *   [1, 0, 1, 0],
 *   [0, 1, 0, 0],
 * ], { candidateMask: [[1, 1, 1, 0], [1, 1, 1, 1]], temperature: 0.07 });
 * ```
 */
export function cmclLoss(images: tf.Tensor2D, texts: tf.Tensor2D, positiveMask: CmclMask, options: CmclLossOptions = {}): tf.Scalar {
  checkOptionKeys(options, KEYS, 'cmclLoss');
  const { temperature = 0.07, symmetric = false, candidateMask } = options;
  assertEmbeddings(images, 'images');
  assertEmbeddings(texts, 'texts');
  if (images.shape[1] !== texts.shape[1]) {
    throw new RangeError(`images and texts must have the same feature size d, got ${shapeStr(images.shape)} and ${shapeStr(texts.shape)}`);
  }
  if (typeof symmetric !== 'boolean') throw new TypeError(`symmetric must be a boolean, got ${String(symmetric)}`);
  checkTemperature(temperature);
  const [n, m] = [images.shape[0], texts.shape[0]];
  const positive = readMask(positiveMask, n, m, 'positiveMask');
  const candidate = candidateMask === undefined ? null : readMask(candidateMask, n, m, 'candidateMask');
  checkSets(positive, candidate, n, m);
  const textAnchors = symmetric ? anchorColumns(positive, n, m) : [];

  return tf.tidy(() => {
    const pos = tf.tensor2d(positive, [n, m], 'bool');
    const cand = candidate === null ? tf.cast(tf.ones([n, m]), 'bool') : tf.tensor2d(candidate, [n, m], 'bool');
    const logits = tf.div(tf.matMul(l2Normalize(images), l2Normalize(texts), false, true), temperature); // [N, M]
    const imageLoss = tf.mean(tf.sub(maskedLogSumExp(logits, cand, 1), maskedLogSumExp(logits, pos, 1)));
    if (!symmetric) return imageLoss as tf.Scalar;
    // Text anchors: columns with ≥ 1 positive image; the transposed masks over the images.
    const cols = tf.tensor1d(textAnchors, 'int32');
    const lt = tf.gather(tf.transpose(logits), cols); // [T, N]
    const pt = tf.gather(tf.transpose(pos), cols);
    const ct = tf.gather(tf.transpose(cand), cols);
    const textLoss = tf.mean(tf.sub(maskedLogSumExp(lt, ct, 1), maskedLogSumExp(lt, pt, 1)));
    return tf.mul(0.5, tf.add(imageLoss, textLoss)) as tf.Scalar;
  });
}

/** The mask as a flat Uint8Array of 0/1, after checking its shape and values. */
function readMask(mask: CmclMask, n: number, m: number, name: string): Uint8Array {
  const out = new Uint8Array(n * m);
  if (mask instanceof tf.Tensor) {
    if (mask.rank !== 2 || mask.shape[0] !== n || mask.shape[1] !== m) {
      throw new RangeError(`${name} must have shape [${n}, ${m}] (images × texts), got ${shapeStr(mask.shape)}`);
    }
    if (mask.isDisposed) throw new TypeError(`${name} is a disposed tensor`);
    const values = mask.dataSync();
    for (let k = 0; k < values.length; k++) out[k] = checkEntry(Number(values[k]), name, Math.floor(k / m), k % m);
    return out;
  }
  if (mask === null || typeof mask !== 'object' || typeof mask.length !== 'number') {
    throw new TypeError(`${name} must be a tf.Tensor2D or nested arrays [${n}][${m}] of 0/1, got ${String(mask)}`);
  }
  if (mask.length !== n) throw new RangeError(`${name} must have ${n} rows (one per image), got ${mask.length}`);
  for (let i = 0; i < n; i++) {
    const row = mask[i];
    if (row === null || row === undefined || typeof row !== 'object' || row.length !== m) {
      throw new RangeError(
        `${name}[${i}] must have ${m} entries (one per text), got ${row === null || row === undefined ? String(row) : row.length}`,
      );
    }
    for (let j = 0; j < m; j++) out[i * m + j] = checkEntry(Number(row[j]), name, i, j);
  }
  return out;
}

function checkEntry(v: number, name: string, i: number, j: number): number {
  if (v !== 0 && v !== 1) throw new RangeError(`${name}[${i}][${j}] must be 0 or 1, got ${v}`);
  return v;
}

/** Every image has ≥ 1 positive, and every positive is one of its candidates. */
function checkSets(positive: Uint8Array, candidate: Uint8Array | null, n: number, m: number): void {
  for (let i = 0; i < n; i++) {
    let count = 0;
    for (let j = 0; j < m; j++) {
      if (!positive[i * m + j]) continue;
      count++;
      if (candidate !== null && !candidate[i * m + j]) {
        throw new RangeError(
          `positiveMask[${i}][${j}] is 1 but candidateMask[${i}][${j}] is 0: every positive must be in its anchor's denominator (UNIMO's X^{−,+,I,T} holds the positives)`,
        );
      }
    }
    if (count === 0) throw new RangeError(`image ${i} has no positive: positiveMask[${i}] must hold at least one 1`);
  }
}

/** Columns (texts) with at least one positive image: the text anchors of the symmetric loss. */
function anchorColumns(positive: Uint8Array, n: number, m: number): number[] {
  const cols: number[] = [];
  for (let j = 0; j < m; j++) {
    for (let i = 0; i < n; i++) {
      if (positive[i * m + j]) {
        cols.push(j);
        break;
      }
    }
  }
  return cols;
}
