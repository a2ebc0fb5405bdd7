/**
 * A tower whose inputs are already its outputs: feature vectors computed once by a frozen model (USE-lite sentence
 * vectors, a pretrained image model's pooled features). With a trainable projection on top (what {@link Clip}
 * adds), this is a locked tower in the LiT sense, and each step costs a matmul instead of a forward pass.
 */
import type * as tf from '@tensorflow/tfjs';
import type { Encoder } from '@contrastive/core';

/** An `Encoder<tf.Tensor2D>` returning its `[N, dim]` input unchanged: no weights, nothing to save. */
export function precomputedTower(name: string, dim: number): Encoder<tf.Tensor2D> {
  if (!Number.isInteger(dim) || dim < 1) throw new RangeError(`precomputedTower: dim must be a positive integer, got ${dim}`);
  return {
    name,
    apply: (x) => {
      if (x.rank !== 2 || x.shape[1] !== dim)
        throw new RangeError(`${name}: expected precomputed features [N, ${dim}], got [${x.shape.join(', ')}]`);
      return x;
    },
    trainableWeights: [],
    stateTensors: () => ({}),
    save: async () => {
      throw new Error(`${name}: a precomputed tower has no weights to save; save the model that computed its features`);
    },
    dispose: () => undefined,
  };
}
