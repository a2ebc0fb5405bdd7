import * as tf from '@tensorflow/tfjs';
import { createRng } from '@contrastive/core';
import type { Rng, StepInfo } from '@contrastive/core';
import { embeddingDropout, featureCutoff, gaussianNoise, shuffledPositionIds, tokenCutoff } from '../augment/embedding-level.js';
import type { BertEncoder } from '../encoders/bert.js';
import { encodePooled } from '../encoders/encode-pooled.js';
import type { Pooling } from '../encoders/pooling.js';
import { batchTensors, disposeInputs } from '../encoders/token-tensors.js';
import type { BatchTensors } from '../encoders/token-tensors.js';
import type { TokenBatch } from '../tokenize/text-tokenizer.js';
import { consertAdversarialDelta } from './consert-adversarial.js';
import { consertLoss } from './text-losses.js';
import { lengthsOf, TextMethod } from './text-method.js';
import type { TextMethodDefaults, TextMethodOptions } from './text-method.js';

/** One ConSERT view: which embedding-level augmentation makes it, with its strength. */
export type ConsertView =
  | { type: 'none' }
  | { type: 'token-shuffle' }
  | { type: 'token-cutoff'; rate?: number }
  | { type: 'feature-cutoff'; rate?: number }
  | { type: 'dropout'; rate?: number }
  | { type: 'noise'; std?: number }
  | { type: 'adversarial'; epsilon?: number; norm?: 'sign' | 'l2' };

export const CONSERT_VIEW_TYPES = ['none', 'token-shuffle', 'token-cutoff', 'feature-cutoff', 'dropout', 'noise', 'adversarial'] as const;

/**
 * ConSERT trains with sentence-transformers' `fit` as `main.py` calls it: `transformers.AdamW` with
 * `correct_bias=False`, ε 1e-6, weight decay 0.01 (not on biases/LayerNorm), `WarmupLinear` with
 * `ceil(0.1 · total)` warm-up steps, `max_grad_norm` 1, lr 5e-7 (`unsup-consert-base.sh`).
 */
export const CONSERT_OPTIMIZER: TextMethodDefaults = {
  learningRate: 5e-7,
  weightDecay: 0.01,
  warmupRatio: 0.1,
  epsilon: 1e-6,
  correctBias: false,
  maxGradNorm: 1,
};

/**
 * Options of {@link ConSERT} (defaults: `yym6472/ConSERT` `scripts/unsup-consert-base.sh`). The method owns
 * the encoder it is given (see {@link TextMethodOptions}).
 */
export interface ConSERTOptions extends TextMethodOptions {
  /** τ. Default 0.1. */
  temperature?: number;
  /** The two views. Default: feature cutoff 0.2 and token shuffle (the paper's best pair). */
  views?: [ConsertView, ConsertView];
  /** Pooling in training. Default `'mean'`. */
  pooling?: Pooling;
  /**
   * Pooling to use at test time (what `encode` should use). Default `'last2avg'` (ConSERT evaluates with
   * the average of the last two layers' token means; README note 3, `eval_nli_unsup(last2avg=True)`).
   */
  testPooling?: Pooling;
  /** Keep BERT's dropout on. Default `false` (ConSERT runs with `--no_dropout`). */
  dropout?: boolean;
  /** Default 5e-7 (the official fine-tuning rate of BERT-base; far too small from scratch). */
  learningRate?: number;
}

/**
 * ConSERT (Yan et al., ACL 2021), per batch:
 * 1. make two views on the embedding layer (token shuffle permutes position ids; cutoff/dropout/noise
 *    rewrite the embedding output of the real tokens; adversarial takes a gradient step on it);
 * 2. encode both with BERT (dropout 0) and mean-pool;
 * 3. loss = 2N-view NT-Xent with in-view negatives, τ = 0.1, both directions **summed**.
 */
export class ConSERT extends TextMethod<TokenBatch> {
  readonly name = 'consert';
  readonly temperature: number;
  readonly views: [ConsertView, ConsertView];
  readonly pooling: Pooling;
  readonly testPooling: Pooling;
  readonly dropout: boolean;

  constructor(encoder: BertEncoder, options: ConSERTOptions = {}) {
    super(encoder, options, CONSERT_OPTIMIZER);
    this.temperature = options.temperature ?? 0.1;
    this.views = options.views ?? [{ type: 'feature-cutoff', rate: 0.2 }, { type: 'token-shuffle' }];
    this.views.forEach((v, i) => {
      if (!CONSERT_VIEW_TYPES.includes(v.type))
        throw new RangeError(`views[${i}].type must be one of ${CONSERT_VIEW_TYPES.join(', ')}, got '${v.type}'`);
    });
    if (this.views[0].type === 'adversarial' && this.views[1].type === 'adversarial') {
      throw new RangeError('at most one ConSERT view can be adversarial (it attacks the other view)');
    }
    this.pooling = options.pooling ?? 'mean';
    this.testPooling = options.testPooling ?? 'last2avg';
    this.dropout = options.dropout ?? false;
  }

  /**
   * Pooled embedding `[N, H]` of one view. An adversarial view needs its precomputed perturbation `delta`
   * (see {@link consertAdversarialDelta}).
   */
  private view(spec: ConsertView, inputs: BatchTensors, lengths: number[], maxLength: number, rng: Rng, delta?: tf.Tensor3D): tf.Tensor2D {
    const positionIds =
      spec.type === 'token-shuffle'
        ? tf.tensor2d(shuffledPositionIds(lengths, maxLength, rng), [lengths.length, maxLength], 'int32')
        : undefined;
    const embeddings = this.encoder.embed({ ...inputs, positionIds });
    let viewed: tf.Tensor3D;
    switch (spec.type) {
      case 'token-cutoff':
        viewed = tokenCutoff(embeddings, lengths, rng, { rate: spec.rate ?? 0.1 });
        break;
      case 'feature-cutoff':
        viewed = featureCutoff(embeddings, lengths, rng, { rate: spec.rate ?? 0.2 });
        break;
      case 'dropout':
        viewed = embeddingDropout(embeddings, lengths, rng, { rate: spec.rate ?? 0.1 });
        break;
      case 'noise':
        viewed = gaussianNoise(embeddings, lengths, rng, { std: spec.std ?? 0.1 });
        break;
      case 'adversarial':
        if (!delta) throw new Error('ConSERT: the adversarial view needs its perturbation (computed from the other view first)');
        viewed = embeddings.add(delta);
        break;
      default:
        viewed = embeddings;
    }
    return encodePooled(this.encoder, inputs, { embeddings: viewed, training: this.dropout, rng, pooling: this.pooling });
  }

  /** Index of the adversarial view, or -1. */
  private adversarialIndex(): number {
    return this.views.findIndex((v) => v.type === 'adversarial');
  }

  /**
   * The two views' pooled embeddings, in the order of `views`. With an adversarial view, its perturbation is
   * `delta` when given (as `step` passes it), else computed here from the same stream.
   */
  embedViews(batch: TokenBatch, rng: Rng, delta?: tf.Tensor3D): [tf.Tensor2D, tf.Tensor2D] {
    if (this.adversarialIndex() >= 0 && !delta) {
      // The attack and the views must see the same other view: both replay one seed.
      const viewSeed = rng.seed();
      const computed = this.adversarialDelta(batch, createRng(viewSeed));
      try {
        return this.embedViews(batch, createRng(viewSeed), computed);
      } finally {
        computed.dispose();
      }
    }
    const inputs = batchTensors(batch);
    const lengths = lengthsOf(batch);
    try {
      return tf.tidy(() => {
        const [a, b] = this.views;
        // The other view's stream is forked first, so the attack (adversarialDelta) replays it.
        if (a.type === 'adversarial') {
          const zb = this.view(b, inputs, lengths, batch.length, rng.fork());
          return [this.view(a, inputs, lengths, batch.length, rng.fork(), delta), zb];
        }
        const za = this.view(a, inputs, lengths, batch.length, rng.fork());
        return [za, this.view(b, inputs, lengths, batch.length, rng.fork(), delta)];
      });
    } finally {
      disposeInputs(inputs);
    }
  }

  loss(batch: TokenBatch, rng: Rng, delta?: tf.Tensor3D): tf.Scalar {
    return tf.tidy(() => {
      const [z1, z2] = this.embedViews(batch, rng, delta);
      return consertLoss(z1, z2, { temperature: this.temperature });
    });
  }

  /**
   * With an adversarial view, the perturbation is computed first, outside the optimizer's tape (it is a
   * constant in FGSM/FGV, and tfjs would otherwise try to differentiate through the inner gradient).
   */
  override step(batch: TokenBatch, info: StepInfo): tf.Scalar {
    const rng = this.begin(info);
    if (this.adversarialIndex() < 0) return this.minimize(() => this.loss(batch, rng));
    // The loss and the attack must see the same other view: both replay one seed.
    const viewSeed = rng.seed();
    const delta = this.adversarialDelta(batch, createRng(viewSeed));
    try {
      return this.minimize(() => this.loss(batch, createRng(viewSeed), delta));
    } finally {
      delta.dispose();
    }
  }

  /** The adversarial view's perturbation δ `[B, L, H]` for this batch (a constant tensor). */
  private adversarialDelta(batch: TokenBatch, rng: Rng): tf.Tensor3D {
    const inputs = batchTensors(batch);
    const lengths = lengthsOf(batch);
    try {
      return tf.tidy(() => {
        const advIndex = this.adversarialIndex();
        const attack = this.views[advIndex] as Extract<ConsertView, { type: 'adversarial' }>;
        // Same fork order as embedViews: the other view's stream comes first.
        const other = this.view(this.views[1 - advIndex]!, inputs, lengths, batch.length, rng.fork());
        return consertAdversarialDelta(this.encoder, inputs, lengths, other, {
          pooling: this.pooling,
          temperature: this.temperature,
          epsilon: attack.epsilon ?? 1.0,
          norm: attack.norm ?? 'sign',
        });
      });
    } finally {
      disposeInputs(inputs);
    }
  }
}
