import * as tf from '@tensorflow/tfjs';
import { createRng } from '@contrastive/core';
import { aspectReconstruction, meanEncoder, SSA_SMOOTH_FACTOR, ssaAttention } from './ssa-math.js';

/** The sentence encoders: `ssa` (smooth self-attention, the paper's) or `mean` (attention-free baseline). */
export type SsaEncoderKind = 'ssa' | 'mean';
/** Encoders {@link SsaModel} accepts. */
export const SSA_ENCODERS: readonly SsaEncoderKind[] = ['ssa', 'mean'];

/** Options of {@link SsaModel}. */
export interface SsaModelOptions {
  /** Word vectors, V×d row-major (row 0 = `<pad>`, zeros). Frozen: the code looks them up under `no_grad`. */
  wordVectors: Float32Array;
  /** d. */
  dim: number;
  /** Initial aspect matrix A, K×d row-major (k-means centres of the word vectors in the paper). */
  aspects: Float32Array;
  /** Default `'ssa'`. */
  encoder?: SsaEncoderKind;
  /** λ. Default 0.5. */
  smoothFactor?: number;
  /** Seed of W, b, W_a, b_a (torch `nn.Linear` init: U(±1/√d)). Default 0. */
  seed?: number;
}

/**
 * The SSA / SSCL model's state (`model_sscl.py` `build_models`): frozen word embeddings, `attn_kernel`
 * (W, b: d→d), `asp_weight` (W_a, b_a: d→K) and the aspect matrix A (`aspect_embedding`, K×d). Weights use torch's
 * `[out, in]` layout. Owns its variables; `dispose()` frees them.
 */
export class SsaModel {
  readonly encoder: SsaEncoderKind;
  readonly smoothFactor: number;
  readonly dim: number;
  readonly aspectCount: number;
  readonly vocabSize: number;
  /** Frozen word vectors `[V, d]` (a non-trainable variable, so checkpoints keep it with the rest). */
  readonly embedding: tf.Variable<tf.Rank.R2>;
  readonly w: tf.Variable<tf.Rank.R2>;
  readonly b: tf.Variable<tf.Rank.R1>;
  readonly wa: tf.Variable<tf.Rank.R2>;
  readonly ba: tf.Variable<tf.Rank.R1>;
  readonly aspects: tf.Variable<tf.Rank.R2>;
  private disposed = false;

  constructor(options: SsaModelOptions) {
    const { wordVectors, dim, aspects, encoder = 'ssa', smoothFactor = SSA_SMOOTH_FACTOR, seed = 0 } = options;
    if (!SSA_ENCODERS.includes(encoder))
      throw new RangeError(`encoder must be one of ${SSA_ENCODERS.join(', ')}, got '${String(encoder)}'`);
    if (!(Number.isInteger(dim) && dim >= 1)) throw new RangeError(`dim must be an integer >= 1, got ${dim}`);
    if (wordVectors.length % dim !== 0 || wordVectors.length < 2 * dim)
      throw new RangeError(`wordVectors (${wordVectors.length} values) must be V×${dim} with V >= 2`);
    if (aspects.length % dim !== 0 || aspects.length === 0) throw new RangeError(`aspects (${aspects.length} values) must be K×${dim}`);
    if (!(smoothFactor > 0)) throw new RangeError(`smoothFactor must be > 0, got ${smoothFactor}`);
    this.encoder = encoder;
    this.smoothFactor = smoothFactor;
    this.dim = dim;
    this.vocabSize = wordVectors.length / dim;
    this.aspectCount = aspects.length / dim;
    const rng = createRng(seed);
    const uniform = (shape: number[], bound: number) => {
      const size = shape.reduce((a, b) => a * b, 1);
      const v = new Float32Array(size);
      for (let i = 0; i < size; i++) v[i] = rng.range(-bound, bound);
      return tf.tensor(v, shape);
    };
    const bound = 1 / Math.sqrt(dim);
    const init = (t: tf.Tensor, trainable = true) => {
      const v = tf.variable(t, trainable);
      t.dispose();
      return v;
    };
    this.embedding = init(tf.tensor2d(wordVectors, [this.vocabSize, dim]), false) as tf.Variable<tf.Rank.R2>;
    this.w = init(uniform([dim, dim], bound)) as tf.Variable<tf.Rank.R2>;
    this.b = init(uniform([dim], bound)) as tf.Variable<tf.Rank.R1>;
    this.wa = init(uniform([this.aspectCount, dim], bound)) as tf.Variable<tf.Rank.R2>;
    this.ba = init(uniform([this.aspectCount], bound)) as tf.Variable<tf.Rank.R1>;
    this.aspects = init(tf.tensor2d(aspects, [this.aspectCount, dim])) as tf.Variable<tf.Rank.R2>;
  }

  /** The variables the optimizer updates (all but the frozen word vectors; W, b unused by the `mean` encoder). */
  trainable(): tf.Variable[] {
    return this.encoder === 'ssa' ? [this.w, this.b, this.wa, this.ba, this.aspects] : [this.wa, this.ba, this.aspects];
  }

  /** Every variable by stable name (checkpoints and `model/`). */
  stateTensors(): Record<string, tf.Variable> {
    return {
      embedding: this.embedding,
      'attn_kernel.weight': this.w,
      'attn_kernel.bias': this.b,
      'asp_weight.weight': this.wa,
      'asp_weight.bias': this.ba,
      aspect_embedding: this.aspects,
    };
  }

  /** Sentence vectors z `[N, d]` (and α `[N, T]` for the `ssa` encoder). */
  encode(ids: tf.Tensor2D, mask: tf.Tensor2D): { z: tf.Tensor2D; alpha?: tf.Tensor2D } {
    return tf.tidy(() => {
      const emb = tf.gather(this.embedding as tf.Tensor2D, ids) as unknown as tf.Tensor3D;
      if (this.encoder === 'mean') return { z: meanEncoder(emb, mask) };
      const { z, alpha } = ssaAttention(emb, mask, this.w, this.b, this.smoothFactor);
      return { z, alpha };
    });
  }

  /** z, the aspect weights p `[N, K]` and the reconstruction r `[N, d]` of a batch. */
  forward(ids: tf.Tensor2D, mask: tf.Tensor2D): { z: tf.Tensor2D; p: tf.Tensor2D; r: tf.Tensor2D } {
    return tf.tidy(() => {
      const { z } = this.encode(ids, mask);
      const { p, r } = aspectReconstruction(z, this.wa, this.ba, this.aspects);
      return { z, p, r };
    });
  }

  /** Frees every variable. Idempotent. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const v of Object.values(this.stateTensors())) v.dispose();
  }
}
