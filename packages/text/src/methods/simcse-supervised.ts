import * as tf from '@tensorflow/tfjs';
import type { Rng } from '@contrastive/core';
import type { BertEncoder } from '../encoders/bert.js';
import { encodePooled } from '../encoders/encode-pooled.js';
import type { Pooling } from '../encoders/pooling.js';
import { batchTensors, disposeInputs } from '../encoders/token-tensors.js';
import type { TokenBatch } from '../tokenize/text-tokenizer.js';
import { simcseSupervisedLoss } from './text-losses.js';
import { SIMCSE_OPTIMIZER } from './simcse.js';
import { TextMethod } from './text-method.js';
import type { TextMethodOptions } from './text-method.js';

/** A tokenised triplet batch: anchors, entailed positives, contradicting hard negatives (same N). */
export interface TripletBatch {
  anchor: TokenBatch;
  positive: TokenBatch;
  negative: TokenBatch;
}

/**
 * Options of {@link SupervisedSimCSE} (defaults: `run_sup_example.sh`). The method owns the encoder it is
 * given (see {@link TextMethodOptions}).
 */
export interface SupervisedSimCSEOptions extends TextMethodOptions {
  /** τ. Default 0.05. */
  temperature?: number;
  /** Logit offset on each anchor's own hard negative (`--hard_negative_weight`). Default 0. */
  hardNegativeWeight?: number;
  /** Pooling in training and at test (the supervised model keeps the MLP). Default `'cls-mlp'`. */
  pooling?: Pooling;
  /** Default 5e-5. */
  learningRate?: number;
}

/**
 * Supervised SimCSE: (x, x⁺ entailment, x⁻ contradiction) triplets, each encoded in training mode;
 * logits `[cos(z1,z2ᵀ) | cos(z1,z3ᵀ)]/τ` with the hard-negative weight on cell (i, N+i); CE label i.
 */
export class SupervisedSimCSE extends TextMethod<TripletBatch> {
  readonly name = 'simcse-sup';
  readonly temperature: number;
  readonly hardNegativeWeight: number;
  readonly pooling: Pooling;

  constructor(encoder: BertEncoder, options: SupervisedSimCSEOptions = {}) {
    super(encoder, options, { ...SIMCSE_OPTIMIZER, learningRate: 5e-5 });
    this.temperature = options.temperature ?? 0.05;
    this.hardNegativeWeight = options.hardNegativeWeight ?? 0;
    this.pooling = options.pooling ?? 'cls-mlp';
  }

  /** The supervised model is used with its training pooling (`cls-mlp` by default). */
  get testPooling(): Pooling {
    return this.pooling;
  }

  loss(batch: TripletBatch, rng: Rng): tf.Scalar {
    const { anchor, positive, negative } = batch;
    if (anchor.batch !== positive.batch || anchor.batch !== negative.batch) {
      throw new RangeError(`triplet batch sizes differ: anchor ${anchor.batch}, positive ${positive.batch}, negative ${negative.batch}`);
    }
    const ts = [anchor, positive, negative].map(batchTensors);
    try {
      return tf.tidy(() => {
        const [z1, z2, z3] = ts.map((t) => {
          return encodePooled(this.encoder, t, { training: true, rng, pooling: this.pooling });
        }) as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D];
        return simcseSupervisedLoss(z1, z2, z3, { temperature: this.temperature, hardNegativeWeight: this.hardNegativeWeight });
      });
    } finally {
      ts.forEach(disposeInputs);
    }
  }
}
