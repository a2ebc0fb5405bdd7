import * as tf from '@tensorflow/tfjs';

/**
 * CLAPS' projection `g(h) = ReLU(h Wᵀ + b)` (one `nn.Linear(d, d)` + `nn.ReLU()` in the official
 * `AdvContrastive*` models), **shared** by the encoder and the decoder side. `weight` is `[d, d]` in the
 * `[out, in]` layout of PyTorch; `bias` is `[d]`.
 */
export interface ClapsProjectionWeights {
  weight: tf.Tensor2D;
  bias: tf.Tensor1D;
}

/**
 * Masked mean over time, the official `avg_pool`: `Σ_t h[b,t]·mask[b,t] / Σ_t mask[b,t]`.
 * `h` `[B, T, d]`, `mask` `[B, T]` (1 token, 0 pad) → `[B, d]`. The official code divides by the raw count;
 * here the count is floored at 1 so an all-pad row pools to 0 instead of NaN (identical otherwise).
 */
export function avgPool(h: tf.Tensor3D, mask: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => {
    if (h.shape[0] !== mask.shape[0] || h.shape[1] !== mask.shape[1]) {
      throw new RangeError(`avgPool: states [${h.shape}] and mask [${mask.shape}] disagree on [B, T]`);
    }
    const m = mask.cast('float32');
    return h.mul(m.expandDims(2)).sum(1).div(m.sum(1, true).maximum(1)) as tf.Tensor2D;
  });
}

/** `g(h) = ReLU(h Wᵀ + b)` token-wise: `[B, T, d]` → `[B, T, d]`. */
export function projectStates(h: tf.Tensor3D, p: ClapsProjectionWeights): tf.Tensor3D {
  return tf.tidy(() => {
    const [b, t, d] = h.shape;
    if (p.weight.shape[1] !== d) throw new RangeError(`projection weight is [${p.weight.shape}] but the states have width ${d}`);
    const out = p.weight.shape[0];
    return tf.relu(tf.matMul(h.reshape([b * t, d]), p.weight, false, true).add(p.bias)).reshape([b, t, out]) as tf.Tensor3D;
  });
}

/** `z = avgPool(g(h), mask)`: the sequence representation CLAPS contrasts (`avg_doc`, `avg_abs`, …), `[B, d]`. */
export function projectPool(h: tf.Tensor3D, mask: tf.Tensor2D, p: ClapsProjectionWeights): tf.Tensor2D {
  return tf.tidy(() => avgPool(projectStates(h, p), mask));
}

/**
 * Fresh projection variables with PyTorch's `nn.Linear` initialisation (weight and bias
 * U(−1/√d, 1/√d)), seeded. `name` prefixes the registered variable names (they must be unique in the engine).
 */
export function createProjection(
  d: number,
  seed: number,
  name: string,
): { weight: tf.Variable<tf.Rank.R2>; bias: tf.Variable<tf.Rank.R1> } {
  if (!Number.isInteger(d) || d < 1) throw new RangeError(`createProjection: width must be a positive integer, got ${d}`);
  if (!Number.isInteger(seed)) throw new RangeError(`createProjection: seed must be an integer, got ${seed}`);
  const bound = 1 / Math.sqrt(d);
  // tfjs treats seed 0 as unseeded, hence the offsets.
  const w = tf.randomUniform([d, d], -bound, bound, 'float32', seed * 7 + 101);
  const b = tf.randomUniform([d], -bound, bound, 'float32', seed * 7 + 103);
  const weight = tf.variable(w, true, `${name}/projection.weight`) as tf.Variable<tf.Rank.R2>;
  const bias = tf.variable(b, true, `${name}/projection.bias`) as tf.Variable<tf.Rank.R1>;
  tf.dispose([w, b]);
  return { weight, bias };
}
