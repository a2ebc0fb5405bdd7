/**
 * Gradient of `Tile` (tf.tile, and tf.broadcastTo, which runs the Tile kernel), registered in place
 * of tfjs-core 4.22's. tfjs's version loops over every repeat and adds one `Slice` of `dy` per repeat
 * (for ranks 1–4): tfjs-layers' `layerNormalization` tiles γ and β from `[1, 1, D]` to the whole
 * `[N, T, D]` input, so each LayerNorm of a ViT at batch 64 × 50 tokens ran 3,200 Slice + Add kernels
 * per parameter in the backward pass — ~90 % of a ViT training step on wasm. Here: view `dy`
 * `[r₀·s₀, r₁·s₁, …]` as `[r₀, s₀, r₁, s₁, …]` and sum over the repeat axes — one Reshape and one Sum,
 * the same values up to float summation order.
 */
import * as tf from '@tensorflow/tfjs';
import type { GradConfig, NamedAttrMap } from '@tensorflow/tfjs-core';
import { registerGradientOnce } from './register-gradient.js';

export const tileGradConfig: GradConfig = {
  kernelName: 'Tile',
  inputsToSave: ['x'],
  gradFunc: (dyIn: tf.Tensor | tf.Tensor[], saved: tf.Tensor[], attrs: NamedAttrMap) => {
    const dy = dyIn as tf.Tensor;
    const [x] = saved as [tf.Tensor];
    const { reps } = attrs as unknown as { reps: number[] };
    return {
      x: () => {
        const split: number[] = [];
        const repeatAxes: number[] = [];
        x.shape.forEach((s, i) => {
          repeatAxes.push(split.length);
          split.push(reps[i]!, s);
        });
        return tf.reshape(tf.sum(tf.reshape(dy, split), repeatAxes), x.shape);
      },
    };
  },
};

/** Install our Tile gradient (idempotent). Returns true when newly installed. */
export function registerTileGrad(): boolean {
  return registerGradientOnce(tileGradConfig, Symbol.for('@contrastive/core/tile-grad'));
}
