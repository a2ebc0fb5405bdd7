import type * as tf from '@tensorflow/tfjs';
import type { Seq2SeqBatch, Seq2SeqForwardOptions } from './transformer.js';

/** The shape fields every seq2seq model shares (ids, widths, the decoding cap). */
export interface Seq2SeqModelConfig {
  vocabSize: number;
  /** Width of the hidden states `encode` / `decode` return (what CLAPS projects and perturbs). */
  dModel: number;
  /** Longest source or target sequence; also the decoding cap. */
  maxLength: number;
  padId: number;
  bosId: number;
  eosId: number;
  seed: number;
}

/**
 * What decoding ({@link greedyDecode}, {@link beamSearch}), CLAPS and the CLI need of an encoder–decoder: the
 * Transformer ({@link Seq2SeqTransformer}) and the GRU baseline both implement it. Every tensor returned is the
 * caller's to dispose; weights are `tf.Variable`s by stable name for core's checkpointing.
 */
export interface Seq2SeqModel {
  /** `'transformer'` or `'gru'` — recorded in saved models. */
  readonly kind: string;
  readonly config: Seq2SeqModelConfig;
  /**
   * Factor the LM head applies to the hidden states before the output projection (`logits = (H·headScale)Eᵀ`):
   * d^−0.5 for the T5-style tied head, 1 for an untied head. CLAPS' imposter gradient uses the head **without**
   * it (`logits(H / headScale)`), as the official code does.
   */
  readonly headScale: number;
  /** Source ids/mask `[B, S]` → encoder states `[B, S, dModel]`. */
  encode(srcIds: tf.Tensor2D, srcMask: tf.Tensor2D, training?: boolean, options?: Seq2SeqForwardOptions): tf.Tensor3D;
  /** Teacher-forced decoder states `[B, T, dModel]` for decoder inputs `[B, T]` (BOS-first), before the LM head. */
  decode(
    hEnc: tf.Tensor3D,
    srcMask: tf.Tensor2D,
    tgtInputIds: tf.Tensor2D,
    tgtMask: tf.Tensor2D,
    training?: boolean,
    options?: Seq2SeqForwardOptions,
  ): tf.Tensor3D;
  /** LM head: decoder states `[B, T, d]` → logits `[B, T, V]`. */
  logits(hDec: tf.Tensor3D): tf.Tensor3D;
  /** Decoder input `[BOS, tgtIds[:, :-1]]` and its mask (teacher forcing). */
  shiftRight(tgtIds: tf.Tensor2D, tgtMask: tf.Tensor2D): { inputIds: tf.Tensor2D; inputMask: tf.Tensor2D };
  /** Teacher-forced token cross-entropy (nats) averaged over non-pad target tokens. */
  nll(batch: Seq2SeqBatch, training?: boolean, options?: Seq2SeqForwardOptions): tf.Scalar;
  /** Every weight by stable name. */
  stateTensors(): Record<string, tf.Variable>;
  readonly trainableWeights: tf.Variable[];
  /** Frees every weight (idempotent). */
  dispose(): void;
}
