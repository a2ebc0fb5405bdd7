import * as tf from '@tensorflow/tfjs';
import type { Seq2SeqModel } from '../model/seq2seq-model.js';
import { tokenCrossEntropy } from '../model/transformer.js';
import { clapsInfoNce } from './contrastive-loss.js';
import { detach } from './detach.js';
import { projectPool } from './projection.js';
import type { ClapsProjectionWeights } from './projection.js';

/**
 * The LM head as CLAPS' perturbations see it: decoder states `[B, T, d]` → logits `[B, T, V]`, **without** a
 * rescale. In the official code `sequence_output` is already multiplied by `model_dim^−0.5` when it reaches
 * `generate_adv` / `generate_cont_adv` / the projection, and `lm_head` is applied to it directly; so CLAPS
 * works on the rescaled states `H·headScale` with the bare head. The clean logits are unchanged by this.
 */
export type ClapsLmHead = (h: tf.Tensor3D) => tf.Tensor3D;

/** `h ↦ model.logits(h / model.headScale)`: a {@link Seq2SeqModel}'s head without its rescale (see {@link ClapsLmHead}). */
export function lmHeadWithoutRescale(model: Pick<Seq2SeqModel, 'logits' | 'headScale'>): ClapsLmHead {
  const s = model.headScale;
  if (!(s > 0) || !Number.isFinite(s)) throw new RangeError(`model.headScale must be a finite number > 0, got ${s}`);
  return (h) => tf.tidy(() => model.logits(s === 1 ? h : (h.div(s) as tf.Tensor3D)));
}

/** `g / (‖g‖₂ + 1e-12)` with the norm over the last axis (per token), as both official perturbations; zero rows stay zero. */
export function normalizePerToken(g: tf.Tensor3D): tf.Tensor3D {
  return tf.tidy(() => g.div(g.norm('euclidean', -1, true).add(1e-12)) as tf.Tensor3D);
}

/**
 * The imposter (hard negative), official `generate_adv`: on detached states `h` `[B, T, d]`,
 * `g = ∇_h NLL(lmHead(h), labels)` (token cross-entropy averaged over the `labelMask` tokens, the
 * `CrossEntropyLoss(ignore_index=-100)` of the code), then `h̃ = h + ε·g/‖g‖` with the norm per token
 * (`+1e-12`, so a token without gradient — padding — does not move). Small ε, steepest ascent of the NLL: close
 * to y, unlikely. Returned detached (no gradient reaches `h`, the head or anything upstream); the caller disposes.
 */
export function imposter(lmHead: ClapsLmHead, h: tf.Tensor3D, labels: tf.Tensor2D, labelMask: tf.Tensor2D, eps: number): tf.Tensor3D {
  checkEps(eps, 'epsNeg');
  checkTokens(h, labels, 'labels');
  checkTokens(h, labelMask, 'labelMask');
  return tf.tidy(() => {
    const hd = detach(h);
    const g = tf.grad((x: tf.Tensor) => tokenCrossEntropy(lmHead(x as tf.Tensor3D), labels, labelMask))(hd) as tf.Tensor3D;
    return detach(hd.add(normalizePerToken(g).mul(eps)) as tf.Tensor3D);
  });
}

/**
 * `Σ_t mask_t · KL(softmax(lmHead(hRef)_t) ‖ softmax(lmHead(h)_t)) / Σ_t mask_t` — the official
 * `KLDivLoss(reduction='sum')(log_softmax(perturbed), softmax(clean)·mask) / dec_mask.sum()`. `hRef` is treated as
 * a constant. A scalar (nats per target token).
 */
export function klFromClean(lmHead: ClapsLmHead, hRef: tf.Tensor3D, h: tf.Tensor3D, mask: tf.Tensor2D): tf.Scalar {
  checkTokens(h, mask, 'mask');
  return tf.tidy(() => {
    const logP = tf.logSoftmax(detach(lmHead(hRef)), -1);
    const m = mask.cast('float32');
    const p = tf.exp(logP).mul(m.expandDims(2));
    const logQ = tf.logSoftmax(lmHead(h), -1);
    return p.mul(logP.sub(logQ)).sum().div(m.sum().maximum(1)) as tf.Scalar;
  });
}

/** Inputs of {@link distantTarget}. */
export interface DistantTargetInputs {
  /** The head without rescale ({@link ClapsLmHead}). */
  lmHead: ClapsLmHead;
  /** Encoder states `[B, S, d]` (treated as constants). */
  hEnc: tf.Tensor3D;
  /** Source mask `[B, S]`. */
  encMask: tf.Tensor2D;
  /** Rescaled decoder states `[B, T, d]` (the clean H; treated as constants). */
  hDec: tf.Tensor3D;
  /** Decoder attention mask `[B, T]` (pooling and the KL's token mask, as the code's `decoder_attention_mask`). */
  decMask: tf.Tensor2D;
  /** The shared projection g (used as it is: no gradient reaches it from here). */
  projection: ClapsProjectionWeights;
  /** τ of the InfoNCE that is ascended. */
  temperature: number;
  /** ε_pos, the length of both steps (official `--pos_eps` 3.0). */
  eps: number;
}

/**
 * The distant target (hard positive), official `generate_cont_adv`, on detached states:
 * 1. `g_c = ∇_H InfoNCE(z_x, z_y)` with `z = avgPool(g(·), mask)` and τ ({@link clapsInfoNce}); `H̄ = H + ε·g_c/‖g_c‖`
 *    (norm **per token**, as the code: `torch.norm(dec_grad, dim=-1)`) — moves y away from x in the contrastive space;
 * 2. `Ĥ = H̄ − ε·∇_{H̄}KL/‖·‖` (per token) with `KL = ` {@link klFromClean}`(H, H̄)` — one step back towards the clean
 *    output distribution, so ŷ stays likely. Both heads are the bare `lmHead` (the code applies `lm_head` to the
 *    rescaled states, and its clean `lm_logits` are `lm_head` of the same states).
 *
 * Returns `{ shifted: H̄, target: Ĥ }`, both detached; the caller disposes them.
 */
export function distantTarget(inputs: DistantTargetInputs): { shifted: tf.Tensor3D; target: tf.Tensor3D } {
  const { lmHead, hEnc, encMask, hDec, decMask, projection, temperature, eps } = inputs;
  checkEps(eps, 'epsPos');
  checkTokens(hEnc, encMask, 'encMask');
  checkTokens(hDec, decMask, 'decMask');
  if (hEnc.shape[0] !== hDec.shape[0]) throw new RangeError(`distantTarget: hEnc has ${hEnc.shape[0]} rows but hDec ${hDec.shape[0]}`);
  return tf.tidy(() => {
    const hd = detach(hDec);
    const w: ClapsProjectionWeights = { weight: detach(projection.weight), bias: detach(projection.bias) };
    const zx = projectPool(detach(hEnc), encMask, w);
    const gc = tf.grad((x: tf.Tensor) => clapsInfoNce(zx, projectPool(x as tf.Tensor3D, decMask, w), temperature))(hd) as tf.Tensor3D;
    const shifted = detach(hd.add(normalizePerToken(gc).mul(eps)) as tf.Tensor3D);
    const gk = tf.grad((x: tf.Tensor) => klFromClean(lmHead, hd, x as tf.Tensor3D, decMask))(shifted) as tf.Tensor3D;
    const target = detach(shifted.sub(normalizePerToken(gk).mul(eps)) as tf.Tensor3D);
    return { shifted, target };
  });
}

function checkEps(eps: number, name: string): void {
  if (typeof eps !== 'number' || !Number.isFinite(eps) || eps < 0)
    throw new RangeError(`CLAPS ${name} must be a finite number >= 0, got ${String(eps)}`);
}

function checkTokens(h: tf.Tensor3D, m: tf.Tensor2D, name: string): void {
  if (h.rank !== 3 || m.rank !== 2 || h.shape[0] !== m.shape[0] || h.shape[1] !== m.shape[1]) {
    throw new RangeError(`CLAPS: states are [${h.shape}] but ${name} is [${m.shape}]; need [B, T, d] and [B, T]`);
  }
}
