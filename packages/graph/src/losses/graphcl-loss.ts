import * as tf from '@tensorflow/tfjs';
import type { Reduction } from '@contrastive/core';
import {
  assertEmbeddings,
  assertOneOf,
  assertPositive,
  assertSameShape,
  cosineSimilarityMatrix,
  maskedLogSumExp,
  ntXent,
  reduceLoss,
} from '@contrastive/core';

/** Options of {@link graphclLoss}. */
export interface GraphCLLossOptions {
  /** τ. Default 0.2 (GraphCL unsupervised-TU; chem transfer uses 0.1, semi-supervised TU 0.5, MoCL 0.5). */
  temperature?: number;
  /**
   * `'exclude-positive'` (default): the variant GraphCL's, JOAO's and MoCL's code compute — cross-view
   * only and the positive **not** in the denominator (spec table, variant C; the loss can be < 0).
   * `'nt-xent'`: the standard SimCLR NT-Xent over 2N views (core `ntXent`, variant A).
   */
  variant?: 'exclude-positive' | 'nt-xent';
  /** Average the z1→z2 and z2→z1 directions (MoCL's local loss). Default false (GraphCL: one direction). */
  symmetric?: boolean;
  /** Default `'mean'`. `'none'` returns the per-anchor losses `[N]` (variant C only). */
  reduction?: Reduction;
}

/**
 * GraphCL's contrastive loss (You et al., NeurIPS 2020, `gsimclr.py` `loss_cal`), default variant:
 *
 *   ℓ_n = −log e^{sim(z_n, z'_n)/τ} / Σ_{n' ≠ n} e^{sim(z_n, z'_{n'})/τ}
 *
 * with sim = cosine, computed in log space (`−s_nn/τ + logsumexp_{n'≠n} s_nn'/τ`), so no exp overflows.
 * `symmetric: true` gives ½(rows + columns) as MoCL's `loss_cl`.
 *
 * @param z1 `[N, D]` view-1 projections; `z2` `[N, D]` view-2 projections (row i pairs with row i). N ≥ 2.
 * @returns scalar (or `[N]` with `reduction: 'none'`).
 * @example graphclLoss(proj(view1), proj(view2), { temperature: 0.2 })
 */
export function graphclLoss(z1: tf.Tensor2D, z2: tf.Tensor2D, opts: GraphCLLossOptions = {}): tf.Tensor {
  const temperature = opts.temperature ?? 0.2;
  const variant = opts.variant ?? 'exclude-positive';
  const reduction = opts.reduction ?? 'mean';
  assertEmbeddings(z1, 'z1', 2);
  assertEmbeddings(z2, 'z2', 2);
  assertSameShape(z1, z2, 'z1', 'z2');
  assertPositive(temperature, 'temperature');
  assertOneOf(variant, ['exclude-positive', 'nt-xent'] as const, 'variant');
  if (variant === 'nt-xent') return ntXent(z1, z2, { temperature, reduction });
  return tf.tidy(() => {
    const n = z1.shape[0];
    const logits = tf.div(cosineSimilarityMatrix(z1, z2), temperature) as tf.Tensor2D;
    const offDiag = tf.logicalNot(tf.cast(tf.eye(n), 'bool'));
    const pos = tf.mul(logits, tf.eye(n)).sum(1);
    const rows = tf.sub(maskedLogSumExp(logits, offDiag, 1), pos) as tf.Tensor1D;
    if (!opts.symmetric) return reduceLoss(rows, reduction);
    const cols = tf.sub(maskedLogSumExp(logits.transpose(), offDiag, 1), pos) as tf.Tensor1D;
    return reduceLoss(tf.div(tf.add(rows, cols), 2) as tf.Tensor1D, reduction);
  });
}
