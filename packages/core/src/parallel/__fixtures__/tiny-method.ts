// A small contrastive method for the data-parallel tests: two noisy views of each row, a dense encoder
// (optionally with batch norm) whose forward over the batch is split with parallelRows, NT-Xent, Adam.
import * as tf from '@tensorflow/tfjs';
import { infoNCE } from '../../losses/info-nce.js';
import { ntXent } from '../../losses/nt-xent.js';
import type { Method, StepInfo } from '../../method/method.js';
import { modelState } from '../../method/encoder.js';
import { dataParallelContext } from '../context.js';
import { parallelRows } from '../shard.js';

export interface TinyArgs {
  batchNorm?: boolean;
  seed?: number;
  /** Throw in step `failAt` (0-based global step) on this rank. */
  failAt?: { rank: number; globalStep: number };
  /** Train a variable the loss does not use as well (it gets no gradient, as BERT's pooler under mean pooling). */
  unusedVariable?: boolean;
  /** The loss: NT-Xent (default), or InfoNCE with in-batch and per-query negatives and a logit offset. */
  loss?: 'ntxent' | 'infonce';
  /** Set every weight to NaN on every rank after this global step (a diverged run whose loss stays finite). */
  nanAfter?: number;
  /** Update a variable outside the optimizer on this rank (a replica that drifts). */
  driftOnRank?: number;
}

export class TinyMethod implements Method<tf.Tensor2D> {
  readonly name = 'tiny';
  readonly encoder: tf.Sequential;
  readonly opt = tf.train.adam(0.05);
  /** A non-trainable factor of the loss that a test's epoch-end callback changes (on the main thread only). */
  readonly lossScale = tf.variable(tf.scalar(1), false, undefined, 'float32');
  readonly unused = tf.variable(tf.ones([3]), true, 'tiny_unused');
  /** Rows this replica pushed through the encoder (a shard's, in a data-parallel step). */
  rowsComputed = 0;
  constructor(readonly args: TinyArgs) {
    const seed = args.seed ?? 1;
    this.encoder = tf.sequential({
      layers: [
        // No bias before batch norm (it would have a zero gradient, which Adam turns into noise-sized steps).
        tf.layers.dense({ inputShape: [6], units: 12, useBias: !args.batchNorm, kernelInitializer: tf.initializers.glorotNormal({ seed }) }),
        ...(args.batchNorm ? [tf.layers.batchNormalization({ momentum: 0.9 })] : []),
        tf.layers.activation({ activation: 'relu' }),
        tf.layers.dense({ units: 5, kernelInitializer: tf.initializers.glorotNormal({ seed: seed + 1 }) }),
      ],
    });
  }
  step(x: tf.Tensor2D, info: StepInfo): tf.Scalar {
    const ctx = dataParallelContext();
    if (this.args.failAt && ctx?.rank === this.args.failAt.rank && info.globalStep === this.args.failAt.globalStep) {
      throw new Error('tiny: planned failure');
    }
    if (this.args.driftOnRank !== undefined && ctx?.rank === this.args.driftOnRank) {
      const w = this.encoder.weights[0]!.read() as tf.Variable;
      w.assign(tf.add(w, 0.01));
    }
    if (this.args.nanAfter !== undefined && info.globalStep > this.args.nanAfter) {
      for (const w of this.encoder.weights) (w.read() as tf.Variable).assign(tf.fill(w.shape as number[], Number.NaN));
      return tf.scalar(1);
    }
    const noise = () => tf.randomNormal(x.shape, 0, 0.3, 'float32', info.rng.seed());
    const v1 = tf.add(x, noise()) as tf.Tensor2D;
    const v2 = tf.add(x, noise()) as tf.Tensor2D;
    const vars = [...this.encoder.trainableWeights.map((w) => w.read() as tf.Variable), ...(this.args.unusedVariable ? [this.unused] : [])];
    return this.opt.minimize(
      () => {
        const enc = (v: tf.Tensor2D) =>
          parallelRows(v.shape[0], (s, n) => {
            this.rowsComputed += n;
            return this.encoder.apply(tf.slice(v, s, n), { training: true }) as tf.Tensor2D;
          });
        if (this.args.loss !== 'infonce') return tf.mul(ntXent(enc(v1), enc(v2), { temperature: 0.5 }), this.lossScale) as tf.Scalar;
        const q = enc(v1);
        const negatives = tf.randomNormal([q.shape[0], 3, 5], 0, 1, 'float32', 5) as tf.Tensor3D;
        const offset = tf.randomUniform([q.shape[0], 3], -0.5, 0.5, 'float32', 6) as tf.Tensor2D;
        return infoNCE(q, enc(v2), { negatives, inBatchNegatives: true, negativeLogitOffset: offset, temperature: 0.3 });
      },
      true,
      vars,
    )!;
  }
  stateTensors(): Record<string, tf.Variable> {
    return { ...modelState('encoder', this.encoder), lossScale: this.lossScale };
  }
  optimizers(): Record<string, tf.Optimizer> {
    return { adam: this.opt };
  }
  dispose(): void {
    this.encoder.dispose();
    this.opt.dispose();
    this.lossScale.dispose();
    this.unused.dispose();
  }
}

export function createReplica(args: TinyArgs): TinyMethod {
  return new TinyMethod(args);
}
