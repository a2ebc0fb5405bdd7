/**
 * CLIP's projection into the joint space: a linear map without bias (`x @ W`, "linear projections … no MLP head",
 * Radford et al. 2021 §2.4), as a plain variable so any tower (a layers model, a graph model's cached vectors) can
 * feed it. Initialised like CLIP's `proj` parameters, N(0, d_in^−½), from a seed.
 */
import * as tf from '@tensorflow/tfjs';
import { tfSeed } from '@contrastive/core';

/** A `[inDim, outDim]` projection variable, N(0, inDim^−½), seeded. */
export function projectionVariable(inDim: number, outDim: number, seed?: number): tf.Variable {
  for (const [k, v] of [
    ['inDim', inDim],
    ['outDim', outDim],
  ] as const)
    if (!Number.isInteger(v) || v < 1) throw new RangeError(`projectionVariable: ${k} must be a positive integer, got ${v}`);
  // Unnamed: tfjs names variables globally, and two models may be alive at once; checkpoints name them by role.
  return tf.tidy(() => tf.variable(tf.randomNormal([inDim, outDim], 0, inDim ** -0.5, 'float32', tfSeed(seed)), true));
}
