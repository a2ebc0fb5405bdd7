import * as tf from '@tensorflow/tfjs';
import type { Rng } from '@contrastive/core';

/**
 * A dense layer `y = x W + b` that owns named `tf.Variable`s (Glorot-uniform weights, zero bias) so a
 * method can list them for checkpoints. Graph layers are plain classes rather than tfjs-layers objects
 * because their inputs (int32 edge indices, segment ids) do not fit the single-tensor Layer API; every
 * weight is still a named variable, so checkpoints round-trip through core's `Checkpointable`.
 */
export class Linear {
  /** Weight `[inDim, outDim]` (checkpoint name `<prefix>/w`). */
  readonly weight: tf.Variable;
  /** Bias `[outDim]`, or `null` when built with `bias: false` (checkpoint name `<prefix>/b`). */
  readonly bias: tf.Variable | null;
  constructor(
    readonly inDim: number,
    readonly outDim: number,
    rng: Rng,
    opts: { bias?: boolean; name?: string } = {},
  ) {
    const limit = Math.sqrt(6 / (inDim + outDim));
    const name = opts.name ?? 'linear';
    const seed = rng.seed();
    this.weight = makeVariable(() => tf.randomUniform([inDim, outDim], -limit, limit, 'float32', seed), `${name}/w`);
    this.bias = opts.bias === false ? null : makeVariable(() => tf.zeros([outDim]), `${name}/b`);
  }
  apply(x: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => {
      const y = tf.matMul(x, this.weight);
      return (this.bias ? tf.add(y, this.bias) : y) as tf.Tensor2D;
    });
  }
  variables(prefix: string): Record<string, tf.Variable> {
    const out: Record<string, tf.Variable> = { [`${prefix}/w`]: this.weight };
    if (this.bias) out[`${prefix}/b`] = this.bias;
    return out;
  }
  dispose(): void {
    this.weight.dispose();
    this.bias?.dispose();
  }
}

let counter = 0;
/**
 * A trainable variable from an initializer, created inside `tf.tidy` so the initial tensor is freed
 * (`tf.variable(tf.zeros(...))` alone leaks it). tfjs variable names must be globally unique, so a
 * counter is appended; checkpoint names come from `variables(prefix)` instead.
 */
export function makeVariable(init: () => tf.Tensor, base: string, trainable = true): tf.Variable {
  counter += 1;
  const name = `graph/${base}_${counter}`;
  return tf.tidy(() => tf.variable(init(), trainable, name));
}
