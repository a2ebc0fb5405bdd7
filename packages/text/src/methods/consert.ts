import * as tf from '@tensorflow/tfjs';
import { createRng, stopGradient } from '@contrastive/core';
import type { Rng } from '@contrastive/core';
import {
  adversarialPerturbation,
  embeddingDropout,
  featureCutoff,
  gaussianNoise,
  shuffledPositionIds,
  tokenCutoff,
} from '../augment/embedding-level.js';
import type { BertEncoder } from '../encoders/bert.js';
import { pool } from '../encoders/pooling.js';
import type { Pooling } from '../encoders/pooling.js';
import { batchTensors, disposeInputs } from '../encoders/sentence-encoder.js';
import type { BatchTensors } from '../encoders/sentence-encoder.js';
import type { TokenBatch } from '../tokenize/load-tokenizer.js';
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
 * Parses `"feature-cutoff:0.2"`, `"token-shuffle"`, `"noise:0.1"`, `"adversarial:1.0"` (the number is the
 * rate, std or ε). Throws listing the valid names.
 */
export function parseConsertView(spec: string): ConsertView {
  const [name, arg] = spec.trim().split(':');
  const type = name as ConsertView['type'];
  if (!CONSERT_VIEW_TYPES.includes(type)) {
    throw new RangeError(`ConSERT view must be one of ${CONSERT_VIEW_TYPES.join(', ')} (optionally ':<number>'), got '${spec}'`);
  }
  const x = arg === undefined ? undefined : Number(arg);
  if (x !== undefined && !Number.isFinite(x)) throw new RangeError(`ConSERT view '${spec}': '${arg}' is not a number`);
  switch (type) {
    case 'token-cutoff':
    case 'feature-cutoff':
    case 'dropout':
      return x === undefined ? { type } : { type, rate: x };
    case 'noise':
      return x === undefined ? { type } : { type, std: x };
    case 'adversarial':
      return x === undefined ? { type } : { type, epsilon: x };
    default:
      return { type };
  }
}

/**
 * ConSERT trains with sentence-transformers' `fit` as `main.py` calls it: `transformers.AdamW` with
 * `correct_bias=False`, ε 1e-6, weight decay 0.01 (not on biases/LayerNorm), `WarmupLinear` with
 * `ceil(0.1 · total)` warm-up steps, `max_grad_norm` 1, lr 5e-7 (`unsup-consert-base.sh`).
 */
export const CONSERT_OPTIMIZER: TextMethodDefaults = { learningRate: 5e-7, weightDecay: 0.01, warmupRatio: 0.1, epsilon: 1e-6, correctBias: false, maxGradNorm: 1 };

/** Options of {@link ConSERT} (defaults: `yym6472/ConSERT` `scripts/unsup-consert-base.sh`). */
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
      if (!CONSERT_VIEW_TYPES.includes(v.type)) throw new RangeError(`views[${i}].type must be one of ${CONSERT_VIEW_TYPES.join(', ')}, got '${v.type}'`);
    });
    if (this.views[0].type === 'adversarial' && this.views[1].type === 'adversarial') {
      throw new RangeError('at most one ConSERT view can be adversarial (it attacks the other view)');
    }
    this.pooling = options.pooling ?? 'mean';
    this.testPooling = options.testPooling ?? 'last2avg';
    this.dropout = options.dropout ?? false;
  }

  /**
   * Pooled embedding `[N, H]` of one view. `other` is the already computed other view (the adversarial view
   * attacks the loss against it); `delta`, when given, is a precomputed adversarial perturbation.
   */
  private view(v: ConsertView, t: BatchTensors, lengths: number[], L: number, rng: Rng, other?: tf.Tensor2D, delta?: tf.Tensor3D): tf.Tensor2D {
    const positionIds = v.type === 'token-shuffle' ? tf.tensor2d(shuffledPositionIds(lengths, L, rng), [lengths.length, L], 'int32') : undefined;
    const emb = this.encoder.embed({ ...t, positionIds });
    const encode = (e: tf.Tensor3D): tf.Tensor2D => {
      return pool(this.encoder, this.encoder.forward(t, { embeddings: e, training: this.dropout, rng }), t.attentionMask, this.pooling);
    };
    let e: tf.Tensor3D;
    switch (v.type) {
      case 'token-cutoff':
        e = tokenCutoff(emb, lengths, rng, { rate: v.rate ?? 0.1 });
        break;
      case 'feature-cutoff':
        e = featureCutoff(emb, lengths, rng, { rate: v.rate ?? 0.2 });
        break;
      case 'dropout':
        e = embeddingDropout(emb, lengths, rng, { rate: v.rate ?? 0.1 });
        break;
      case 'noise':
        e = gaussianNoise(emb, lengths, rng, { std: v.std ?? 0.1 });
        break;
      case 'adversarial': {
        if (delta) {
          e = emb.add(delta);
          break;
        }
        if (!other) throw new Error('adversarial view needs the other view first');
        const target = stopGradient(other);
        e = adversarialPerturbation(emb, lengths, (x) => consertLoss(encode(x), target, { temperature: this.temperature }), {
          epsilon: v.epsilon ?? 1.0,
          norm: v.norm ?? 'sign',
        });
        break;
      }
      default:
        e = emb;
    }
    return encode(e);
  }

  /** The two views' pooled embeddings, in the order of `views`. */
  embedViews(batch: TokenBatch, rng: Rng, delta?: tf.Tensor3D): [tf.Tensor2D, tf.Tensor2D] {
    const t = batchTensors(batch);
    const lengths = lengthsOf(batch);
    try {
      return tf.tidy(() => {
        const [a, b] = this.views;
        if (a.type === 'adversarial') {
          const zb = this.view(b, t, lengths, batch.length, rng.fork());
          return [this.view(a, t, lengths, batch.length, rng.fork(), zb, delta), zb];
        }
        const za = this.view(a, t, lengths, batch.length, rng.fork());
        return [za, this.view(b, t, lengths, batch.length, rng.fork(), za, delta)];
      });
    } finally {
      disposeInputs(t);
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
  override step(batch: TokenBatch, info?: { rng?: Rng }): tf.Scalar {
    const rng = this.nextRng(info);
    if (!this.views.some((v) => v.type === 'adversarial')) return this.minimize(() => this.loss(batch, rng));
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
    const t = batchTensors(batch);
    const lengths = lengthsOf(batch);
    try {
      return tf.tidy(() => {
        const advFirst = this.views[0].type === 'adversarial';
        const otherSpec = advFirst ? this.views[1] : this.views[0];
        const advSpec = (advFirst ? this.views[0] : this.views[1]) as Extract<ConsertView, { type: 'adversarial' }>;
        // Same fork order as embedViews: the other view's stream comes first.
        const other = this.view(otherSpec, t, lengths, batch.length, rng.fork());
        const emb = this.encoder.embed(t);
        const target = stopGradient(other);
        const adv = adversarialPerturbation(
          emb,
          lengths,
          (x) => {
            const out = this.encoder.forward(t, { embeddings: x, training: false });
            return consertLoss(pool(this.encoder, out, t.attentionMask, this.pooling), target, { temperature: this.temperature });
          },
          { epsilon: advSpec.epsilon ?? 1.0, norm: advSpec.norm ?? 'sign' },
        );
        return adv.sub(emb) as tf.Tensor3D;
      });
    } finally {
      disposeInputs(t);
    }
  }
}
