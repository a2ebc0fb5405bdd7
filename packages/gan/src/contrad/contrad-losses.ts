import * as tf from '@tensorflow/tfjs';
import {
  assertEmbeddings,
  checkOptionKeys,
  checkReduction,
  checkTemperature,
  l2Normalize,
  type LossResult,
  maskedLogSumExp,
  ntXent,
  type Reduction,
  type ReductionOption,
  reducedLoss,
  shapeStr,
  type Temperature,
} from '@contrastive/core';

/** Options of {@link contradRealLoss} and {@link contradFakeLoss}. */
export interface ContraDLossOptions<R extends Reduction = Reduction> extends ReductionOption<R> {
  /** Softmax temperature τ (ContraD's `P.temp`, 0.1 in every config of the official code). Default `0.1`. */
  temperature?: Temperature;
}

const KEYS = ['temperature', 'reduction'] as const;

/**
 * L_con⁺ of ContraD (Jeong & Shin, ICLR 2021, eq. 4): NT-Xent (SimCLR) over the two augmented views of the
 * real images, through projection head 1. `jh-jeong/ContraD`, `training/gan/contrad.py::loss_D_fn` normalises
 * the head outputs (`F.normalize`) and calls `training/criterion.py::nt_xent(view1, view2, normalize=False)`,
 * which masks the diagonal with −5e4, takes `log_softmax` over the other 2N−1 samples and returns
 * `−Σ_i log p(i, i±N) / (2N)` — the mean over the 2N anchors.
 *
 * That is exactly core's {@link ntXent} with `reduction: 'mean'` (it normalises inside, excludes self and
 * averages over the 2N anchors; the −5e4 diagonal of the code contributes exp(−5e4) = 0 in float32), so this
 * is a thin wrapper that only changes the default temperature to ContraD's 0.1. Checked against a PyTorch
 * port of the code (`tools/reference/gan_contrad.py`, values and gradients).
 *
 * @param z1 head-1 projections of the first real views `[N, D]` (any scale: normalised inside).
 * @param z2 head-1 projections of the second real views `[N, D]`; row i is the positive of row i of `z1`.
 * @returns a scalar (`'mean'`, the code's value; `'sum'`), or the per-anchor losses `[2N]` for `'none'`.
 */
export function contradRealLoss<R extends Reduction = 'mean'>(
  z1: tf.Tensor2D,
  z2: tf.Tensor2D,
  options: ContraDLossOptions<R> = {},
): LossResult<R> {
  checkOptionKeys(options, KEYS, 'contradRealLoss');
  const { temperature = 0.1 } = options;
  return ntXent(z1, z2, { temperature, reduction: checkReduction(options.reduction) as R });
}

/**
 * L_con⁻ of ContraD (eq. 5): a supervised contrastive loss with "fake" as the one class, through the separate
 * projection head 2. As `training/gan/contrad.py::supcon_fake`:
 *
 * - every real-view projection and every fake projection is L2-normalised and concatenated, `[M + F, D]`;
 * - only the F fakes are anchors; for fake anchor i the denominator is every other sample (the real views
 *   included, i itself excluded), and the positives are the other F−1 fakes, each weighted 1/(F−1):
 *   `ℓ_i = −Σ_{j fake, j≠i} (1/(F−1)) · log( exp(s_ij/τ) / Σ_{k≠i} exp(s_ik/τ) )`;
 * - `'mean'` (the code) averages ℓ over the F fake anchors.
 *
 * The code's `fill_diagonal_(-5e4)` before `log_softmax` is the self-exclusion done here with a mask (its
 * exp is exactly 0 in float32). Computed in log-space. Checked against a PyTorch port of the code
 * (`tools/reference/gan_contrad.py`, values and gradients, duplicate rows included).
 *
 * @param realProj head-2 projections of the real views `[M, D]` (ContraD: both views, M = 2N), M ≥ 1, any scale.
 * @param fakeProj head-2 projections of the fakes `[F, D]`, F ≥ 2 (each fake needs another fake as positive).
 * @returns a scalar (`'mean'`, `'sum'`), or the per-fake-anchor losses `[F]` for `'none'`.
 *
 * @example
 * ```ts
 * const lossNeg = contradFakeLoss(tf.concat([p1, p2]), pFake, { temperature: 0.1 });
 * ```
 */
export function contradFakeLoss<R extends Reduction = 'mean'>(
  realProj: tf.Tensor2D,
  fakeProj: tf.Tensor2D,
  options: ContraDLossOptions<R> = {},
): LossResult<R> {
  checkOptionKeys(options, KEYS, 'contradFakeLoss');
  const { temperature = 0.1 } = options;
  const reduction = checkReduction(options.reduction);
  assertEmbeddings(realProj, 'realProj', 1);
  assertEmbeddings(fakeProj, 'fakeProj', 2);
  if (realProj.shape[1] !== fakeProj.shape[1]) {
    throw new RangeError(
      `realProj and fakeProj must have the same width D, got shapes ${shapeStr(realProj.shape)} and ${shapeStr(fakeProj.shape)}`,
    );
  }
  checkTemperature(temperature);
  return reducedLoss(reduction, () => {
    const m = realProj.shape[0];
    const f = fakeProj.shape[0];
    const fakes = l2Normalize(fakeProj);
    const all = tf.concat([l2Normalize(realProj), fakes], 0);
    const logits = tf.div(tf.matMul(fakes, all, false, true), temperature) as tf.Tensor2D; // [F, M + F]
    // Column m + i is anchor i itself.
    const selfMask = tf.concat([tf.zeros([f, m], 'bool'), tf.cast(tf.eye(f), 'bool')], 1);
    const logDenominator = maskedLogSumExp(logits, tf.logicalNot(selfMask)); // [F]
    // Σ_{j fake, j≠i} logits_ij / (F − 1): the uniform positive weights of the code's `mask / mask.sum(1)`.
    const fakeLogits = tf.slice(logits, [0, m], [f, f]);
    const positive = tf.div(tf.sum(tf.mul(fakeLogits, tf.sub(1, tf.eye(f))), 1), f - 1);
    return tf.sub(logDenominator, positive) as tf.Tensor1D;
  });
}
