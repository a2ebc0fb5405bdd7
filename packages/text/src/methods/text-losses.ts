import * as tf from '@tensorflow/tfjs';
import { assertEmbeddings, assertSameShape, infoNCE, l2Normalize, ntXent } from '@contrastive/core';

/**
 * Unsupervised SimCSE loss (Gao, Yao & Chen, EMNLP 2021; `simcse/models.py` `cl_forward`): variant B of the
 * spec, one-directional cross-view cross-entropy `CE(cos(z1_i, z2_j)/τ, i)` with no z1–z1 negatives. This
 * is exactly core's in-batch `infoNCE`, so it is that call with SimCSE's τ = 0.05.
 */
export function simcseLoss(z1: tf.Tensor2D, z2: tf.Tensor2D, options: { temperature?: number } = {}): tf.Scalar {
  const { temperature = 0.05 } = options;
  return infoNCE(z1, z2, { temperature });
}

/**
 * Supervised SimCSE loss (`cl_forward` with a third sentence): logits `[cos(z1, z2ᵀ) | cos(z1, z3ᵀ)]/τ`
 * `[N, 2N]`, CE label i. Every anchor sees all positives and all hard negatives of the batch. The official
 * code adds `hardNegativeWeight` to the logit of cell (i, N+i) only, **after** the division by τ (its
 * default 0 leaves the logit alone, i.e. weight e⁰ = 1 on that negative in the softmax).
 *
 * Not in core: core's `infoNCE` has no per-cell logit offset. With `hardNegativeWeight = 0` this equals
 * `infoNCE(z1, z2, {negatives: [N, 2N−1, D] per-query})`, which the tests check.
 */
export function simcseSupervisedLoss(
  z1: tf.Tensor2D,
  z2: tf.Tensor2D,
  z3: tf.Tensor2D,
  options: { temperature?: number; hardNegativeWeight?: number } = {},
): tf.Scalar {
  const { temperature = 0.05, hardNegativeWeight = 0 } = options;
  assertEmbeddings(z1, 'z1');
  assertSameShape(z1, z2, 'z1', 'z2');
  assertSameShape(z1, z3, 'z1', 'z3');
  if (!Number.isFinite(hardNegativeWeight)) throw new RangeError(`hardNegativeWeight must be a finite number, got ${hardNegativeWeight}`);
  return tf.tidy(() => {
    const n = z1.shape[0];
    const a = l2Normalize(z1);
    const logits = tf.concat([tf.matMul(a, l2Normalize(z2), false, true), tf.matMul(a, l2Normalize(z3), false, true)], 1).div(temperature);
    const offset = tf.concat([tf.zeros([n, n]), tf.eye(n).mul(hardNegativeWeight)], 1);
    const labels = tf.oneHot(tf.range(0, n, 1, 'int32'), 2 * n);
    return tf.losses.softmaxCrossEntropy(labels, logits.add(offset)) as tf.Scalar;
  });
}

/**
 * ConSERT loss (Yan et al., ACL 2021; `AdvCLSoftmaxLoss._contrastive_loss_forward`): variant A, 2N views,
 * in-view negatives, `loss_a + loss_b` — a **sum** of the two directions' means. Core's `ntXent` is the mean
 * over all 2N anchors, i.e. `(loss_a + loss_b) / 2`, so ConSERT's value is twice it.
 */
export function consertLoss(z1: tf.Tensor2D, z2: tf.Tensor2D, options: { temperature?: number } = {}): tf.Scalar {
  const { temperature = 0.1 } = options;
  return tf.tidy(() => ntXent(z1, z2, { temperature }).mul(2) as tf.Scalar);
}
