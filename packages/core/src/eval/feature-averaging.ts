import * as tf from '@tensorflow/tfjs';
import { l2Normalize } from '../losses/index.js';
import type { Rng } from '../random/rng.js';
import type { ViewMaker } from '../types.js';

/** Options of {@link averageFeatures}. */
export interface FeatureAveragingOptions<T extends tf.Tensor> {
  /** M, transformed passes averaged per input (InvCLR: 100 on CIFAR). An integer ≥ 1. */
  passes: number;
  /** The transformation t(x, α): a view maker drawing α from its `rng` (usually the training views). */
  view: ViewMaker<T>;
  /** The generator of the passes: chunk c uses the c-th `rng.fork()`, so the same seed and batch size give the same result. */
  rng: Rng;
  /** Inputs per forward pass (memory is O(batchSize · D) per pass, O(N · D) overall, never O(M · N · D)). Default 256. */
  batchSize?: number;
}

/** What {@link averageFeatures} returns (the caller disposes both tensors). */
export interface FeatureAverage {
  /** (1/M) Σ_m embed(t(x, α_m)), `[N, D]`: the averaged (unnormalised) representation. */
  mean: tf.Tensor2D;
  /**
   * Per input, the conditional variance of the L2-normalised representation under re-sampled
   * transformations, Σ_d Var_α[ĥ_d | x] (unbiased over the M passes), `[N]`; `null` when M = 1.
   */
  conditionalVariance: tf.Tensor1D | null;
}

/**
 * Test-time feature averaging (Foster, Pukdee & Rainforth, ICLR 2021, `ae-foster/invclr` `eval.py
 * --num-passes`): the representation of x is the mean of the encoder's outputs over M independently
 * transformed copies, `ẑ(x) = (1/M) Σ_m f(t(x, α_m))`, then fed to the kNN / linear probe as usual. Also
 * measures the paper's invariance quantity, the conditional variance of the (normalised) representation
 * given x, from the same passes.
 *
 * Any method can use it: `embed` is the encoder in inference mode, `view` any seeded view maker. Runs chunk
 * by chunk with running (Welford) sums, so M = 100 costs no more memory than M = 2.
 *
 * @param embed Maps a chunk `[n, …]` to its representation `[n, D]`.
 * @param x Inputs `[N, …]` (batch on axis 0).
 */
export function averageFeatures<T extends tf.Tensor>(embed: (x: T) => tf.Tensor2D, x: T, opts: FeatureAveragingOptions<T>): FeatureAverage {
  const { passes, view, rng, batchSize = 256 } = opts;
  if (!Number.isInteger(passes) || passes < 1)
    throw new RangeError(`averageFeatures: passes (M) must be an integer >= 1, got ${String(passes)}`);
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new RangeError(`averageFeatures: batchSize must be an integer >= 1, got ${String(batchSize)}`);
  }
  if (typeof view !== 'function') throw new TypeError('averageFeatures: view must be a view maker (x, rng) => x');
  const n = x.shape[0];
  if (n === undefined || n < 1)
    throw new RangeError(`averageFeatures: x must hold at least one input on axis 0, got shape [${x.shape.join(', ')}]`);
  const means: tf.Tensor2D[] = [];
  const variances: tf.Tensor1D[] = [];
  try {
    for (let s = 0; s < n; s += batchSize) {
      const size = Math.min(batchSize, n - s);
      const chunkRng = rng.fork();
      const [mean, variance] = tf.tidy(() => {
        const chunk = x.slice([s, ...x.shape.slice(1).map(() => 0)], [size, ...x.shape.slice(1).map(() => -1)]) as T;
        let sum: tf.Tensor2D | undefined;
        // Welford over the passes for the normalised representation: mean μ and M2 = Σ (ĥ − μ_old)(ĥ − μ_new).
        let mu: tf.Tensor2D | undefined;
        let m2: tf.Tensor2D | undefined;
        for (let m = 1; m <= passes; m++) {
          // Each pass frees its view and activations before the next (bounded memory for any M).
          const e = tf.tidy(() => embed(view(chunk, chunkRng)));
          const next = tf.tidy((): tf.Tensor2D[] => {
            const out: tf.Tensor2D[] = [sum ? sum.add(e) : e.clone()];
            if (passes === 1) return out;
            const h = l2Normalize(e) as tf.Tensor2D;
            if (!mu || !m2) return [...out, h, tf.zerosLike(h)];
            const delta = h.sub(mu);
            const nextMu = mu.add(delta.div(m)) as tf.Tensor2D;
            return [...out, nextMu, m2.add(delta.mul(h.sub(nextMu))) as tf.Tensor2D];
          });
          tf.dispose([e, ...[sum, mu, m2].filter((t): t is tf.Tensor2D => t !== undefined)]);
          [sum, mu, m2] = next;
        }
        const avg = sum!.div(passes) as tf.Tensor2D;
        const cv = m2 ? (m2.sum(1).div(passes - 1) as tf.Tensor1D) : null;
        return cv ? [avg, cv] : [avg];
      }) as [tf.Tensor2D, tf.Tensor1D?];
      means.push(mean);
      if (variance) variances.push(variance);
    }
    const join = <R extends tf.Tensor>(parts: R[]): R => (parts.length === 1 ? parts[0]!.clone() : (tf.concat(parts, 0) as R));
    return { mean: join(means), conditionalVariance: variances.length === 0 ? null : join(variances) };
  } finally {
    tf.dispose([...means, ...variances]);
  }
}

/**
 * The conditional variance of the representation given each input from M samples `[M, N, D]` (M ≥ 2):
 * Σ_d Var_m[ĥ_{m,n,d}] with ĥ the L2-normalised rows (unbiased, M − 1), `[N]`. The reference form of
 * {@link averageFeatures}'s streaming estimate; `normalize: false` measures the raw representation.
 */
export function conditionalVariance(samples: tf.Tensor3D, opts: { normalize?: boolean } = {}): tf.Tensor1D {
  const { normalize = true } = opts;
  const [m] = samples.shape;
  if (samples.rank !== 3 || m < 2)
    throw new RangeError(`conditionalVariance: samples must be [M, N, D] with M >= 2, got [${samples.shape.join(', ')}]`);
  return tf.tidy(() => {
    const h = normalize ? (l2Normalize(samples.reshape([-1, samples.shape[2]])).reshape(samples.shape) as tf.Tensor3D) : samples;
    const mu = h.mean(0, true);
    return h
      .sub(mu)
      .square()
      .sum([0, 2])
      .div(m - 1) as tf.Tensor1D;
  });
}
