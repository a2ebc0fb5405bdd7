import * as tf from '@tensorflow/tfjs';
import { checkEmbeddingPair, checkOptionKeys, checkReduction, checkTemperature, reducedLoss } from './loss-checks.js';
import type { Temperature } from './loss-checks.js';
import type { LossResult, ReductionOption } from './loss-checks.js';
import { maskedLogSumExp } from './log-sum-exp.js';
import type { Reduction } from './reduce.js';
import { l2Normalize, offDiagonalMask, twoViewSimilarities } from './similarity.js';
import { parallelRows, splitsRows } from '../parallel/shard.js';

/** Options of {@link ntXent}. */
export interface NtXentOptions<R extends Reduction = Reduction> extends ReductionOption<R> {
  /** Softmax temperature τ (SimCLR: 0.5 for CIFAR-10, 0.1 for large-batch ImageNet). Default `0.5`. a number, or a trainable scalar `tf.Variable` (CLIP's learnable temperature). */
  temperature?: Temperature;
}

const KEYS = ['temperature', 'reduction'] as const;

/**
 * NT-Xent, the normalised temperature-scaled cross-entropy of SimCLR (Chen, Kornblith, Norouzi & Hinton,
 * "A Simple Framework for Contrastive Learning of Visual Representations", ICML 2020, eq. 1).
 *
 * The 2N views `[z1; z2]` are L2-normalised; for anchor i with positive j (the other view of the same
 * image) `ℓ(i, j) = −log( exp(sim(i,j)/τ) / Σ_{k≠i} exp(sim(i,k)/τ) )`: self-similarity is excluded and
 * every anchor has 2(N−1) negatives. Computed in log-space (logsumexp), so τ = 0.01 does not overflow.
 *
 * Normalisation: `'mean'` is the paper's `1/(2N) Σ` over all 2N anchors. The official TF code
 * (`google-research/simclr`, `objective.py`) returns `mean(loss_a) + mean(loss_b)`, which is **2×** this
 * value; multiply by 2 (or halve its learning rate) when porting its hyperparameters.
 *
 * @param z1 first view's embeddings `[N, D]` (float32, any scale: normalised inside).
 * @param z2 second view's embeddings `[N, D]`; row i is the positive of row i of `z1`.
 * @returns a scalar, or with `reduction: 'none'` the per-anchor losses `[2N]` (anchors of `z1`, then of `z2`).
 *
 * @example
 * ```ts
 * const loss = ntXent(projector.apply(view1), projector.apply(view2), { temperature: 0.5 });
 * ```
 */
export function ntXent<R extends Reduction = 'mean'>(z1: tf.Tensor2D, z2: tf.Tensor2D, options: NtXentOptions<R> = {}): LossResult<R> {
  checkOptionKeys(options, KEYS, 'ntXent');
  const { temperature = 0.5 } = options;
  const reduction = checkReduction(options.reduction);
  checkEmbeddingPair(z1, z2, 'z1', 'z2');
  checkTemperature(temperature);
  return reducedLoss(reduction, () => {
    const n = z1.shape[0];
    if (splitsRows(2 * n)) return ntXentRows(z1, z2, temperature);
    const { sim, positive } = twoViewSimilarities(z1, z2);
    const logits = tf.div(sim, temperature);
    const logDenominator = maskedLogSumExp(logits, offDiagonalMask(2 * n));
    return tf.sub(logDenominator, tf.div(positive, temperature)) as tf.Tensor1D;
  });
}

/**
 * The per-anchor losses of {@link ntXent} with the 2N anchors split across the data-parallel workers of
 * the current step (each computes its anchors' rows of the similarity matrix against all 2N views; core's
 * `parallelRows` gathers them): the same values as one process, in 1/workers of the time.
 */
function ntXentRows(z1: tf.Tensor2D, z2: tf.Tensor2D, temperature: Temperature): tf.Tensor1D {
  const n = z1.shape[0];
  const h = tf.concat([l2Normalize(z1), l2Normalize(z2)], 0);
  return parallelRows(2 * n, (start, count) => {
    const rows = tf.slice(h, start, count);
    const logits = tf.div(tf.matMul(rows, h, false, true), temperature);
    // Built in JS: with a broadcast tf.notEqual here, 2 workers ran ntxent-512x128 at 0.6× one thread (1.2–1.4× now).
    const mask = new Uint8Array(count * 2 * n).fill(1);
    for (let i = 0; i < count; i++) mask[i * 2 * n + start + i] = 0;
    const notSelf = tf.tensor2d(mask, [count, 2 * n], 'bool');
    const partner = tf.gather(
      h,
      tf.tensor1d(
        Int32Array.from({ length: count }, (_, i) => (start + i + n) % (2 * n)),
        'int32',
      ),
    );
    const positive = tf.sum(tf.mul(rows, partner), 1);
    return tf.sub(maskedLogSumExp(logits, notSelf), tf.div(positive, temperature)) as tf.Tensor1D;
  });
}
