import * as tf from '@tensorflow/tfjs';
import { shiftRight, teacherForcedNll } from './teacher-forcing.js';
import type { Rng } from '@contrastive/core';
import { resolveSeq2SeqConfig } from './config.js';
import type { ResolvedSeq2SeqConfig, Seq2SeqConfig } from './config.js';
import { checkIds, dropper, NamedVariables } from './model-parts.js';
import type { Seq2SeqModel } from './seq2seq-model.js';

/**
 * A teacher-forced batch, all `[B, S]` / `[B, T]` int32 (masks 1 for tokens, 0 for padding).
 * `tgtIds` is the target **with** its EOS; labels are `tgtIds`, the decoder input is `[BOS, tgtIds[:, :-1]]`.
 */
export interface Seq2SeqBatch {
  srcIds: tf.Tensor2D;
  srcMask: tf.Tensor2D;
  tgtIds: tf.Tensor2D;
  tgtMask: tf.Tensor2D;
}

/** Per-call options of the forward passes. */
export interface Seq2SeqForwardOptions {
  /** Seeds the dropout masks (pass the step's `info.rng`); without it masks are unseeded. */
  rng?: Rng;
}

let instances = 0;

/**
 * A small Transformer encoder–decoder (Vaswani et al., 2017) for CLAPS (issue 28) and other seq2seq methods.
 *
 * Design, following T5 where Vaswani and T5 differ:
 * - **pre-LayerNorm** blocks (`x + Drop(Sublayer(LN(x)))`) with a final LayerNorm on each stack, as T5 —
 *   trains without warm-up at small sizes; LayerNorm (with bias) rather than T5's RMSNorm;
 * - **sinusoidal** absolute positions added to the embeddings (Vaswani; T5's relative bias is not needed at
 *   this size), so there are no position weights and padding never shifts a real token's position;
 * - one **shared** embedding table for source, target and the LM head (tied, as T5), and
 *   `logits = (H·d^−0.5) Eᵀ` as T5's tied head (the rescale CLAPS' spec quotes); embeddings are not scaled
 *   by √d on input (T5), the table is initialised N(0, 1);
 * - ReLU feed-forward, linear layers with biases, padding as an additive −1e9 attention bias on keys.
 *
 * Weights are `tf.Variable`s keyed by stable names (`encoder.layer.0.self_attn.q.weight`, `[out, in]` layout),
 * returned by {@link stateTensors} for core's checkpointing.
 */
export class Seq2SeqTransformer implements Seq2SeqModel {
  readonly kind = 'transformer';
  /** The tied head's d^−0.5 rescale (see {@link Seq2SeqModel.headScale}). */
  readonly headScale: number;
  readonly config: ResolvedSeq2SeqConfig;
  private readonly vars: NamedVariables;
  /** Sinusoidal table `[maxLength, d]` (not trainable, not in the state). */
  private readonly positions: tf.Tensor2D;

  /** Fresh seeded weights: linear N(0, 1/fan_in) (truncated), zero biases, LN γ=1 β=0, embeddings N(0, 1). */
  constructor(config: Seq2SeqConfig) {
    this.config = resolveSeq2SeqConfig(config);
    this.headScale = this.config.dModel ** -0.5;
    const c = this.config;
    this.vars = new NamedVariables('Seq2SeqTransformer', `seq2seq${instances++}`, c.seed);
    // Only the random initialisers draw a seed.
    const add = (name: string, shape: number[], kind: 'normal' | 'zeros' | 'ones', std = 1): void =>
      this.vars.add(name, (nextSeed) =>
        kind === 'normal' ? tf.truncatedNormal(shape, 0, std, 'float32', nextSeed()) : kind === 'ones' ? tf.ones(shape) : tf.zeros(shape),
      );
    const d = c.dModel;
    const linear = (name: string, out: number, inp: number): void => {
      add(`${name}.weight`, [out, inp], 'normal', 1 / Math.sqrt(inp));
      add(`${name}.bias`, [out], 'zeros');
    };
    const ln = (name: string): void => {
      add(`${name}.weight`, [d], 'ones');
      add(`${name}.bias`, [d], 'zeros');
    };
    const attn = (p: string): void => {
      for (const m of ['q', 'k', 'v', 'o']) linear(`${p}.${m}`, d, d);
    };
    const ffn = (p: string): void => {
      linear(`${p}.fc1`, c.ffn, d);
      linear(`${p}.fc2`, d, c.ffn);
    };
    add('shared.weight', [c.vocabSize, d], 'normal', 1);
    for (let l = 0; l < c.encoderLayers; l++) {
      const p = `encoder.layer.${l}`;
      ln(`${p}.ln_self`);
      attn(`${p}.self_attn`);
      ln(`${p}.ln_ffn`);
      ffn(`${p}.ffn`);
    }
    ln('encoder.final_ln');
    for (let l = 0; l < c.decoderLayers; l++) {
      const p = `decoder.layer.${l}`;
      ln(`${p}.ln_self`);
      attn(`${p}.self_attn`);
      ln(`${p}.ln_cross`);
      attn(`${p}.cross_attn`);
      ln(`${p}.ln_ffn`);
      ffn(`${p}.ffn`);
    }
    ln('decoder.final_ln');
    this.positions = sinusoidalPositions(c.maxLength, d);
  }

  /** Every weight by its stable name (for checkpoints and optimizers). */
  stateTensors(): Record<string, tf.Variable> {
    return this.vars.record();
  }

  /** Every trainable weight (all of them; the sinusoidal table is not a weight). */
  get trainableWeights(): tf.Variable[] {
    return this.vars.all();
  }

  /** One weight by name; throws naming it when absent (e.g. after {@link dispose}). */
  weight(name: string): tf.Variable {
    return this.vars.get(name);
  }

  /** Encoder: `srcIds`, `srcMask` `[B, S]` → H_enc `[B, S, d]` (after the final LayerNorm). Caller disposes. */
  encode(srcIds: tf.Tensor2D, srcMask: tf.Tensor2D, training = false, options: Seq2SeqForwardOptions = {}): tf.Tensor3D {
    checkIds('srcIds', srcIds, srcMask, this.config.maxLength);
    return tf.tidy(() => {
      const [b, s] = srcIds.shape;
      const drop = this.dropper(training, options.rng);
      const keyBias = paddingBias(srcMask); // [B,1,1,S]
      let x = drop(this.embed(srcIds)) as tf.Tensor3D;
      for (let l = 0; l < this.config.encoderLayers; l++) {
        const p = `encoder.layer.${l}`;
        const h = this.layerNorm(x, `${p}.ln_self`);
        x = x.add(drop(this.attention(h, h, keyBias, `${p}.self_attn`, drop))) as tf.Tensor3D;
        x = x.add(drop(this.feedForward(this.layerNorm(x, `${p}.ln_ffn`), `${p}.ffn`))) as tf.Tensor3D;
      }
      return this.layerNorm(x, 'encoder.final_ln').reshape([b, s, this.config.dModel]) as tf.Tensor3D;
    });
  }

  /**
   * Decoder: H_enc `[B, S, d]` with its `srcMask`, decoder input ids `[B, T]` (starting with BOS) and their mask →
   * the last layer's hidden states H_dec `[B, T, d]` (after the final LayerNorm, before the LM head — the states
   * CLAPS perturbs). Self-attention is causal and ignores padded target keys; cross-attention ignores padded
   * source positions. Caller disposes.
   */
  decode(
    hEnc: tf.Tensor3D,
    srcMask: tf.Tensor2D,
    tgtInputIds: tf.Tensor2D,
    tgtMask: tf.Tensor2D,
    training = false,
    options: Seq2SeqForwardOptions = {},
  ): tf.Tensor3D {
    checkIds('tgtInputIds', tgtInputIds, tgtMask, this.config.maxLength);
    if (
      hEnc.rank !== 3 ||
      hEnc.shape[0] !== srcMask.shape[0] ||
      hEnc.shape[1] !== srcMask.shape[1] ||
      hEnc.shape[2] !== this.config.dModel
    ) {
      throw new RangeError(`hEnc must be [B, S, ${this.config.dModel}] matching srcMask [${srcMask.shape}], got [${hEnc.shape}]`);
    }
    if (tgtInputIds.shape[0] !== hEnc.shape[0])
      throw new RangeError(`tgtInputIds batch ${tgtInputIds.shape[0]} ≠ hEnc batch ${hEnc.shape[0]}`);
    return tf.tidy(() => {
      const t = tgtInputIds.shape[1];
      const drop = this.dropper(training, options.rng);
      // Causal [1,1,T,T] + padded-key [B,1,1,T] bias; row i sees keys j ≤ i.
      const causal = tf.linalg
        .bandPart(tf.ones([t, t]), -1, 0)
        .sub(1)
        .mul(1e9)
        .reshape([1, 1, t, t]);
      const selfBias = causal.add(paddingBias(tgtMask));
      const crossBias = paddingBias(srcMask);
      let x = drop(this.embed(tgtInputIds)) as tf.Tensor3D;
      for (let l = 0; l < this.config.decoderLayers; l++) {
        const p = `decoder.layer.${l}`;
        const h = this.layerNorm(x, `${p}.ln_self`);
        x = x.add(drop(this.attention(h, h, selfBias, `${p}.self_attn`, drop))) as tf.Tensor3D;
        const hc = this.layerNorm(x, `${p}.ln_cross`);
        x = x.add(drop(this.attention(hc, hEnc, crossBias, `${p}.cross_attn`, drop))) as tf.Tensor3D;
        x = x.add(drop(this.feedForward(this.layerNorm(x, `${p}.ln_ffn`), `${p}.ffn`))) as tf.Tensor3D;
      }
      return this.layerNorm(x, 'decoder.final_ln');
    });
  }

  /** Tied LM head: `(H·d^−0.5) Eᵀ`, `[B, T, d]` → logits `[B, T, V]` (T5's rescale before the shared embedding). */
  logits(hDec: tf.Tensor3D): tf.Tensor3D {
    const [b, t, d] = hDec.shape;
    if (d !== this.config.dModel) throw new RangeError(`hDec last dim must be dModel=${this.config.dModel}, got ${d}`);
    return tf.tidy(
      () =>
        tf
          .matMul(hDec.reshape([b * t, d]).mul(this.headScale), this.weight('shared.weight'), false, true)
          .reshape([b, t, this.config.vocabSize]) as tf.Tensor3D,
    );
  }

  /** Decoder input `[BOS, tgtIds[:, :-1]]` and its mask `[1, tgtMask[:, :-1]]` (teacher forcing). */
  shiftRight(tgtIds: tf.Tensor2D, tgtMask: tf.Tensor2D): { inputIds: tf.Tensor2D; inputMask: tf.Tensor2D } {
    return shiftRight(this.config.bosId, tgtIds, tgtMask);
  }

  /** Teacher-forced token cross-entropy (nats) averaged over non-pad target tokens ({@link teacherForcedNll}). */
  nll(batch: Seq2SeqBatch, training = false, options: Seq2SeqForwardOptions = {}): tf.Scalar {
    return teacherForcedNll(this, batch, training, options);
  }

  /** Frees every weight and the position table (idempotent). */
  dispose(): void {
    this.vars.dispose();
    if (!this.positions.isDisposed) this.positions.dispose();
  }

  private embed(ids: tf.Tensor2D): tf.Tensor3D {
    const l = ids.shape[1];
    return tf
      .gather(this.weight('shared.weight'), ids.cast('int32'))
      .add(this.positions.slice([0, 0], [l, this.config.dModel]).expandDims(0)) as tf.Tensor3D;
  }

  private dropper(training: boolean, rng?: Rng): (x: tf.Tensor) => tf.Tensor {
    return dropper(this.config.dropout, training, rng);
  }

  /** Multi-head attention of queries `[B,Tq,d]` over keys/values `[B,Tk,d]` with an additive bias. */
  private attention(xq: tf.Tensor3D, xkv: tf.Tensor3D, bias: tf.Tensor, p: string, drop: (x: tf.Tensor) => tf.Tensor): tf.Tensor3D {
    const [b, tq, d] = xq.shape;
    const tk = xkv.shape[1];
    const nh = this.config.heads;
    const dh = d / nh;
    const split = (x: tf.Tensor2D, len: number): tf.Tensor4D => x.reshape([b, len, nh, dh]).transpose([0, 2, 1, 3]);
    const q = split(this.linear(xq.reshape([b * tq, d]), `${p}.q`), tq);
    const k = split(this.linear(xkv.reshape([b * tk, d]), `${p}.k`), tk);
    const v = split(this.linear(xkv.reshape([b * tk, d]), `${p}.v`), tk);
    const probs = drop(tf.softmax(tf.matMul(q, k, false, true).div(Math.sqrt(dh)).add(bias), -1));
    const ctx = tf
      .matMul(probs as tf.Tensor4D, v)
      .transpose([0, 2, 1, 3])
      .reshape([b * tq, d]) as tf.Tensor2D;
    return this.linear(ctx, `${p}.o`).reshape([b, tq, d]) as tf.Tensor3D;
  }

  private feedForward(x: tf.Tensor3D, p: string): tf.Tensor3D {
    const [b, t, d] = x.shape;
    const h = tf.relu(this.linear(x.reshape([b * t, d]), `${p}.fc1`));
    return this.linear(h, `${p}.fc2`).reshape([b, t, d]) as tf.Tensor3D;
  }

  private linear(x: tf.Tensor2D, name: string): tf.Tensor2D {
    return tf.matMul(x, this.weight(`${name}.weight`), false, true).add(this.weight(`${name}.bias`));
  }

  private layerNorm(x: tf.Tensor3D, name: string): tf.Tensor3D {
    const { mean, variance } = tf.moments(x, -1, true);
    return x
      .sub(mean)
      .div(variance.add(1e-5).sqrt())
      .mul(this.weight(`${name}.weight`))
      .add(this.weight(`${name}.bias`)) as tf.Tensor3D;
  }
}

/**
 * Mean token cross-entropy of `logits` `[B,T,V]` against `labels` `[B,T]`, over positions where `mask` is 1 (nats).
 * Pure; the caller disposes the scalar.
 */
export function tokenCrossEntropy(logits: tf.Tensor3D, labels: tf.Tensor2D, mask: tf.Tensor2D): tf.Scalar {
  return tf.tidy(() => {
    const v = logits.shape[2];
    const logp = tf.logSoftmax(logits, -1);
    const picked = logp.mul(tf.oneHot(labels.cast('int32'), v)).sum(-1);
    const m = mask.cast('float32');
    return picked.mul(m).sum().neg().div(m.sum().maximum(1)) as tf.Scalar;
  });
}

/** Sinusoidal positions `[n, d]` (Vaswani et al. §3.5): sin on even, cos on odd dims, wavelengths up to 10000·2π. */
export function sinusoidalPositions(n: number, d: number): tf.Tensor2D {
  const data = new Float32Array(n * d);
  for (let pos = 0; pos < n; pos++) {
    for (let i = 0; i < d; i += 2) {
      const angle = pos / 10000 ** (i / d);
      data[pos * d + i] = Math.sin(angle);
      if (i + 1 < d) data[pos * d + i + 1] = Math.cos(angle);
    }
  }
  return tf.tensor2d(data, [n, d]);
}

/** Additive key bias `[B,1,1,L]`: 0 for tokens, −1e9 for padding. */
function paddingBias(mask: tf.Tensor2D): tf.Tensor4D {
  const [b, l] = mask.shape;
  return tf.sub(1, mask.cast('float32')).mul(-1e9).reshape([b, 1, 1, l]);
}
