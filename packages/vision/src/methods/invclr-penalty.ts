import * as tf from '@tensorflow/tfjs';

/** Options of {@link invclrPenalty}. */
export interface InvclrPenaltyOptions {
  /** Clamp R from above at this value (`--gp-upper-limit`; the code's default 1, 1000 on Spirograph). Default 1. */
  upperLimit?: number;
  /** Penalise the L2-normalised representation h/‖h‖ (the code's default; `--no-gp-normalization` turns it off). Default true. */
  normalize?: boolean;
}

/** What {@link invclrPenalty} returns. */
export interface InvclrPenalty {
  /** R, clamped at `upperLimit`; differentiable in the encoder's weights (a gradient of a gradient). */
  penalty: tf.Scalar;
  /** g = ∂s/∂α `[B, P]`, differentiable too. */
  gradAlpha: tf.Tensor2D;
  /**
   * The encoder's representation of the transformed batch `[B, D]`, from the same forward pass (InvCLR feeds it
   * to the contrastive loss). It is kept out of the enclosing `tf.tidy`: the caller disposes it once the
   * outer gradient has been taken.
   */
  representation: tf.Tensor2D;
}

/**
 * InvCLR's gradient penalty (Foster, Pukdee & Rainforth, ICLR 2021; `ae-foster/invclr` `invclr.py::train`):
 *
 *   h = f(t(x, α)) / ‖f(t(x, α))‖,  s = Σ_{b,d} v_{bd} h_{bd}  (v Rademacher, `[B, D]`),
 *   g = ∂s/∂α  `[B, P]`  (kept differentiable: `create_graph=True`),
 *   R = min( mean_{k,b} ( g_b · (α′_{k,b} − α_b) )², upperLimit ).
 *
 * g_b · (α′ − α) is the first-order change of the projection vᵀh_b when image b's transformation parameters
 * move from α_b to a fresh draw α′, so R estimates (a random projection of) the conditional variance of the
 * representation under re-sampled transformations. The K draws α′ only enter a `[K, B, P]` product: they
 * cost no forward passes, so the paper's K = 100 is cheap on CPU too.
 *
 * `represent(α)` maps α `[B, P]` to the representation `[B, D]` (colour ops then the encoder, in training
 * mode). `v` is `[B, D]`, `alphaPrime` `[K, B, P]`. Call inside the outer gradient (`tf.variableGrads`) so
 * R's gradient reaches the weights; works on cpu and wasm (max-pooling needs
 * `registerSecondOrderGradients()`, which `InvCLR` calls).
 */
export function invclrPenalty(
  represent: (alpha: tf.Tensor2D) => tf.Tensor2D,
  alpha: tf.Tensor2D,
  v: tf.Tensor2D,
  alphaPrime: tf.Tensor3D,
  opts: InvclrPenaltyOptions = {},
): InvclrPenalty {
  const { upperLimit = 1, normalize = true } = opts;
  if (!(upperLimit > 0)) throw new RangeError(`invclrPenalty: upperLimit must be > 0, got ${String(upperLimit)}`);
  const [b, p] = alpha.shape;
  if (alphaPrime.rank !== 3 || alphaPrime.shape[1] !== b || alphaPrime.shape[2] !== p) {
    throw new RangeError(`invclrPenalty: alphaPrime must be [K, ${b}, ${p}], got [${alphaPrime.shape.join(', ')}]`);
  }
  let representation: tf.Tensor2D | null = null;
  const project = (a: tf.Tensor): tf.Scalar => {
    const h = represent(a as tf.Tensor2D);
    if (h.rank !== 2 || h.shape[0] !== b || h.shape[1] !== v.shape[1]) {
      throw new RangeError(`invclrPenalty: represent(α) must be [${b}, ${v.shape[1]}] like v, got [${h.shape.join(', ')}]`);
    }
    representation = tf.keep(h);
    const hn = normalize ? h.div(tf.norm(h, 2, 1, true)) : h;
    return hn.mul(v).sum();
  };
  // tf.grad runs inside the caller's tape: its backward ops are recorded, so g stays differentiable in θ.
  const gradAlpha = tf.grad(project)(alpha) as tf.Tensor2D;
  const delta = alphaPrime.sub(alpha.expandDims(0)); // [K, B, P]
  const r = delta.mul(gradAlpha.expandDims(0)).sum(2).square().mean() as tf.Scalar;
  const penalty = tf.minimum(r, upperLimit) as tf.Scalar;
  return { penalty, gradAlpha, representation: representation! };
}

/** A Rademacher matrix `[rows, cols]` (±1 with probability ½ each), drawn from `uniform` (e.g. `rng.uniform`). */
export function rademacher(rows: number, cols: number, uniform: () => number): tf.Tensor2D {
  const out = new Float32Array(rows * cols);
  for (let i = 0; i < out.length; i++) out[i] = uniform() < 0.5 ? -1 : 1;
  return tf.tensor2d(out, [rows, cols]);
}
