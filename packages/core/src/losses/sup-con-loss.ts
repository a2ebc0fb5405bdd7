import * as tf from '@tensorflow/tfjs';
import { assertRank, shapeStr } from '../validate.js';
import { checkOptionKeys, checkReduction, checkTemperature, labelsTensor, reducedLoss } from './loss-checks.js';
import type { Temperature } from './loss-checks.js';
import type { LossResult, ReductionOption } from './loss-checks.js';
import { maskedLogSumExp } from './log-sum-exp.js';
import type { Reduction } from './reduce.js';
import { l2Normalize, offDiagonalMask } from './similarity.js';

/** Options of {@link supConLoss}. */
export interface SupConLossOptions<R extends Reduction = Reduction> extends ReductionOption<R> {
  /** Softmax temperature τ (Khosla et al.: 0.07 for ImageNet, 0.1 for CIFAR). Default `0.07`. a number, or a trainable scalar `tf.Variable` (CLIP's learnable temperature). */
  temperature?: Temperature;
}

const KEYS = ['temperature', 'reduction'] as const;

/**
 * Supervised contrastive loss L_out (Khosla et al., "Supervised Contrastive Learning", NeurIPS 2020,
 * eq. 2; official code `HobbitLong/SupContrast`, `losses.py`, `contrast_mode='all'`).
 *
 * Features are L2-normalised inside. For anchor i with positives P(i) = {p ≠ i : y_p = y_i}:
 * `ℓ_i = −(1/|P(i)|) Σ_{p∈P(i)} log( exp(z_i·z_p/τ) / Σ_{a≠i} exp(z_i·z_a/τ) )`, in log-space.
 * Anchors without any positive are excluded; `'mean'` averages over the anchors that have positives
 * (0 if none has). Unlike the official code there is no `τ/base_temperature` rescaling (with its defaults
 * τ = base = 0.07 the two agree).
 *
 * @param features `[N, D]`, or `[N, V, D]` for V views per sample (flattened view-major, as the official
 *   `torch.cat(torch.unbind(features, 1))`, with the labels repeated V times).
 * @param labels class labels `[N]` (tensor or array of integers).
 * @returns a scalar, or with `reduction: 'none'` the per-anchor losses `[N·V]` (view-major order), with 0
 *   for anchors that have no positive.
 *
 * @example
 * ```ts
 * const feats = tf.stack([proj(view1), proj(view2)], 1); // [N, 2, D]
 * const loss = supConLoss(feats, labels, { temperature: 0.1 });
 * ```
 */
export function supConLoss<R extends Reduction = 'mean'>(
  features: tf.Tensor2D | tf.Tensor3D,
  labels: tf.Tensor1D | ArrayLike<number>,
  options: SupConLossOptions<R> = {},
): LossResult<R> {
  checkOptionKeys(options, KEYS, 'supConLoss');
  const { temperature = 0.07 } = options;
  const reduction = checkReduction(options.reduction);
  if (!(features instanceof tf.Tensor) || (features.rank !== 2 && features.rank !== 3)) {
    assertRank(features, 2, 'features', '[N, D] or [N, V, D]');
  }
  if (features.dtype !== 'float32') throw new TypeError(`features must be float32, got ${features.dtype}`);
  if (features.shape.some((s) => s < 1)) {
    throw new RangeError(`features must be non-empty, got shape ${shapeStr(features.shape)}`);
  }
  checkTemperature(temperature);
  const n = features.shape[0];
  const views = features.rank === 3 ? features.shape[1]! : 1;
  const total = n * views;

  const perAnchorAndValid = (): [tf.Tensor1D, tf.Tensor1D] => {
    const y = labelsTensor(labels, n, 'labels', 'features');
    const flat = (
      features.rank === 3 ? tf.reshape(tf.transpose(features, [1, 0, 2]), [total, features.shape[2]!]) : features
    ) as tf.Tensor2D;
    const yAll = views > 1 ? tf.tile(y, [views]) : y;
    const z = l2Normalize(flat);
    const logits = tf.div(tf.matMul(z, z, false, true), temperature);
    const notSelf = offDiagonalMask(total);
    const logDenominator = maskedLogSumExp(logits, notSelf); // [total]
    const positives = tf.cast(tf.logicalAnd(tf.equal(tf.reshape(yAll, [-1, 1]), tf.reshape(yAll, [1, -1])), notSelf), 'float32');
    const count = tf.sum(positives, 1);
    const valid = tf.cast(tf.greater(count, 0), 'float32') as tf.Tensor1D;
    const meanPositiveLogit = tf.div(tf.sum(tf.mul(positives, logits), 1), tf.maximum(count, 1));
    // −mean_p log softmax = logΣ_{a≠i} − mean_p logit; zeroed for anchors without positives.
    const per = tf.mul(tf.sub(logDenominator, meanPositiveLogit), valid) as tf.Tensor1D;
    return [per, valid];
  };

  if (reduction === 'mean') {
    return tf.tidy(() => {
      const [per, valid] = perAnchorAndValid();
      return tf.div(tf.sum(per), tf.maximum(tf.sum(valid), 1));
    }) as LossResult<R>;
  }
  return reducedLoss(reduction, () => perAnchorAndValid()[0]);
}
