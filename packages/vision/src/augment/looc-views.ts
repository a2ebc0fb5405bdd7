import * as tf from '@tensorflow/tfjs';
import type { Rng } from '@contrastive/core';
import type { AtomicParams, AtomicViews } from './atomic.js';

/** The views of one LooC step and the parameters they were made with. */
export interface LoocViewSet {
  /** The query view q `[N, H, W, C]`. */
  query: tf.Tensor4D;
  /** Keys k₀ … kₙ (n = number of atomic augmentations). */
  keys: tf.Tensor4D[];
  queryParams: AtomicParams;
  /** `keyParams[j]` made `keys[j]`. */
  keyParams: AtomicParams[];
}

/**
 * LooC's view generation (Xiao, Wang, Efros & Darrell, "What Should Not Be Contrastive in Contrastive
 * Learning", ICLR 2021, §3.1 / Fig. 2): a query q and a key k₀ with every atomic parameter drawn
 * independently, and for i = 1..n a key kᵢ whose parameter of augmentation i (`views.augs[i − 1]`) is the
 * query's and whose other parameters are drawn afresh. Crop and flip are always applied, independently per
 * view. Each view draws from its own generator forked from `rng` in order (q, k₀, k₁, …), so a key's fresh
 * draws never depend on another view's. kᵢ's own draw of augmentation i is made and then replaced, so the
 * draws of the other augmentations sit at the same place in every key's stream.
 *
 * The caller owns (and disposes) `query` and `keys`.
 */
export function loocViews(views: AtomicViews, x: tf.Tensor4D, rng: Rng): LoocViewSet {
  const n = x.shape[0];
  const forks = Array.from({ length: views.augs.length + 2 }, () => rng.fork());
  const queryParams = views.sample(n, forks[0]!);
  const keyParams = [views.sample(n, forks[1]!)];
  views.augs.forEach((a, i) => {
    // Key k_{i+1}: every parameter drawn afresh, then augmentation i's replaced by the query's.
    keyParams.push({ ...views.sample(n, forks[i + 2]!), [a]: queryParams[a] });
  });
  const made: tf.Tensor4D[] = [];
  try {
    made.push(views.render(x, queryParams, forks[0]!));
    keyParams.forEach((p, j) => made.push(views.render(x, p, forks[j + 1]!)));
  } catch (e) {
    tf.dispose(made); // a view that failed to render leaves none of the others behind
    throw e;
  }
  return { query: made[0]!, keys: made.slice(1), queryParams, keyParams };
}
