import * as tf from '@tensorflow/tfjs';
import { alignment, l2Normalize, uniformity } from '../losses/index.js';
import { createRng } from '../random/rng.js';
import { assertInt, assertNoNaN, assertPositive } from '../validate.js';
import { toTensor2D, type EmbeddingInput } from './inputs.js';

export interface AlignmentUniformityOptions {
  /** L2-normalise both inputs first (the metrics are defined on the unit sphere). Default true. */
  normalize?: boolean;
  /** Alignment exponent α, default 2. */
  alpha?: number;
  /** Uniformity kernel scale t, default 2. */
  t?: number;
  /** Uniformity uses all pairs of at most this many rows (seeded subsample), since it is O(N²). Default 4096. */
  maxPoints?: number;
  /** Seed of that subsample, default 0. */
  seed?: number;
}

export interface AlignmentUniformity {
  /** E‖f(x) − f(y)‖^α over the positive pairs (lower is better). */
  alignment: number;
  /** (L_unif(x) + L_unif(y)) / 2 with L_unif = log E exp(−t‖f(a) − f(b)‖²) over distinct pairs (lower is better). */
  uniformity: number;
}

/**
 * Wang & Isola (ICML 2020) alignment and uniformity of a set of positive pairs (two views' embeddings,
 * row i of `x` paired with row i of `y`), using the core `alignment` / `uniformity` losses. Uniformity
 * is averaged over both views, as in the paper's training objective.
 */
export function alignmentUniformityReport(
  x: EmbeddingInput,
  y: EmbeddingInput,
  opts: AlignmentUniformityOptions = {},
): AlignmentUniformity {
  const normalize = opts.normalize ?? true;
  const alpha = opts.alpha ?? 2;
  const t = opts.t ?? 2;
  const maxPoints = opts.maxPoints ?? 4096;
  assertPositive(alpha, 'alpha');
  assertPositive(t, 't');
  assertInt(maxPoints, 'maxPoints', 2);
  const a = toTensor2D(x, 'x');
  let b: { tensor: tf.Tensor2D; owned: boolean } | null = null;
  try {
    b = toTensor2D(y, 'y');
    const [n, d] = a.tensor.shape;
    if (b.tensor.shape[0] !== n || b.tensor.shape[1] !== d) {
      throw new RangeError(
        `x and y must have the same shape [N, D], got [${a.tensor.shape.join(', ')}] and [${b.tensor.shape.join(', ')}]`,
      );
    }
    assertNoNaN(a.tensor, 'x');
    assertNoNaN(b.tensor, 'y');
    if (n < 2) throw new RangeError(`uniformity needs at least 2 rows, got x of shape [${n}, ${d}]`);
    const idx =
      n > maxPoints
        ? createRng(opts.seed ?? 0)
            .permutation(n)
            .slice(0, maxPoints)
        : null;
    const yT = b.tensor;
    const out = tf.tidy(() => {
      const xa = normalize ? l2Normalize(a.tensor) : a.tensor;
      const ya = normalize ? l2Normalize(yT) : yT;
      const align = alignment(xa, ya, { alpha });
      const sub = (z: tf.Tensor2D): tf.Tensor2D => (idx ? tf.gather(z, tf.tensor1d(idx, 'int32')) : z);
      const unif = tf.div(tf.add(uniformity(sub(xa), { t }), uniformity(sub(ya), { t })), 2);
      return tf.stack([align, unif]);
    });
    const [alignmentValue, uniformityValue] = out.dataSync();
    out.dispose();
    return { alignment: alignmentValue!, uniformity: uniformityValue! };
  } finally {
    if (a.owned) a.tensor.dispose();
    if (b?.owned) b.tensor.dispose();
  }
}
