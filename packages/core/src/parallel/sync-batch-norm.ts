import * as tf from '@tensorflow/tfjs';
import { dataParallelContext } from './context.js';
import { allReduceSum } from './shard.js';

type LayerCall = (this: BatchNormLayer, inputs: tf.Tensor | tf.Tensor[], kwargs: { training?: boolean }) => tf.Tensor;

interface BatchNormLayer {
  axis: number | number[];
  momentum: number;
  epsilon: number;
  center: boolean;
  scale: boolean;
  gamma: { read(): tf.Tensor } | null;
  beta: { read(): tf.Tensor } | null;
  movingMean: { read(): tf.Tensor; write(v: tf.Tensor): void };
  movingVariance: { read(): tf.Tensor; write(v: tf.Tensor): void };
}

const INSTALLED = Symbol.for('@contrastive/core.syncBatchNorm');

/**
 * Makes tfjs-layers' `BatchNormalization` (every `tf.layers.batchNormalization`) compute its training-mode
 * statistics over the whole data-parallel batch when the current data-parallel step asks for it
 * (`syncBatchNorm`): the mean, then the variance, are summed over ranks with {@link allReduceSum}
 * (differentiable), so a replica's forward and backward equal a single process's over the full batch
 * (PyTorch's SyncBatchNorm). Outside such a step the layer runs its own code. Installed once, idempotent.
 */
export function installSyncBatchNorm(): void {
  const proto = Object.getPrototypeOf(tf.layers.batchNormalization({})) as { call: LayerCall; [INSTALLED]?: true };
  if (proto[INSTALLED]) return; // also by another copy of this module
  proto[INSTALLED] = true;
  const original = proto.call;
  proto.call = function (this: BatchNormLayer, inputs, kwargs) {
    const ctx = dataParallelContext();
    if (ctx === undefined || !ctx.syncBatchNorm || ctx.size === 1 || kwargs?.training !== true) return original.call(this, inputs, kwargs);
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0]! : inputs;
      const rank = x.rank;
      const axes = (Array.isArray(this.axis) ? this.axis : [this.axis]).map((a) => (a < 0 ? a + rank : a));
      const reduce = Array.from({ length: rank }, (_, i) => i).filter((i) => !axes.includes(i));
      const keep = x.shape.map((d, i) => (reduce.includes(i) ? 1 : d));
      const localCount = reduce.reduce((a, i) => a * x.shape[i]!, 1);
      const count = ctx.collective.allReduceSum(Float32Array.of(localCount))[0]!;
      const mean = tf.div(allReduceSum(tf.sum(x, reduce)), count);
      const centered = tf.sub(x, tf.reshape(mean, keep));
      const variance = tf.div(allReduceSum(tf.sum(tf.square(centered), reduce)), count);
      // tf.batchNorm broadcasts 1-D statistics over the last axis (the usual channels-last case); other
      // layouts get them reshaped to broadcast.
      const lastAxis = axes.length === 1 && axes[0] === rank - 1;
      const shaped = (t: tf.Tensor) => (lastAxis ? t : tf.reshape(t, keep));
      const gamma = this.scale && this.gamma !== null ? shaped(this.gamma.read()) : undefined;
      const beta = this.center && this.beta !== null ? shaped(this.beta.read()) : undefined;
      const normed = tf.batchNorm(x, shaped(mean), shaped(variance), beta, gamma, this.epsilon);
      // The moving averages as tfjs-layers updates them (biased variance, decay 1 − momentum).
      for (const [v, value] of [
        [this.movingMean, mean],
        [this.movingVariance, variance],
      ] as const) {
        tf.tidy(() => {
          const old = v.read();
          v.write(tf.sub(old, tf.mul(tf.sub(old, value), 1 - this.momentum)));
        });
      }
      return normed;
    });
  };
}
