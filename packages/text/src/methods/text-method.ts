import * as tf from '@tensorflow/tfjs';
import { createRng } from '@contrastive/core';
import type { Checkpointable, Rng } from '@contrastive/core';
import type { BertEncoder } from '../encoders/bert.js';
import type { TokenBatch } from '../tokenize/load-tokenizer.js';

/** Options every text method shares. */
export interface TextMethodOptions {
  /** Adam learning rate. Defaults are each paper's (fine-tuning a pretrained BERT); from scratch use ~1e-4–1e-3. */
  learningRate?: number;
  /** Seeds dropout masks and views: step k uses `createRng(seed + k)`, so a run repeats exactly. Default 0. */
  seed?: number;
  /** Bring your own optimizer (it is then saved with the checkpoint). Default `tf.train.adam(learningRate)`. */
  optimizer?: tf.Optimizer;
}

/** Per-sequence real lengths from a tokenised batch's attention mask (right padding). */
export function lengthsOf(batch: TokenBatch): number[] {
  const out: number[] = [];
  for (let b = 0; b < batch.batch; b++) {
    let n = 0;
    for (let t = 0; t < batch.length; t++) n += batch.attentionMask[b * batch.length + t]!;
    out.push(n);
  }
  return out;
}

/**
 * Shared mechanics of the text methods: the encoder's weights as checkpoint state, one optimizer, a seeded
 * stream per step, and `step` = one optimizer update on `loss(batch, rng)`. Subclasses write only `loss`.
 */
export abstract class TextMethod<B> implements Checkpointable {
  protected readonly optimizer: tf.Optimizer;
  protected readonly seed: number;
  /** Steps taken so far (also the offset of the next step's seed). */
  stepCount = 0;

  constructor(
    readonly encoder: BertEncoder,
    options: TextMethodOptions & { learningRate: number },
  ) {
    this.optimizer = options.optimizer ?? tf.train.adam(options.learningRate);
    this.seed = options.seed ?? 0;
  }

  /** The loss of one batch (differentiable w.r.t. the encoder weights). */
  abstract loss(batch: B, rng: Rng): tf.Scalar;

  /** Variables the optimizer updates. */
  protected trainable(): tf.Variable[] {
    return this.encoder.trainableVariables();
  }

  /** The seeded stream of the next step (advances the step counter). */
  protected nextRng(info?: { rng?: Rng }): Rng {
    if (info?.rng) return info.rng;
    const rng = createRng(this.seed + this.stepCount);
    this.stepCount++;
    return rng;
  }

  /**
   * One optimizer step; returns the loss (the caller disposes it). No `dataSync` here. Core's `train`
   * passes `info.rng` (seeded by seed, epoch, step), which makes a resumed run repeat exactly; without it
   * the method's own step counter seeds the stream.
   */
  step(batch: B, info?: { rng?: Rng }): tf.Scalar {
    const rng = this.nextRng(info);
    return this.minimize(() => this.loss(batch, rng));
  }

  protected minimize(f: () => tf.Scalar): tf.Scalar {
    const loss = this.optimizer.minimize(f, true, this.trainable());
    if (!loss) throw new Error('optimizer.minimize returned no loss');
    return loss;
  }

  stateTensors(): Record<string, tf.Variable> {
    return this.encoder.stateTensors();
  }

  optimizers(): Record<string, tf.Optimizer> {
    return { optimizer: this.optimizer };
  }

  /** Frees the optimizer's slots (the encoder is owned by the caller). */
  dispose(): void {
    this.optimizer.dispose();
  }
}
