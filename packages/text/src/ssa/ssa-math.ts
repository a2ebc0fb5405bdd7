import * as tf from '@tensorflow/tfjs';

/**
 * The math of SSA / SSCL (Shi, Li, Wang & Reddy, "A Simple and Effective Self-Supervised Contrastive Learning
 * Framework for Aspect Detection", AAAI 2021), each function a pure tfjs op read off the official code
 * (`tshi04/AspDecSSCL`, `AspDec/SSCL/model_sscl.py` and `AspDec/model_sscl_base.py`). Shapes: N sentences,
 * T tokens (padded), d embedding size, K learned aspects.
 */

/** Default λ (`--smooth_factor` 0.5 in `AspDec/SSCL/main.py`): attention logits are bounded to [−λ, λ]. */
export const SSA_SMOOTH_FACTOR = 0.5;

/**
 * Masked-logit value. The code writes −1e20 with `masked_fill`; any value that underflows `exp` in float32 gives
 * the same softmax (a zero weight), and −1e4 also survives float16/WebGL packing (see the spec's masking note).
 */
const MASKED = -1e4;

/** Result of {@link ssaAttention}. */
export interface SsaAttention {
  /** α `[N, T]`: softmax over the real tokens, exactly 0 on padding (uniform over T for an all-padding row). */
  alpha: tf.Tensor2D;
  /** The bounded logits λ·tanh(u) `[N, T]` before masking. */
  logits: tf.Tensor2D;
  /** z = Σ_t α_t e_t `[N, d]`. */
  z: tf.Tensor2D;
}

/**
 * Smooth self-attention (`build_encoder` of `model_sscl.py`):
 *
 * ```
 * e ← e·mask                          (padding rows zeroed)
 * x̄ = Σ_t e_t / (Σ_t mask_t + 1e-20)  (masked mean)
 * u_t = x̄ᵀ(W e_t + b)                 (attn_kernel = nn.Linear(d, d): W is [d_out, d_in] as torch stores it)
 * α = softmax(λ·tanh(u) masked)       (λ = smooth factor, 0.5)
 * z = Σ_t α_t e_t
 * ```
 *
 * λ·tanh bounds every logit to [−λ, λ], so the largest weight is at most e^{2λ} times the smallest: attention
 * stays smooth and cannot collapse onto one word.
 *
 * @param emb word vectors `[N, T, d]` (the code looks them up under `no_grad`: frozen).
 * @param mask `[N, T]`, 1 for a real token and 0 for padding.
 * @param w `attn_kernel.weight` `[d, d]` (torch layout: output × input).
 * @param b `attn_kernel.bias` `[d]`.
 */
export function ssaAttention(
  emb: tf.Tensor3D,
  mask: tf.Tensor2D,
  w: tf.Tensor2D,
  b: tf.Tensor1D,
  smoothFactor = SSA_SMOOTH_FACTOR,
): SsaAttention {
  return tf.tidy(() => {
    const [n, t, d] = emb.shape;
    const m = mask.toFloat();
    const e = emb.mul(m.expandDims(2)) as tf.Tensor3D;
    const mean = maskedMean(e, m);
    const trn = e
      .reshape([n * t, d])
      .matMul(w, false, true)
      .add(b)
      .reshape([n, t, d]) as tf.Tensor3D;
    const u = tf.matMul(mean.expandDims(1) as tf.Tensor3D, trn, false, true).squeeze([1]) as tf.Tensor2D;
    const logits = u.tanh().mul(smoothFactor) as tf.Tensor2D;
    const alpha = tf.softmax(tf.where(m.greater(0), logits, tf.fill([n, t], MASKED))) as tf.Tensor2D;
    const z = tf.matMul(alpha.expandDims(1) as tf.Tensor3D, e).squeeze([1]) as tf.Tensor2D;
    return { alpha, logits, z };
  });
}

/**
 * The attention-free baseline encoder: z = masked mean of the word vectors (the x̄ of {@link ssaAttention}),
 * with the code's `+ 1e-20` in the count.
 */
export function meanEncoder(emb: tf.Tensor3D, mask: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => {
    const m = mask.toFloat();
    return maskedMean(emb.mul(m.expandDims(2)) as tf.Tensor3D, m);
  });
}

function maskedMean(maskedEmb: tf.Tensor3D, m: tf.Tensor2D): tf.Tensor2D {
  return maskedEmb.sum(1).div(m.sum(1, true).add(1e-20)) as tf.Tensor2D;
}

/** Result of {@link aspectReconstruction}. */
export interface AspectReconstruction {
  /** p = softmax(W_a z + b_a) `[N, K]`: the sentence's aspect weights (what HRSMap ranks). */
  p: tf.Tensor2D;
  /** r = pᵀA `[N, d]`: the sentence rebuilt from the aspect embeddings. */
  r: tf.Tensor2D;
}

/**
 * Aspect reconstruction (`build_pipe`): `asp_weight = nn.Linear(d, K)`, p = softmax(W_a z + b_a), r = pᵀA.
 *
 * @param wa `asp_weight.weight` `[K, d]` (torch layout). @param ba `asp_weight.bias` `[K]`.
 * @param aspects the aspect matrix A `[K, d]` (k-means-initialised).
 */
export function aspectReconstruction(z: tf.Tensor2D, wa: tf.Tensor2D, ba: tf.Tensor1D, aspects: tf.Tensor2D): AspectReconstruction {
  return tf.tidy(() => {
    const p = tf.softmax(z.matMul(wa, false, true).add(ba)) as tf.Tensor2D;
    return { p, r: p.matMul(aspects) as tf.Tensor2D };
  });
}

/** Rows divided by (their L2 norm + 1e-20), as `compute_distance` and the orthogonality term normalise. */
export function unitRows(x: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => x.div(x.norm('euclidean', 1, true).add(1e-20)) as tf.Tensor2D);
}

/**
 * SSCL's contrastive loss, variant E of the spec (τ = 1, cosine, no temperature):
 *
 * ```
 * L = mean_i [ −cos(r_i, z_i) + log Σ_j exp(cos(r_i, z_j)) ]
 * ```
 *
 * The code builds the negatives by rotating the batch 1..N times and re-encoding each rotation; the N-th
 * rotation is the identity, so the sum over rotations is the sum over every sentence j of the batch, the
 * positive included. Re-encoding gives the same z_j (no dropout), so computing the N×N cosine matrix once is
 * the same value and the same gradient. cos ∈ [−1, 1] keeps the log-sum-exp finite without a shift.
 */
export function ssclLoss(r: tf.Tensor2D, z: tf.Tensor2D): tf.Scalar {
  return tf.tidy(() => {
    const rn = unitRows(r);
    const zn = unitRows(z);
    const s = rn.matMul(zn, false, true);
    const pos = rn.mul(zn).sum(1);
    return s.exp().sum(1).log().sub(pos).mean() as tf.Scalar;
  });
}

/**
 * The orthogonality penalty of `build_pipelines` (`model_sscl_base.py`): Â = row-normalised A, and the code takes
 * the Frobenius norm of (ÂÂᵀ − I) **repeated over the batch** (`asp_emb` is A repeated N times, shape [N, K, K]),
 * which is √N·‖ÂÂᵀ − I‖_F. `batchSize` = N reproduces that; 1 gives the plain norm.
 */
export function orthogonalityPenalty(aspects: tf.Tensor2D, batchSize = 1): tf.Scalar {
  return tf.tidy(() => {
    const a = unitRows(aspects);
    const diff = a.matMul(a, false, true).sub(tf.eye(aspects.shape[0]));
    return diff.square().sum().mul(batchSize).sqrt() as tf.Scalar;
  });
}

/**
 * Weight of the orthogonality penalty at optimizer step `globalStep` (1-based, as the code's `global_steps`):
 * `0.1 + warmupStep / globalStep`, with `warmup_step` = 2000. It starts at 2000.1, so early steps are
 * dominated by pushing the aspects apart, and decays towards 0.1.
 */
export function orthogonalityWeight(globalStep: number, warmupStep = 2000): number {
  if (!(Number.isInteger(globalStep) && globalStep >= 1)) throw new RangeError(`globalStep must be an integer >= 1, got ${globalStep}`);
  return 0.1 + warmupStep / globalStep;
}

/**
 * The learning rate of the code's `--lr_schedule warm-up` (`LeafNATS/engines/end2end_large.py`), a Noam schedule:
 * `2·model_size^−½·min(step^−½, step·warmup^−1.5)` with `model_size` 100000 and `warmup_step` 2000, step 1-based.
 * It **replaces** `--learning_rate` (2e-4 is never used under warm-up): the rate rises linearly to its peak
 * 2/√(10⁵·2000) ≈ 1.41e-4 at step 2000, then decays as step^−½.
 */
export function noamLearningRate(step: number, warmupStep = 2000, modelSize = 100000): number {
  if (!(step >= 1)) throw new RangeError(`step must be >= 1, got ${step}`);
  return 2 * modelSize ** -0.5 * Math.min(step ** -0.5, step * warmupStep ** -1.5);
}
