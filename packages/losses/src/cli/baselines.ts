/**
 * PaCo's baselines, trained by the same CLI code as PaCo (same backbone, augmentation, optimizer, epochs):
 * - `ce`: cross-entropy on a linear classifier over the backbone;
 * - `logit-adjust`: balanced softmax / logit-adjusted loss (Ren et al. 2020; Menon et al. 2021, τ = 1) — the
 *   cross-entropy of logits + log π (π the training class prior); prediction uses the plain logits;
 * - `supcon`: SupCon (Khosla et al. 2020) on two views through a projector, plus a linear classifier trained on
 *   the stop-gradient backbone feature at the same time (the "linear classifier" of SupCon + linear, trained
 *   online so it checkpoints with the model; the classifier's gradient never reaches the backbone).
 */
import * as tf from '@tensorflow/tfjs';
import { mlpHead } from '../heads/mlp-head.js';
import type { Method, Rng, StepInfo, StepOutput } from '@contrastive/core';
import { createRng, l2Normalize, modelState, parallelRows, stopGradient, supConLoss, trainableVariables } from '@contrastive/core';
import { logClassPrior } from '../paco/index.js';

/** The baseline losses. */
export type BaselineName = 'ce' | 'logit-adjust' | 'supcon';

/** A batch: images and their class labels. */
export interface LabelledBatch {
  x: tf.Tensor4D;
  labels: Int32Array;
}

/** Options of {@link SupervisedBaseline}. */
export interface SupervisedBaselineOptions {
  loss: BaselineName;
  /** The backbone f: x → h `[N, F]`; owned by the baseline. */
  encoder: tf.LayersModel;
  numClasses: number;
  /** Training counts per class (`logit-adjust`'s prior). */
  classCounts?: ArrayLike<number>;
  /** Augmentation of a batch (two draws for `supcon`). Default: none. */
  views?: (x: tf.Tensor4D, rng: Rng) => tf.Tensor4D;
  /** SupCon's τ. Default 0.1. */
  temperature?: number;
  /** SupCon's projection width. Default 128. */
  projectionDim?: number;
  optimizer: tf.Optimizer;
  seed?: number;
}

/** Cross-entropy, logit adjustment or SupCon + linear classifier on one backbone (see the file comment). */
export class SupervisedBaseline implements Method<LabelledBatch> {
  readonly name: string;
  readonly encoder: tf.LayersModel;
  readonly optimizer: tf.Optimizer;
  private readonly kernel: tf.Variable;
  private readonly bias: tf.Variable;
  private readonly projector: tf.LayersModel | null;
  private readonly logPrior: tf.Tensor1D | null;
  private readonly views: (x: tf.Tensor4D, rng: Rng) => tf.Tensor4D;
  private readonly temperature: number;

  constructor(private readonly o: SupervisedBaselineOptions) {
    this.name = o.loss;
    this.encoder = o.encoder;
    this.optimizer = o.optimizer;
    this.views = o.views ?? ((x) => x.clone());
    this.temperature = o.temperature ?? 0.1;
    const rng = createRng(o.seed ?? 0);
    const featureDim = o.encoder.outputs[0]!.shape[1] as number;
    const bound = 1 / Math.sqrt(featureDim);
    const w = Float32Array.from({ length: featureDim * o.numClasses }, () => rng.range(-bound, bound));
    const b = Float32Array.from({ length: o.numClasses }, () => rng.range(-bound, bound));
    this.kernel = tf.tidy(() => tf.variable(tf.tensor2d(w, [featureDim, o.numClasses]), true, 'classifier/kernel'));
    this.bias = tf.tidy(() => tf.variable(tf.tensor1d(b), true, 'classifier/bias'));
    if (o.loss === 'logit-adjust') {
      if (o.classCounts === undefined) throw new TypeError('logit-adjust needs classCounts (the training prior)');
      this.logPrior = logClassPrior(o.classCounts);
    } else this.logPrior = null;
    if (o.loss === 'supcon') {
      const seed = rng.seed();
      this.projector = mlpHead('projector', featureDim, o.projectionDim ?? 128, [seed, seed + 1]);
    } else this.projector = null;
  }

  /** The backbone's training-mode features of `x`, its rows split over data-parallel workers (`parallelRows`). */
  private features(x: tf.Tensor4D): tf.Tensor2D {
    const n = x.shape[0];
    return parallelRows(
      n,
      (start, count) => this.encoder.apply(count === n ? x : tf.slice(x, start, count), { training: true }) as tf.Tensor2D,
    );
  }

  private logits(h: tf.Tensor2D): tf.Tensor2D {
    return tf.add(tf.matMul(h, this.kernel), this.bias) as tf.Tensor2D;
  }

  step(batch: LabelledBatch, info: StepInfo): StepOutput {
    const labels = Array.from(batch.labels);
    const vars = [
      ...trainableVariables(this.encoder),
      this.kernel,
      this.bias,
      ...(this.projector ? trainableVariables(this.projector) : []),
    ];
    return tf.tidy(() => {
      const onehot = tf.oneHot(tf.tensor1d(labels, 'int32'), this.o.numClasses);
      const { value, grads } = tf.variableGrads(() => {
        if (this.projector === null) {
          const h = this.features(this.views(batch.x, info.rng));
          let logits = this.logits(h);
          if (this.logPrior) logits = tf.add(logits, this.logPrior);
          return tf.losses.softmaxCrossEntropy(onehot, logits) as tf.Scalar;
        }
        const n = labels.length;
        const both = tf.concat([this.views(batch.x, info.rng), this.views(batch.x, info.rng)], 0);
        const h = this.features(both);
        const z = l2Normalize(this.projector.apply(h) as tf.Tensor2D);
        const features = tf.stack([z.slice([0, 0], [n, -1]), z.slice([n, 0], [n, -1])], 1) as tf.Tensor3D;
        const con = supConLoss(features, labels, { temperature: this.temperature }) as tf.Scalar;
        const probe = tf.losses.softmaxCrossEntropy(onehot, this.logits(stopGradient(h.slice([0, 0], [n, -1])) as tf.Tensor2D));
        return tf.add(con, probe) as tf.Scalar;
      }, vars);
      this.optimizer.applyGradients(grads);
      return value;
    });
  }

  /** Class logits `[N, C]` (inference mode, no prior). The caller disposes them. */
  predict(x: tf.Tensor4D): tf.Tensor2D {
    return tf.tidy(() => this.logits(this.encoder.apply(x, { training: false }) as tf.Tensor2D));
  }

  stateTensors(): Record<string, tf.Variable> {
    return {
      ...modelState('encoder', this.encoder),
      ...(this.projector ? modelState('projector', this.projector) : {}),
      'classifier/kernel': this.kernel,
      'classifier/bias': this.bias,
    };
  }

  optimizers(): Record<string, tf.Optimizer> {
    return { optimizer: this.optimizer };
  }

  dispose(): void {
    this.encoder.dispose();
    this.projector?.dispose();
    this.kernel.dispose();
    this.bias.dispose();
    this.logPrior?.dispose();
    this.optimizer.dispose();
  }
}
