import * as tf from '@tensorflow/tfjs';
import type { Rng } from '@contrastive/core';
import { ANCE_LOSSES, ANCE_SIMILARITIES, anceNllLoss } from '../ance/ance-loss.js';
import type { AnceLossForm, AnceLossOptions, AnceSimilarity } from '../ance/ance-loss.js';
import type { BertEncoder } from '../encoders/bert.js';
import { encodePooled } from '../encoders/encode-pooled.js';
import { POOLINGS } from '../encoders/pooling.js';
import type { Pooling } from '../encoders/pooling.js';
import { batchTensors, disposeInputs } from '../encoders/token-tensors.js';
import type { TokenBatch } from '../tokenize/text-tokenizer.js';
import { TextMethod } from './text-method.js';
import type { TextMethodDefaults, TextMethodOptions } from './text-method.js';

/**
 * ANCE's optimizer settings (`drivers/run_ann.py` with `commands/run_train.sh`, passage ANCE(FirstP)): peak rate
 * 1e-6 (fine-tuning a BM25-warmed-up RoBERTa), weight decay 0, ε 1e-8, gradient norm clipped at 1, 5,000 warm-up
 * steps of a ~600k-step run (ratio ≈ 0.008, rounded to 0.01). The official optimizer is LAMB, which core does not
 * have: this is HF's AdamW (bias-corrected) with the same settings.
 */
export const ANCE_OPTIMIZER: TextMethodDefaults = {
  learningRate: 1e-6,
  weightDecay: 0,
  warmupRatio: 0.01,
  epsilon: 1e-8,
  correctBias: true,
  maxGradNorm: 1,
};

/**
 * One ANCE batch, tokenised: B queries, each query's positive passage, and its n negatives (B·n rows, rows
 * `i·n … i·n+n−1` are query i's). Build it with `anceBatches` from the refresher's current table.
 */
export interface AnceBatch {
  query: TokenBatch;
  positive: TokenBatch;
  negatives: TokenBatch;
}

/** Options of {@link ANCE}. The method owns the encoder it is given (see {@link TextMethodOptions}). */
export interface ANCEOptions extends TextMethodOptions, AnceLossOptions {
  /**
   * Pooling of queries and passages, in training and at test (the index must be built with the same). Default
   * `'mean'`, chosen by measurement for a BERT trained from scratch (see the package README): ANCE's own head is
   * the first token → Linear → LayerNorm of a pretrained RoBERTa, which this package cannot save as a pooling yet;
   * `'cls'` (the first token) is the nearest, `'cls-mlp'` adds BERT's pooler (Linear + tanh).
   */
  pooling?: Pooling;
  /** Default 1e-6 (the paper's passage run); from scratch use ~5e-4. */
  learningRate?: number;
}

/**
 * ANCE (Xiong et al., ICLR 2021): dense retrieval trained against negatives retrieved from an ANN index over the
 * corpus encoded by a recent checkpoint. One encoder (shared by queries and passages, as ANCE's `RobertaDot`)
 * embeds the query, its positive and its n negatives **in training mode**, and the loss is {@link anceNllLoss}
 * (the paper's NLL over 1 + n candidates, raw dot product, τ = 1 by default).
 *
 * The negatives are not this class's business: the `AnnNegativeRefresher` re-mines them every K steps and
 * `anceBatches` puts them in the batch, so a step is one optimizer update on whatever negatives the batch holds.
 *
 * @example
 * const method = new ANCE(bert, { learningRate: 5e-4, similarity: 'cos', temperature: 0.05 });
 * const loss = method.step({ query, positive, negatives }, stepInfo(0, { seed: 1 }));
 */
export class ANCE extends TextMethod<AnceBatch> {
  readonly name = 'ance';
  readonly pooling: Pooling;
  readonly similarity: AnceSimilarity;
  readonly temperature: number;
  readonly lossForm: AnceLossForm;
  readonly inBatchNegatives: boolean;

  constructor(encoder: BertEncoder, options: ANCEOptions = {}) {
    super(encoder, options, ANCE_OPTIMIZER);
    this.pooling = options.pooling ?? 'mean';
    this.similarity = options.similarity ?? 'dot';
    this.temperature = options.temperature ?? 1;
    this.lossForm = options.loss ?? 'nll';
    this.inBatchNegatives = options.inBatchNegatives ?? false;
    const fail = (message: string): never => {
      this.optimizer.dispose();
      throw new RangeError(message);
    };
    if (!POOLINGS.includes(this.pooling)) fail(`pooling must be one of ${POOLINGS.join(', ')}, got '${String(this.pooling)}'`);
    if (!ANCE_SIMILARITIES.includes(this.similarity)) fail(`similarity must be one of 'dot', 'cos', got '${String(this.similarity)}'`);
    if (!ANCE_LOSSES.includes(this.lossForm)) fail(`loss must be one of 'nll', 'triplet', got '${String(this.lossForm)}'`);
    if (!(this.temperature > 0 && Number.isFinite(this.temperature)))
      fail(`temperature must be a finite number > 0, got ${this.temperature}`);
    if (this.inBatchNegatives && this.lossForm !== 'nll') fail("inBatchNegatives needs loss 'nll'");
  }

  /** Queries and passages are embedded at test time with the training pooling. */
  get testPooling(): Pooling {
    return this.pooling;
  }

  /** The loss options of this method (what `anceNllLoss` is called with). */
  get lossOptions(): Required<AnceLossOptions> {
    return { similarity: this.similarity, temperature: this.temperature, loss: this.lossForm, inBatchNegatives: this.inBatchNegatives };
  }

  /** Pooled embeddings of a token batch (training mode: dropout seeded by `rng`). */
  embed(batch: TokenBatch, rng: Rng): tf.Tensor2D {
    const t = batchTensors(batch);
    try {
      return tf.tidy(() => encodePooled(this.encoder, t, { training: true, rng, pooling: this.pooling }));
    } finally {
      disposeInputs(t);
    }
  }

  loss(batch: AnceBatch, rng: Rng): tf.Scalar {
    const { query, positive, negatives } = batch ?? ({} as AnceBatch);
    if (query === undefined || positive === undefined || negatives === undefined)
      throw new TypeError('ANCE batch must be { query, positive, negatives } token batches');
    if (positive.batch !== query.batch) throw new RangeError(`ANCE batch: ${query.batch} queries but ${positive.batch} positives`);
    if (negatives.batch < query.batch || negatives.batch % query.batch !== 0)
      throw new RangeError(`ANCE batch: ${negatives.batch} negatives are not n >= 1 per query for ${query.batch} queries`);
    return tf.tidy(() => anceNllLoss(this.embed(query, rng), this.embed(positive, rng), this.embed(negatives, rng), this.lossOptions));
  }
}
