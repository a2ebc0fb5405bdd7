import * as tf from '@tensorflow/tfjs';
import { stopGradient } from '@contrastive/core';
import type { Rng } from '@contrastive/core';

/**
 * Embedding-level augmentations of ConSERT (Yan et al., ACL 2021; `yym6472/ConSERT`,
 * `transformers/modeling_bert.py` `_cutoff_embeddings` / `_replace_position_ids`). They act on the
 * embedding-layer output `[B, L, H]` (word + position + type embeddings after LayerNorm) and, like the
 * official code, only touch each sequence's `lengths[i]` real tokens (including [CLS]/[SEP]), never padding.
 *
 * The random choices are drawn from `rng` on the CPU and shipped as one mask tensor, so the same seed gives
 * the same view on every backend. None of these ops rescale (ConSERT's "dropout" is not `nn.Dropout`).
 */

function checkLengths(emb: tf.Tensor3D, lengths: readonly number[]): void {
  const [b, L] = emb.shape;
  if (lengths.length !== b) throw new RangeError(`lengths must have one entry per sequence (${b}), got ${lengths.length}`);
  lengths.forEach((n, i) => {
    if (!Number.isInteger(n) || n < 0 || n > L) throw new RangeError(`lengths[${i}] must be an integer in [0, ${L}], got ${n}`);
  });
}

function checkRate(rate: number, name: string): void {
  if (!(typeof rate === 'number' && rate >= 0 && rate < 1)) throw new RangeError(`${name} must be in [0, 1), got ${String(rate)}`);
}

/** k distinct integers from [0, n), by a partial Fisher–Yates shuffle. */
function sample(n: number, k: number, rng: Rng): Int32Array {
  const idx = new Int32Array(n);
  for (let i = 0; i < n; i++) idx[i] = i;
  for (let i = 0; i < k; i++) {
    const j = i + rng.int(n - i);
    const t = idx[i]!;
    idx[i] = idx[j]!;
    idx[j] = t;
  }
  return idx.subarray(0, k);
}

/** `emb · mask` for a 0/1 mask `[B, L, H]` built on the CPU by `fill(mask, b, L, H)`. */
function applyMask(emb: tf.Tensor3D, fill: (mask: Float32Array, b: number, L: number, H: number) => void): tf.Tensor3D {
  const [B, L, H] = emb.shape;
  const mask = new Float32Array(B * L * H).fill(1);
  for (let b = 0; b < B; b++) fill(mask, b, L, H);
  return tf.tidy(() => emb.mul(tf.tensor3d(mask, [B, L, H])));
}

/** Token cutoff ("row"): zeroes `floor(len · rate)` random real token rows of each sequence. */
export function tokenCutoff(emb: tf.Tensor3D, lengths: readonly number[], rng: Rng, options: { rate?: number } = {}): tf.Tensor3D {
  const { rate = 0.1 } = options;
  checkRate(rate, 'tokenCutoff rate');
  checkLengths(emb, lengths);
  return applyMask(emb, (m, b, L, H) => {
    const n = lengths[b]!;
    for (const t of sample(n, Math.floor(n * rate), rng)) m.fill(0, (b * L + t) * H, (b * L + t + 1) * H);
  });
}

/** Feature cutoff ("column"): zeroes `floor(H · rate)` random embedding dimensions at every position of each sequence. */
export function featureCutoff(emb: tf.Tensor3D, lengths: readonly number[], rng: Rng, options: { rate?: number } = {}): tf.Tensor3D {
  const { rate = 0.2 } = options;
  checkRate(rate, 'featureCutoff rate');
  checkLengths(emb, lengths);
  return applyMask(emb, (m, b, L, H) => {
    for (const d of sample(H, Math.floor(H * rate), rng)) for (let t = 0; t < L; t++) m[(b * L + t) * H + d] = 0;
  });
}

/** ConSERT's "dropout" ("random" cutoff): zeroes `floor(len · H · rate)` random elements of the real tokens, no rescale. */
export function embeddingDropout(emb: tf.Tensor3D, lengths: readonly number[], rng: Rng, options: { rate?: number } = {}): tf.Tensor3D {
  const { rate = 0.1 } = options;
  checkRate(rate, 'embeddingDropout rate');
  checkLengths(emb, lengths);
  return applyMask(emb, (m, b, L, H) => {
    const n = lengths[b]! * H;
    for (const e of sample(n, Math.floor(n * rate), rng)) m[b * L * H + e] = 0;
  });
}

/** Adds N(0, std²) noise to the real tokens' embeddings (padding rows untouched). */
export function gaussianNoise(emb: tf.Tensor3D, lengths: readonly number[], rng: Rng, options: { std?: number } = {}): tf.Tensor3D {
  const { std = 0.1 } = options;
  if (!(std >= 0)) throw new RangeError(`gaussianNoise std must be >= 0, got ${String(std)}`);
  checkLengths(emb, lengths);
  const [B, L, H] = emb.shape;
  const noise = new Float32Array(B * L * H);
  for (let b = 0; b < B; b++) for (let e = 0; e < lengths[b]! * H; e++) noise[b * L * H + e] = std * rng.normal();
  return tf.tidy(() => emb.add(tf.tensor3d(noise, [B, L, H])));
}

/**
 * ConSERT's token shuffle: position ids `[B, L]` in which each sequence's `lengths[i]` real positions
 * (including [CLS] and [SEP]) are permuted and padding keeps its own ids. Token order is unchanged; the
 * encoder embeds the tokens with these positions. Returns an int32 array, row-major.
 */
export function shuffledPositionIds(lengths: readonly number[], L: number, rng: Rng): Int32Array {
  const ids = new Int32Array(lengths.length * L);
  lengths.forEach((n, b) => {
    if (!Number.isInteger(n) || n < 0 || n > L) throw new RangeError(`lengths[${b}] must be an integer in [0, ${L}], got ${n}`);
    const perm = rng.permutation(n);
    for (let t = 0; t < L; t++) ids[b * L + t] = t < n ? perm[t]! : t;
  });
  return ids;
}

/** Options of {@link adversarialPerturbation}. */
export interface AdversarialOptions {
  /** Step size ε. Default 1.0 (ConSERT `noise_norm`). */
  epsilon?: number;
  /**
   * `sign`: FGSM, δ = ε·sign(g) (Goodfellow et al., 2015). `l2`: ConSERT's FGV, δ = ε·g/‖g‖₂ per token
   * (Miyato et al., 2017). Default `'sign'`.
   */
  norm?: 'sign' | 'l2';
}

/**
 * Adversarial view: one gradient step on the embedding output that increases `lossOf(emb)`. The
 * perturbation is a constant (stop-gradient), as in FGSM/FGV; padding rows are left unchanged by zeroing δ
 * outside `lengths`. Costs one extra forward + backward through whatever `lossOf` computes.
 */
export function adversarialPerturbation(
  emb: tf.Tensor3D,
  lengths: readonly number[],
  lossOf: (emb: tf.Tensor3D) => tf.Scalar,
  options: AdversarialOptions = {},
): tf.Tensor3D {
  const { epsilon = 1.0, norm = 'sign' } = options;
  if (!(epsilon >= 0)) throw new RangeError(`adversarial epsilon must be >= 0, got ${String(epsilon)}`);
  if (norm !== 'sign' && norm !== 'l2') throw new RangeError(`adversarial norm must be 'sign' or 'l2', got '${String(norm)}'`);
  checkLengths(emb, lengths);
  const [B, L] = emb.shape;
  const real = new Float32Array(B * L);
  lengths.forEach((n, b) => real.fill(1, b * L, b * L + n));
  return tf.tidy(() => {
    const g = tf.grad((e: tf.Tensor) => lossOf(e as tf.Tensor3D))(stopGradient(emb));
    const dir = norm === 'sign' ? tf.sign(g) : g.div(tf.norm(g, 'euclidean', -1, true).add(1e-12));
    const delta = dir.mul(epsilon).mul(tf.tensor3d(real, [B, L, 1]));
    return emb.add(stopGradient(delta));
  });
}
