import * as tf from '@tensorflow/tfjs';
import { assertEmbeddings, assertPositive, assertSameShape, maskedLogSumExp } from '@contrastive/core';

/**
 * CG3 cross-view unsupervised contrastive loss (Wan et al., AAAI 2021, `CG3Model.py` `ContrastiveLoss`,
 * spec variant D, mean-normalised denominator), over all nodes and both directions:
 *
 *   L_uc = ½ Σ_{dir} −mean_i log( e^{z^L_i·z^G_i/τ} / mean_j e^{z^L_i·z^G_j/τ} )
 *
 * `zL`, `zG` `[N, C]` are the local and global views, already L2-normalised by the model (dot = cosine).
 * Equals the cross-entropy form minus log N, so it can be negative. Default τ = 0.5.
 */
export function cg3CrossViewLoss(zL: tf.Tensor2D, zG: tf.Tensor2D, temperature = 0.5): tf.Scalar {
  assertEmbeddings(zL, 'zL', 1);
  assertEmbeddings(zG, 'zG', 1);
  assertSameShape(zL, zG, 'zL', 'zG');
  assertPositive(temperature, 'temperature');
  return tf.tidy(() => {
    const n = zL.shape[0];
    const s = tf.div(tf.matMul(zL, zG, false, true), temperature) as tf.Tensor2D;
    const diag = tf.mul(s, tf.eye(n)).sum(1);
    const logN = Math.log(n);
    const dir1 = tf.sub(tf.sub(tf.logSumExp(s, 1), logN), diag).mean();
    const dir2 = tf.sub(tf.sub(tf.logSumExp(s, 0), logN), diag).mean();
    return tf.div(tf.add(dir1, dir2), 2) as tf.Scalar;
  });
}

/**
 * CG3 semi-supervised contrastive loss over the labelled nodes only: positives are same-class labelled
 * nodes (including the node itself), and
 *
 *   ratio_i = mean_{j∈P(i)} e^{s_ij/τ} / ( Σ_{j labelled} e^{s_ij/τ} / (n_l − 1) ),   L_sc = −mean_i log ratio_i
 *
 * averaged over both directions (s = z^L z^Gᵀ and its transpose). `labels` `[n_l]` int32 holds the
 * classes of the labelled rows of `zL`/`zG` (`[n_l, C]`, already gathered). Needs n_l ≥ 2. Default τ = 0.5.
 */
export function cg3SemiSupervisedLoss(zL: tf.Tensor2D, zG: tf.Tensor2D, labels: tf.Tensor1D, temperature = 0.5): tf.Scalar {
  assertEmbeddings(zL, 'zL', 2);
  assertEmbeddings(zG, 'zG', 2);
  assertSameShape(zL, zG, 'zL', 'zG');
  assertPositive(temperature, 'temperature');
  if (labels.shape[0] !== zL.shape[0]) {
    throw new RangeError(`labels must have shape [${zL.shape[0]}] (one per labelled row), got [${labels.shape.join(', ')}]`);
  }
  return tf.tidy(() => {
    const n = zL.shape[0];
    const same = tf.equal(labels.expandDims(1), labels.expandDims(0));
    const count = tf.sum(tf.cast(same, 'float32'), 1);
    const s = tf.div(tf.matMul(zL, zG, false, true), temperature) as tf.Tensor2D;
    const dir = (m: tf.Tensor2D): tf.Tensor => {
      const logMeanPos = tf.sub(maskedLogSumExp(m, same, 1), tf.log(count));
      const logDen = tf.sub(tf.logSumExp(m, 1), Math.log(n - 1));
      return tf.neg(tf.sub(logMeanPos, logDen).mean());
    };
    return tf.div(tf.add(dir(s), dir(s.transpose())), 2) as tf.Scalar;
  });
}

/**
 * CG3 generative (graph reconstruction) loss: `L_g = −mean log σ(logits)` over the observed edges only
 * (every non-zero of Â, self-loops included; no negative sampling, as in the code). `logits` `[M]` are the
 * edge scores `Linear_{2C→1}([z^L_i ; z^G_j])` and their view-swapped counterparts. Uses
 * `log σ(x) = −softplus(−x)` for stability.
 */
export function cg3ReconstructionLoss(logits: tf.Tensor1D): tf.Scalar {
  if (logits.rank !== 1 || logits.shape[0] === 0)
    throw new RangeError(`logits must be a non-empty [M] tensor, got shape [${logits.shape.join(', ')}]`);
  return tf.tidy(() => tf.mean(tf.softplus(tf.neg(logits))) as tf.Scalar);
}
