import * as tf from '@tensorflow/tfjs';
import { checkIds as sharedCheckIds, dropper, NamedVariables } from '../model/model-parts.js';
import { shiftRight, teacherForcedNll } from '../model/teacher-forcing.js';
import type { Rng } from '@contrastive/core';
import type { Seq2SeqModel } from '../model/seq2seq-model.js';
import type { Seq2SeqBatch, Seq2SeqForwardOptions } from '../model/transformer.js';
import { resolveGruConfig } from './config.js';
import type { GruConfig, ResolvedGruConfig } from './config.js';
import { gruLayer } from './gru-layer.js';
import type { GruWeights } from './gru-layer.js';

let instances = 0;

/**
 * The GRU baseline of CLAPS (issue 28): an attentional RNN encoder–decoder after Luong, Pham & Manning (2015).
 *
 * - one **shared** embedding table (dModel) for source and target;
 * - a **bidirectional** 1-layer GRU encoder; the two directions' states are concatenated and projected to dModel
 *   (H_enc, zero at padded positions);
 * - the decoder GRU starts from `tanh(W_init · mean(H_enc))` (only H_enc reaches `decode`, so the initial state is
 *   computed from it), reads the previous target token's embedding, and attends over H_enc with Luong's
 *   `general` (`h_tᵀ W_a h̄_s`) or `dot` score, padded source positions masked;
 * - the **attentional hidden state** `h̃_t = tanh(W_c [c_t; h_t])` (dModel) is what {@link decode} returns — the
 *   states CLAPS pools and perturbs — and the LM head maps it to logits, untied (`lm_head`) or tied to the
 *   embedding; `headScale` is 1 either way.
 * - No input feeding (h̃_{t−1} is not fed back), so the decoder GRU runs over the whole teacher-forced prefix and
 *   attention is one batched matmul; greedy/beam decoding recompute over the prefix as for the Transformer.
 *
 * Init (seeded): embeddings N(0, 1), GRU weights U(−1/√H, 1/√H) as PyTorch, linear layers N(0, 1/fan_in)
 * truncated, biases 0. Weights are `tf.Variable`s by stable name (`encoder.gru_fwd.weight_ih`, `[out, in]`).
 */
export class Seq2SeqGru implements Seq2SeqModel {
  readonly kind = 'gru';
  /** 1: the head is applied to h̃ as it is (no rescale; see {@link Seq2SeqModel.headScale}). */
  readonly headScale = 1;
  readonly config: ResolvedGruConfig;
  private readonly vars: NamedVariables;

  constructor(config: GruConfig) {
    this.config = resolveGruConfig(config);
    const c = this.config;
    this.vars = new NamedVariables('Seq2SeqGru', `seq2seq_gru${instances++}`, c.seed);
    // Every weight draws a seed (also the zero biases), as it always did.
    const add = (name: string, make: (s: number) => tf.Tensor): void => this.vars.add(name, (nextSeed) => make(nextSeed()));
    const d = c.dModel;
    const h = c.hidden;
    const linear = (name: string, out: number, inp: number, bias = true): void => {
      add(`${name}.weight`, (s) => tf.truncatedNormal([out, inp], 0, 1 / Math.sqrt(inp), 'float32', s));
      if (bias) add(`${name}.bias`, () => tf.zeros([out]));
    };
    const gru = (name: string, inp: number): void => {
      const k = 1 / Math.sqrt(h);
      add(`${name}.weight_ih`, (s) => tf.randomUniform([3 * h, inp], -k, k, 'float32', s));
      add(`${name}.weight_hh`, (s) => tf.randomUniform([3 * h, h], -k, k, 'float32', s));
      add(`${name}.bias_ih`, (s) => tf.randomUniform([3 * h], -k, k, 'float32', s));
      add(`${name}.bias_hh`, (s) => tf.randomUniform([3 * h], -k, k, 'float32', s));
    };
    add('shared.weight', (s) => tf.truncatedNormal([c.vocabSize, d], 0, 1, 'float32', s));
    gru('encoder.gru_fwd', d);
    gru('encoder.gru_bwd', d);
    linear('encoder.proj', d, 2 * h);
    linear('decoder.init', h, d);
    gru('decoder.gru', d);
    if (c.attention === 'general') linear('decoder.attn', d, h, false);
    linear('decoder.combine', d, d + h);
    if (!c.tieEmbeddings) linear('lm_head', c.vocabSize, d);
  }

  /** Every weight by its stable name (for checkpoints and optimizers). */
  stateTensors(): Record<string, tf.Variable> {
    return this.vars.record();
  }

  /** Every weight (all are trainable). */
  get trainableWeights(): tf.Variable[] {
    return this.vars.all();
  }

  /** One weight by name; throws naming it when absent (e.g. after {@link dispose}). */
  weight(name: string): tf.Variable {
    return this.vars.get(name);
  }

  /** Encoder: `srcIds`, `srcMask` `[B, S]` → H_enc `[B, S, dModel]` (zeros at padded positions). Caller disposes. */
  encode(srcIds: tf.Tensor2D, srcMask: tf.Tensor2D, training = false, options: Seq2SeqForwardOptions = {}): tf.Tensor3D {
    checkIds('srcIds', srcIds, srcMask, this.config.maxLength);
    return tf.tidy(() => {
      const [b, s] = srcIds.shape;
      const { hidden: h, dModel: d } = this.config;
      const drop = this.dropper(training, options.rng);
      const x = drop(this.embed(srcIds)) as tf.Tensor3D;
      const h0 = tf.zeros([b, h]) as tf.Tensor2D;
      const fwd = gruLayer(x, srcMask, h0, this.gru('encoder.gru_fwd'));
      const bwd = gruLayer(x, srcMask, h0, this.gru('encoder.gru_bwd'), true);
      const both = drop(tf.concat([fwd, bwd], 2)).reshape([b * s, 2 * h]) as tf.Tensor2D;
      const m = srcMask.cast('float32').reshape([b, s, 1]);
      return this.linear(both, 'encoder.proj').reshape([b, s, d]).mul(m) as tf.Tensor3D;
    });
  }

  /**
   * Decoder: H_enc `[B, S, d]` with its `srcMask`, the teacher-forced decoder input `[B, T]` (BOS first) and its
   * mask → attentional states h̃ `[B, T, dModel]` for every position (before the LM head). Causal by construction
   * (a GRU); padded target positions carry the state and never affect earlier ones. Caller disposes.
   */
  decode(
    hEnc: tf.Tensor3D,
    srcMask: tf.Tensor2D,
    tgtInputIds: tf.Tensor2D,
    tgtMask: tf.Tensor2D,
    training = false,
    options: Seq2SeqForwardOptions = {},
  ): tf.Tensor3D {
    return tf.tidy(() => this.decodeWithAttention(hEnc, srcMask, tgtInputIds, tgtMask, training, options).states);
  }

  /**
   * {@link decode} plus the attention weights `[B, T, S]` (each row sums to 1 over the real source positions,
   * 0 on padding) — for inspection and tests. Caller disposes both.
   */
  decodeWithAttention(
    hEnc: tf.Tensor3D,
    srcMask: tf.Tensor2D,
    tgtInputIds: tf.Tensor2D,
    tgtMask: tf.Tensor2D,
    training = false,
    options: Seq2SeqForwardOptions = {},
  ): { states: tf.Tensor3D; attention: tf.Tensor3D } {
    checkIds('tgtInputIds', tgtInputIds, tgtMask, this.config.maxLength);
    const { dModel: d, hidden: h } = this.config;
    if (hEnc.rank !== 3 || hEnc.shape[0] !== srcMask.shape[0] || hEnc.shape[1] !== srcMask.shape[1] || hEnc.shape[2] !== d)
      throw new RangeError(`hEnc must be [B, S, ${d}] matching srcMask [${srcMask.shape}], got [${hEnc.shape}]`);
    if (tgtInputIds.shape[0] !== hEnc.shape[0])
      throw new RangeError(`tgtInputIds batch ${tgtInputIds.shape[0]} ≠ hEnc batch ${hEnc.shape[0]}`);
    const [states, attention] = tf.tidy(() => {
      const [b, t] = tgtInputIds.shape;
      const s = hEnc.shape[1];
      const drop = this.dropper(training, options.rng);
      const m = srcMask.cast('float32');
      const pooled = hEnc.sum(1).div(m.sum(1, true).maximum(1)) as tf.Tensor2D; // H_enc is 0 at pads
      const h0 = tf.tanh(this.linear(pooled, 'decoder.init'));
      const x = drop(this.embed(tgtInputIds)) as tf.Tensor3D;
      const ht = drop(gruLayer(x, tgtMask, h0, this.gru('decoder.gru'))) as tf.Tensor3D; // [B,T,H]
      const query =
        this.config.attention === 'general' ? (this.linear(ht.reshape([b * t, h]), 'decoder.attn').reshape([b, t, d]) as tf.Tensor3D) : ht;
      const bias = tf.sub(1, m).mul(-1e9).reshape([b, 1, s]);
      const probs = tf.softmax(tf.matMul(query, hEnc, false, true).add(bias), -1) as tf.Tensor3D; // [B,T,S]
      const ctx = tf.matMul(probs, hEnc); // [B,T,d]
      const cat = tf.concat([ctx, ht], 2).reshape([b * t, d + h]) as tf.Tensor2D;
      return [tf.tanh(this.linear(cat, 'decoder.combine')).reshape([b, t, d]) as tf.Tensor3D, probs];
    });
    return { states: states!, attention: attention! };
  }

  /** LM head: h̃ `[B, T, d]` → logits `[B, T, V]`: `h̃ W_lmᵀ + b` (untied) or `h̃ Eᵀ` (tied). */
  logits(hDec: tf.Tensor3D): tf.Tensor3D {
    const [b, t, d] = hDec.shape;
    if (d !== this.config.dModel) throw new RangeError(`hDec last dim must be dModel=${this.config.dModel}, got ${d}`);
    return tf.tidy(() => {
      const flat = hDec.reshape([b * t, d]) as tf.Tensor2D;
      const out = this.config.tieEmbeddings ? tf.matMul(flat, this.weight('shared.weight'), false, true) : this.linear(flat, 'lm_head');
      return out.reshape([b, t, this.config.vocabSize]) as tf.Tensor3D;
    });
  }

  /** Decoder input `[BOS, tgtIds[:, :-1]]` and its mask `[1, tgtMask[:, :-1]]` (teacher forcing). */
  shiftRight(tgtIds: tf.Tensor2D, tgtMask: tf.Tensor2D): { inputIds: tf.Tensor2D; inputMask: tf.Tensor2D } {
    return shiftRight(this.config.bosId, tgtIds, tgtMask);
  }

  /** Teacher-forced token cross-entropy (nats) averaged over non-pad target tokens ({@link teacherForcedNll}). */
  nll(batch: Seq2SeqBatch, training = false, options: Seq2SeqForwardOptions = {}): tf.Scalar {
    return teacherForcedNll(this, batch, training, options);
  }

  /** Frees every weight (idempotent). */
  dispose(): void {
    this.vars.dispose();
  }

  private gru(name: string): GruWeights {
    return {
      weightIh: this.weight(`${name}.weight_ih`) as tf.Tensor2D,
      weightHh: this.weight(`${name}.weight_hh`) as tf.Tensor2D,
      biasIh: this.weight(`${name}.bias_ih`) as tf.Tensor1D,
      biasHh: this.weight(`${name}.bias_hh`) as tf.Tensor1D,
    };
  }

  private embed(ids: tf.Tensor2D): tf.Tensor3D {
    return tf.gather(this.weight('shared.weight'), ids.cast('int32')) as tf.Tensor3D;
  }

  private dropper(training: boolean, rng?: Rng): (x: tf.Tensor) => tf.Tensor {
    return dropper(this.config.dropout, training, rng);
  }

  private linear(x: tf.Tensor2D, name: string): tf.Tensor2D {
    const y = tf.matMul(x, this.weight(`${name}.weight`), false, true);
    const bias = this.vars.find(`${name}.bias`);
    return (bias ? y.add(bias) : y) as tf.Tensor2D;
  }
}

/** {@link sharedCheckIds}, and at least one column (an empty sequence has no GRU state to return). */
function checkIds(name: string, ids: tf.Tensor2D, mask: tf.Tensor2D, maxLength: number): void {
  if (ids.rank === 2 && mask.shape.join() === ids.shape.join() && ids.shape[1] < 1)
    throw new RangeError(`${name} must have at least one column`);
  sharedCheckIds(name, ids, mask, maxLength);
}
