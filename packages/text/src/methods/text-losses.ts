import * as tf from '@tensorflow/tfjs';
import { assertEmbeddings, assertSameShape, infoNCE, ntXent } from '@contrastive/core';

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
 * This is core's `infoNCE` with in-batch + explicit negatives and a per-cell offset on the negatives'
 * block: `{ negatives: z3, inBatchNegatives: true, negativeLogitOffset: eye(N)·w }`.
 */
export function simcseSupervisedLoss(
  z1: tf.Tensor2D,
  z2: tf.Tensor2D,
  z3: tf.Tensor2D,
  options: { temperature?: number; hardNegativeWeight?: number } = {},
): tf.Scalar {
  const { temperature = 0.05, hardNegativeWeight = 0 } = options;
  // z3 must be [N, D] (row i the hard negative of anchor i), not any [M, D] queue.
  assertEmbeddings(z1, 'z1');
  assertSameShape(z1, z2, 'z1', 'z2');
  assertSameShape(z1, z3, 'z1', 'z3');
  if (!Number.isFinite(hardNegativeWeight)) throw new RangeError(`hardNegativeWeight must be a finite number, got ${hardNegativeWeight}`);
  return tf.tidy(() => {
    // Only each anchor's own hard negative (the diagonal of the z3 block) gets the offset.
    const offset = hardNegativeWeight === 0 ? 0 : (tf.eye(z1.shape[0]).mul(hardNegativeWeight) as tf.Tensor2D);
    return infoNCE(z1, z2, { negatives: z3, inBatchNegatives: true, negativeLogitOffset: offset, temperature });
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
