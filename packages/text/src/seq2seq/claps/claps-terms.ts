import * as tf from '@tensorflow/tfjs';
import { tokenCrossEntropy } from '../model/transformer.js';
import { clapsContrastiveLoss } from './contrastive-loss.js';
import type { ClapsContrastVariant } from './contrastive-loss.js';
import { detach } from './detach.js';
import { distantTarget, imposter } from './perturbations.js';
import type { ClapsLmHead } from './perturbations.js';
import { projectPool } from './projection.js';
import type { ClapsProjectionWeights } from './projection.js';

/** A row of the results table: MLE alone, full CLAPS, or one of the two ablations. */
export type ClapsVariant = 'mle' | ClapsContrastVariant;

/** The variants {@link Claps} accepts. */
export const CLAPS_VARIANTS: readonly ClapsVariant[] = ['mle', 'claps', 'no-imposter', 'no-distant'];

/** Tensors of one teacher-forced batch as {@link clapsLossTerms} needs them. */
export interface ClapsTermsInputs {
  /** The LM head without rescale ({@link ClapsLmHead}). */
  lmHead: ClapsLmHead;
  /** Encoder states `[B, S, d]`. */
  hEnc: tf.Tensor3D;
  /** Source mask `[B, S]`. */
  encMask: tf.Tensor2D;
  /** Decoder states **after** the head's rescale, `[B, T, d]` (the code's `sequence_output`; `lmHead(hDec)` are the clean logits). */
  hDec: tf.Tensor3D;
  /** Decoder attention mask `[B, T]` (pooling, KL). */
  decMask: tf.Tensor2D;
  /** Target ids `[B, T]` (the labels, EOS included). */
  labels: tf.Tensor2D;
  /** Label mask `[B, T]` (the tokens the NLLs average over). */
  labelMask: tf.Tensor2D;
  /** The shared projection g. */
  projection: ClapsProjectionWeights;
}

/** Resolved hyper-parameters of {@link clapsLossTerms}. */
export interface ClapsTermsOptions {
  variant: ClapsVariant;
  temperature: number;
  epsNeg: number;
  epsPos: number;
  officialL2: boolean;
}

/** What {@link clapsLossTerms} returns; every scalar is the caller's to dispose. */
export interface ClapsTerms {
  /** `nll + cont` (just `nll` for `'mle'`): the official `loss = nll + cont_loss`. */
  loss: tf.Scalar;
  /** Token NLL of the clean states (nats). */
  nll: tf.Scalar;
  /** The contrastive loss ({@link clapsContrastiveLoss}); absent for `'mle'`. */
  cont?: tf.Scalar;
  /** NLL of the imposter states (detached; a mechanics log); absent for `'mle'` / `'no-imposter'`. */
  impNll?: tf.Scalar;
  /** NLL of the distant-target states (detached); absent for `'mle'` / `'no-distant'`. */
  distNll?: tf.Scalar;
}

/**
 * One CLAPS objective from given states (official `AdvContrastive*.forward(adv=True)`), pure so it can be checked
 * against PyTorch on fixed tensors:
 * `nll = CE(lmHead(H_dec))`; `z_x = avgPool(g(H_enc))`, `z_y = avgPool(g(H_dec))`; the {@link imposter} H̃ (ε_neg) and the
 * {@link distantTarget} Ĥ (ε_pos, τ), both detached, are projected with the same g and pooled; `cont =`
 * {@link clapsContrastiveLoss}; `loss = nll + cont`. Gradients reach `hEnc`, `hDec`, the projection and the head only
 * through the clean path and through g of the (constant) perturbed states.
 */
export function clapsLossTerms(x: ClapsTermsInputs, o: ClapsTermsOptions): ClapsTerms {
  const nll = tf.tidy(() => tokenCrossEntropy(x.lmHead(x.hDec), x.labels, x.labelMask));
  const variant = o.variant;
  if (variant === 'mle') return { loss: nll.clone(), nll };
  const out = tf.tidy(() => {
    const zx = projectPool(x.hEnc, x.encMask, x.projection);
    const zy = projectPool(x.hDec, x.decMask, x.projection);
    const kept: Record<string, tf.Scalar> = {};
    let zImp: tf.Tensor2D | null = null;
    let zDist: tf.Tensor2D | null = null;
    if (variant !== 'no-imposter') {
      const hImp = imposter(x.lmHead, x.hDec, x.labels, x.labelMask, o.epsNeg);
      zImp = projectPool(hImp, x.decMask, x.projection);
      kept.impNll = detach(tokenCrossEntropy(x.lmHead(hImp), x.labels, x.labelMask));
    }
    if (variant !== 'no-distant') {
      const { target } = distantTarget({
        lmHead: x.lmHead,
        hEnc: x.hEnc,
        encMask: x.encMask,
        hDec: x.hDec,
        decMask: x.decMask,
        projection: x.projection,
        temperature: o.temperature,
        eps: o.epsPos,
      });
      zDist = projectPool(target, x.decMask, x.projection);
      kept.distNll = detach(tokenCrossEntropy(x.lmHead(target), x.labels, x.labelMask));
    }
    const cont = clapsContrastiveLoss(zx, zy, zImp, zDist, {
      temperature: o.temperature,
      variant,
      officialL2: o.officialL2,
    });
    return { cont, loss: nll.add(cont) as tf.Scalar, ...kept };
  });
  return { nll, ...out };
}
