import * as tf from '@tensorflow/tfjs';
import type { ViewMaker } from '@contrastive/core';
import type { ViewPair } from '../../augment/presets.js';
import { smallCnnEncoder } from '../../encoders/small-cnn.js';

/** A tiny deterministic encoder: 8×8×1 → 8-d. */
export const tinyEncoder = (seed = 1): tf.LayersModel => smallCnnEncoder({ inputShape: [8, 8, 1], widths: [4, 8], seed });

/** Views that copy the input: makes key/target outputs reproducible in tests. */
export const identity: ViewMaker<tf.Tensor4D> = (x) => x.clone();
export const identityViews: ViewPair = [identity, identity];

/** A deterministic image batch `[n, 8, 8, 1]`. */
export function images(n = 8, seed = 3): tf.Tensor4D {
  return tf.tidy(() => tf.randomUniform([n, 8, 8, 1], 0, 1, 'float32', seed) as tf.Tensor4D);
}

/** Max |a − b|. */
export function maxDiff(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => a.sub(b).abs().max().dataSync()[0]!);
}

/** Snapshot of variables' values (owned copies). */
export function snapshot(vars: readonly tf.Variable[]): tf.Tensor[] {
  return vars.map((v) => v.clone());
}
