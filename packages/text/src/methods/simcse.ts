import * as tf from '@tensorflow/tfjs';
import type { Rng } from '@contrastive/core';
import type { BertEncoder } from '../encoders/bert.js';
import { encodePooled } from '../encoders/encode-pooled.js';
import type { Pooling } from '../encoders/pooling.js';
import { batchTensors, disposeInputs } from '../encoders/token-tensors.js';
import type { TokenBatch } from '../tokenize/text-tokenizer.js';
import { simcseLoss } from './text-losses.js';
import { TextMethod } from './text-method.js';
import type { TextMethodDefaults, TextMethodOptions } from './text-method.js';

/**
 * SimCSE trains with HF `Trainer` defaults (transformers 4.2): `transformers.AdamW` with bias correction,
 * ε 1e-8, weight decay 0, no warm-up, linear decay to 0 over the run, gradient norm clipped at 1.
 */
export const SIMCSE_OPTIMIZER: TextMethodDefaults = {
  learningRate: 3e-5,
  weightDecay: 0,
  warmupRatio: 0,
  epsilon: 1e-8,
  correctBias: true,
  maxGradNorm: 1,
};

/**
 * Options of {@link SimCSE} (defaults: `princeton-nlp/SimCSE` `run_unsup_example.sh`). The method owns the
 * encoder it is given (see {@link TextMethodOptions}).
 */
export interface SimCSEOptions extends TextMethodOptions {
  /** τ. Default 0.05. */
  temperature?: number;
  /** Pooling while training. Default `'cls-mlp'` (the MLP is used in training only: `--mlp_only_train`). */
  trainPooling?: Pooling;
  /** Pooling to use at test time (what `encode` should use). Default `'cls'` (`cls_before_pooler`). */
  testPooling?: Pooling;
  /** Default 3e-5 (BERT-base fine-tuning). */
  learningRate?: number;
}

/**
 * Unsupervised SimCSE (Gao, Yao & Chen, EMNLP 2021):
 * 1. feed the same batch through the encoder twice **in training mode** — the two dropout masks
 *    (p = `hiddenDropout`/`attentionDropout` of the BERT config, 0.1) are the only augmentation;
 * 2. pool [CLS] through the MLP pooler (training only);
 * 3. loss = in-batch InfoNCE `CE(cos(z1, z2ᵀ)/τ, i)` with τ = 0.05.
 *
 * Needs a BERT with non-zero dropout: with p = 0 the two views coincide and alignment collapses.
 */
export class SimCSE extends TextMethod<TokenBatch> {
  readonly name = 'simcse';
  readonly temperature: number;
  readonly trainPooling: Pooling;
  readonly testPooling: Pooling;

  constructor(encoder: BertEncoder, options: SimCSEOptions = {}) {
    super(encoder, options, SIMCSE_OPTIMIZER);
    this.temperature = options.temperature ?? 0.05;
    this.trainPooling = options.trainPooling ?? 'cls-mlp';
    this.testPooling = options.testPooling ?? 'cls';
    const c = encoder.config;
    if (c.hiddenDropout === 0 && c.attentionDropout === 0) {
      this.optimizer.dispose();
      throw new RangeError('SimCSE needs dropout: the encoder config has hiddenDropout = attentionDropout = 0');
    }
  }

  /** The two dropout views' pooled embeddings `[N, H]` each. */
  views(batch: TokenBatch, rng: Rng): [tf.Tensor2D, tf.Tensor2D] {
    const t = batchTensors(batch);
    try {
      return tf.tidy(() => {
        const z = (): tf.Tensor2D => {
          return encodePooled(this.encoder, t, { training: true, rng, pooling: this.trainPooling });
        };
        return [z(), z()];
      });
    } finally {
      disposeInputs(t);
    }
  }

  loss(batch: TokenBatch, rng: Rng): tf.Scalar {
    return tf.tidy(() => {
      const [z1, z2] = this.views(batch, rng);
      return simcseLoss(z1, z2, { temperature: this.temperature });
    });
  }
}
