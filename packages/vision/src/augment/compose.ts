import * as tf from '@tensorflow/tfjs';
import type { Rng, ViewMaker } from '@contrastive/core';

/** Chains view makers left to right; intermediates are freed, the input is left alone. */
export function compose(...makers: ViewMaker<tf.Tensor4D>[]): ViewMaker<tf.Tensor4D> {
  return (x, rng) =>
    tf.tidy(() => {
      let y = x;
      for (const m of makers) y = m(y, rng);
      return y === x ? x.clone() : y;
    });
}

/**
 * Makes several views of one batch, one maker per view (`[a, a]` for SimCLR's symmetric pair,
 * `[v1, v2]` for BYOL's asymmetric pair). Each view draws from its own child generator forked from
 * `rng` in order, so adding a view never changes the earlier ones.
 */
export function multiView(makers: readonly ViewMaker<tf.Tensor4D>[]): (batch: tf.Tensor4D, rng: Rng) => tf.Tensor4D[] {
  if (makers.length === 0) throw new RangeError('multiView: makers must hold at least one view maker');
  return (x, rng) => {
    const forks = makers.map(() => rng.fork());
    return makers.map((m, i) => m(x, forks[i]!));
  };
}
