import { checkOptionKeys } from '@contrastive/core';
import * as tf from '@tensorflow/tfjs';

/** Options of {@link projectGradient}. */
export interface ProjectGradientOptions {
  /**
   * Lower bound on the dual multipliers when a projection happens: the dual is solved over v ≥ `margin`
   * instead of v ≥ 0. This is GEM's `memory_strength` (Lopez-Paz & Ranzato, NeurIPS 2017,
   * `facebookresearch/GradientEpisodicMemory` `model/gem.py` `project2cone2`, which passes
   * `h = margin` to quadprog): every constraint's gradient is added at least `margin` times, which biases
   * g̃ towards the protected losses' descent (a constraint that stays binding still has ⟨g̃, g_k⟩ = 0).
   * Default `0`, the exact projection of GEM's paper and of GRCL.
   */
  margin?: number;
  /**
   * Ridge added to the diagonal of G·Gᵀ before solving (GEM's code uses `eps = 1e-3` for quadprog's
   * sake). With `0` the exact projection is returned; the solver handles a singular G·Gᵀ (dependent or
   * zero constraint rows) without it. Default `0`.
   */
  eps?: number;
  /** Iteration cap of the dual solver (Lawson–Hanson steps; ×10 sweeps for its coordinate-descent fallback). Default `1000`. */
  maxIterations?: number;
  /** KKT tolerance of the dual solver, relative to the scale of G·Gᵀ and G·g. Default `1e-10`. */
  tolerance?: number;
  /**
   * Iterative-refinement passes: g̃ is formed in float32 on the backend, so after the projection G·g̃ is
   * read back and any residual violation (float32 round-off, large with nearly opposite constraints) is
   * projected away again, at one extra `[k, P]·[P]` product per pass. Default `2`.
   */
  refinements?: number;
}

/** What {@link projectGradient} returns; the caller disposes `gradient`. */
export interface ProjectionResult {
  /** g̃ `[P]`: `g` itself (a copy) when no constraint is violated, else `g + Gᵀv`. */
  gradient: tf.Tensor1D;
  /** True when some ⟨g, g_k⟩ < 0 and the QP was solved. */
  projected: boolean;
  /** The dual solution v `[k]` (zeros when nothing was projected). */
  multipliers: Float64Array;
  /** ⟨g, g_k⟩ for every constraint row, before the projection. */
  dots: Float64Array;
}

/** What {@link solveNonNegativeQP} returns. */
export interface NonNegativeQPResult {
  /** The minimiser v ≥ 0. */
  v: Float64Array;
  /** Active-set steps (and fallback sweeps) used. */
  iterations: number;
  /** True when the KKT conditions hold to the tolerance. */
  converged: boolean;
}

const KEYS = ['margin', 'eps', 'maxIterations', 'tolerance', 'refinements'] as const;

/**
 * GEM-style gradient projection (Lopez-Paz & Ranzato, "Gradient Episodic Memory for Continual
 * Learning", NeurIPS 2017, eqs. 10–13), the solver GRCL uses for its two gradient constraints (Tang,
 * Su, Chen & Ouyang, "Gradient Regularized Contrastive Learning for Continual Domain Adaptation", AAAI 2021):
 *
 *   primal  min_{g̃} ½‖g − g̃‖²  s.t.  G·g̃ ≥ 0         (rows of G: the gradients of the protected losses)
 *   dual    min_{v ≥ 0} ½vᵀ(G·Gᵀ)v + (G·g)ᵀv,   g̃ = g + Gᵀv*
 *
 * The dual has k = number of constraints variables (GRCL: 1 + number of past target domains), so it is
 * solved in float64 on the JS side by {@link solveNonNegativeQP}; only G·Gᵀ `[k, k]` and G·g `[k]` are
 * read back from the backend (a synchronous read of k² + k numbers) and g̃ is formed on the backend.
 * As in GEM's code, the QP is solved only when some ⟨g, g_k⟩ < 0; otherwise g is returned unchanged.
 *
 * @param g the proposed update direction `[P]` (a flattened gradient; float32).
 * @param constraints G `[k, P]`, row k the gradient of the k-th protected loss (k may be 0).
 * @returns the projected gradient and the dual solution; the caller disposes `gradient`.
 *
 * @example
 * const { gradient, projected } = projectGradient(g, tf.stack([gSource, gMemory]) as tf.Tensor2D);
 */
export function projectGradient(g: tf.Tensor1D, constraints: tf.Tensor2D, options: ProjectGradientOptions = {}): ProjectionResult {
  checkOptionKeys(options, KEYS, 'projectGradient');
  const { margin = 0, eps = 0, maxIterations = 1000, tolerance = 1e-10, refinements = 2 } = options;
  checkNumber(margin, 'margin', 0);
  checkNumber(eps, 'eps', 0);
  checkNumber(tolerance, 'tolerance', 0);
  if (!Number.isInteger(refinements) || refinements < 0) {
    throw new RangeError(`projectGradient: refinements must be an integer >= 0, got ${String(refinements)}`);
  }
  if (!Number.isInteger(maxIterations) || maxIterations < 1) {
    throw new RangeError(`projectGradient: maxIterations must be an integer >= 1, got ${String(maxIterations)}`);
  }
  if (!(g instanceof tf.Tensor) || g.rank !== 1 || g.dtype !== 'float32') {
    throw new TypeError(`projectGradient: g must be a float32 tf.Tensor1D [P], got ${describeTensor(g)}`);
  }
  const p = g.shape[0];
  if (!(constraints instanceof tf.Tensor) || constraints.rank !== 2 || constraints.dtype !== 'float32' || constraints.shape[1] !== p) {
    throw new TypeError(
      `projectGradient: constraints must be a float32 tf.Tensor2D [k, ${p}] (g is [${p}]), got ${describeTensor(constraints)}`,
    );
  }
  const k = constraints.shape[0];
  if (k === 0) return { gradient: g.clone(), projected: false, multipliers: new Float64Array(0), dots: new Float64Array(0) };
  const [ggtT, dotsT] = tf.tidy(() => [
    tf.matMul(constraints, constraints, false, true),
    tf.squeeze(tf.matMul(constraints, tf.reshape(g, [p, 1])), [1]),
  ]);
  const ggt = Float64Array.from(ggtT!.dataSync());
  const dots = Float64Array.from(dotsT!.dataSync());
  tf.dispose([ggtT!, dotsT!]);
  if (!dots.some((d) => d < 0)) return { gradient: g.clone(), projected: false, multipliers: new Float64Array(k), dots };
  for (let i = 0; i < k; i++) ggt[i * k + i]! += eps;
  // v = margin + u, u ≥ 0: min ½uᵀPu + (q + P·margin)ᵀu.
  const q = Float64Array.from(dots);
  if (margin > 0) for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) q[i]! += ggt[i * k + j]! * margin;
  const { v: u } = solveNonNegativeQP(ggt, q, { maxIterations, tolerance });
  const v = u.map((x) => x + margin);
  const step = (x: tf.Tensor1D, w: Float64Array) =>
    tf.tidy(() => tf.add(x, tf.squeeze(tf.matMul(tf.tensor2d(Float32Array.from(w), [1, k]), constraints), [0])) as tf.Tensor1D);
  let gradient = step(g, v);
  // Iterative refinement: g + Gᵀv is formed in float32, so with large multipliers (nearly opposite
  // constraints) ⟨g̃, g_k⟩ can come out slightly negative; project the residual violation once more.
  for (let r = 0; r < refinements; r++) {
    const dT = tf.tidy(() => tf.squeeze(tf.matMul(constraints, tf.reshape(gradient, [p, 1])), [1]));
    const d = Float64Array.from(dT.dataSync());
    dT.dispose();
    if (!d.some((x) => x < 0)) break;
    const { v: w } = solveNonNegativeQP(ggt, d, { maxIterations, tolerance });
    const next = step(gradient, w);
    gradient.dispose();
    gradient = next;
    for (let i = 0; i < k; i++) v[i]! += w[i]!;
  }
  return { gradient, projected: true, multipliers: v, dots };
}

/**
 * Solves the small non-negative QP `min_{v ≥ 0} ½vᵀPv + qᵀv` for a symmetric positive semi-definite
 * `P` (row-major `k × k`) in float64 with the Lawson–Hanson active-set method (Lawson & Hanson, "Solving
 * Least Squares Problems", 1974, ch. 23 — NNLS written on the normal equations: with P = G·Gᵀ and
 * q = G·g it is NNLS of ‖Gᵀv + g‖²). A constraint enters the passive set only while its multiplier's
 * gradient is positive, so dependent and zero rows of G never make the passive system singular in exact
 * arithmetic. Should a passive system still be singular in floating point, Hildreth's cyclic coordinate
 * descent takes over from the current point.
 */
export function solveNonNegativeQP(
  P: ArrayLike<number>,
  q: ArrayLike<number>,
  options: { maxIterations?: number; tolerance?: number } = {},
): NonNegativeQPResult {
  const k = q.length;
  if (P.length !== k * k)
    throw new RangeError(`solveNonNegativeQP: P must have ${k}×${k} = ${k * k} entries (q has ${k}), got ${P.length}`);
  const { maxIterations = 1000, tolerance = 1e-10 } = options;
  let scale = 0;
  for (let i = 0; i < k * k; i++) scale = Math.max(scale, Math.abs(P[i]!));
  for (let i = 0; i < k; i++) scale = Math.max(scale, Math.abs(q[i]!));
  const tol = tolerance * Math.max(scale, 1e-30);
  const v = new Float64Array(k);
  const passive = new Set<number>();
  let iterations = 0;
  outer: while (iterations < maxIterations) {
    // Steepest descent direction −(Pv + q) over the bound (zero) coordinates.
    let j = -1;
    let best = tol;
    for (let i = 0; i < k; i++) {
      if (passive.has(i)) continue;
      const w = -gradientAt(P, q, v, i);
      if (w > best) {
        best = w;
        j = i;
      }
    }
    if (j < 0) break;
    passive.add(j);
    for (;;) {
      iterations++;
      const z = solvePassive(
        P,
        q,
        [...passive].sort((a, b) => a - b),
        k,
      );
      if (z === null) break outer; // numerically singular: finish with coordinate descent
      const blocking = [...passive].filter((i) => z[i]! <= 0);
      if (blocking.length === 0) {
        v.set(z);
        break;
      }
      // Step from v towards z until the first passive multiplier hits 0, and free it.
      let alpha = 1;
      let leaving = blocking[0]!;
      for (const i of blocking) {
        const a = v[i]! / (v[i]! - z[i]!);
        if (a < alpha) [alpha, leaving] = [a, i];
      }
      for (const i of passive) v[i] = v[i]! + alpha * (z[i]! - v[i]!);
      for (const i of [...passive]) {
        if (i === leaving || v[i]! <= 0) {
          passive.delete(i);
          v[i] = 0;
        }
      }
      if (passive.size === 0 || iterations >= maxIterations) break;
    }
  }
  if (kkt(P, q, v, tol)) return { v, iterations, converged: true };
  return coordinateDescent(P, q, v, tol, maxIterations, iterations);
}

/** (Pv + q)_i. */
function gradientAt(P: ArrayLike<number>, q: ArrayLike<number>, v: Float64Array, i: number): number {
  const k = v.length;
  let w = q[i]!;
  for (let j = 0; j < k; j++) w += P[i * k + j]! * v[j]!;
  return w;
}

/** Hildreth's cyclic coordinate descent from `v` (exact line minimisation per coordinate, clipped at 0). */
function coordinateDescent(
  P: ArrayLike<number>,
  q: ArrayLike<number>,
  start: Float64Array,
  tol: number,
  maxIterations: number,
  used: number,
): NonNegativeQPResult {
  const k = start.length;
  const v = Float64Array.from(start);
  let iterations = used;
  let converged = kkt(P, q, v, tol);
  for (let sweep = 0; !converged && sweep < maxIterations * 10; sweep++) {
    iterations++;
    for (let i = 0; i < k; i++) {
      const pii = P[i * k + i]!;
      if (!(pii > tol)) continue;
      v[i] = Math.max(0, v[i]! - gradientAt(P, q, v, i) / pii);
    }
    converged = kkt(P, q, v, tol);
  }
  return { v, iterations, converged };
}

/** KKT of the NNQP: v ≥ 0, w = Pv + q ≥ −tol, and |w_i| ≤ tol where v_i > 0. */
function kkt(P: ArrayLike<number>, q: ArrayLike<number>, v: Float64Array, tol: number): boolean {
  const k = v.length;
  for (let i = 0; i < k; i++) {
    let w = q[i]!;
    for (let j = 0; j < k; j++) w += P[i * k + j]! * v[j]!;
    if (v[i]! < 0 || w < -tol || (v[i]! > 0 && Math.abs(w) > tol)) return false;
  }
  return true;
}

/** z with z_S solving P_SS·z_S = −q_S (Gaussian elimination, partial pivoting) and 0 elsewhere; null when singular. */
function solvePassive(P: ArrayLike<number>, q: ArrayLike<number>, passive: number[], k: number): Float64Array | null {
  const n = passive.length;
  let diag = 0;
  for (const i of passive) diag = Math.max(diag, Math.abs(P[i * k + i]!));
  const a = passive.map((i) => [...passive.map((j) => P[i * k + j]!), -q[i]!]);
  for (let c = 0; c < n; c++) {
    let piv = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(a[r]![c]!) > Math.abs(a[piv]![c]!)) piv = r;
    if (!(Math.abs(a[piv]![c]!) > 1e-13 * diag)) return null;
    [a[c], a[piv]] = [a[piv]!, a[c]!];
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = a[r]![c]! / a[c]![c]!;
      if (f !== 0) for (let j = c; j <= n; j++) a[r]![j]! -= f * a[c]![j]!;
    }
  }
  const z = new Float64Array(k);
  passive.forEach((i, r) => {
    z[i] = a[r]![n]! / a[r]![r]!;
  });
  return z;
}

function checkNumber(x: unknown, name: string, min: number): void {
  if (typeof x !== 'number' || !Number.isFinite(x) || x < min) {
    throw new RangeError(`projectGradient: ${name} must be a finite number >= ${min}, got ${String(x)}`);
  }
}

function describeTensor(x: unknown): string {
  if (x instanceof tf.Tensor) return `a ${x.dtype} tensor of shape [${x.shape.join(', ')}]`;
  return x === null ? 'null' : typeof x;
}
