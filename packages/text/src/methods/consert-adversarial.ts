import * as tf from '@tensorflow/tfjs';
import { stopGradient } from '@contrastive/core';
import { adversarialPerturbation } from '../augment/embedding-level.js';
import type { AdversarialOptions } from '../augment/embedding-level.js';
import type { BertEncoder } from '../encoders/bert.js';
import { pool } from '../encoders/pooling.js';
import type { Pooling } from '../encoders/pooling.js';
import type { BatchTensors } from '../encoders/token-tensors.js';
import { consertLoss } from './text-losses.js';

/** Options of {@link consertAdversarialDelta}. */
export interface ConsertAttackOptions extends AdversarialOptions {
  /** Pooling of the attacked view (the method's training pooling). */
  pooling: Pooling;
  /** τ of the ConSERT loss the attack increases. */
  temperature: number;
}

/**
 * ConSERT's adversarial view as a perturbation δ `[B, L, H]` of the embedding-layer output: one FGSM/FGV
 * step (`adversarialPerturbation`) that increases the ConSERT loss of the attacked view against the other
 * view `other` `[B, H]` (held constant), with BERT in inference mode. δ is a constant: the caller adds it to
 * the embeddings of the adversarial view **outside** the optimizer's tape (FGSM/FGV treat it as constant,
 * and tfjs cannot differentiate through the inner gradient).
 */
export function consertAdversarialDelta(
  encoder: BertEncoder,
  inputs: BatchTensors,
  lengths: readonly number[],
  other: tf.Tensor2D,
  options: ConsertAttackOptions,
): tf.Tensor3D {
  const { pooling, temperature, ...attack } = options;
  return tf.tidy(() => {
    const embeddings = encoder.embed(inputs);
    const target = stopGradient(other);
    const attacked = adversarialPerturbation(
      embeddings,
      lengths,
      (x) => {
        const out = encoder.forward(inputs, { embeddings: x, training: false });
        return consertLoss(pool(encoder, out, inputs.attentionMask, pooling), target, { temperature });
      },
      attack,
    );
    return attacked.sub(embeddings) as tf.Tensor3D;
  });
}
