/**
 * Projection of `b` onto the probability simplex Δ = {p ≥ 0, Σp = 1}, as JOAO's code does it
 * (`pretrain_joao.py`): bisect the shift μ in `[min b − 1, max b]` until `|Σ max(b − μ, 0) − 1| ≤ tol`,
 * then renormalise `p = max(b − μ, 0) / Σ`. (JOAO's code brackets with `± 1/25`; any bracket containing
 * the root gives the same μ, ours always contains it.) With the default `tol = 1e-2` this is the code's
 * approximation; `tol → 0` converges to the exact Euclidean projection {@link projectSimplexExact}.
 */
export function projectSimplex(b: readonly number[], tol = 1e-2, maxIter = 200): number[] {
  if (b.length === 0) throw new RangeError('b must be non-empty');
  let lo = Math.min(...b) - 1;
  let hi = Math.max(...b);
  const mass = (mu: number): number => b.reduce((s, v) => s + Math.max(v - mu, 0), 0);
  let mu = (lo + hi) / 2;
  for (let it = 0; it < maxIter; it++) {
    mu = (lo + hi) / 2;
    const m = mass(mu);
    if (Math.abs(m - 1) <= tol) break;
    if (m > 1) lo = mu;
    else hi = mu;
  }
  const p = b.map((v) => Math.max(v - mu, 0));
  const s = p.reduce((a, c) => a + c, 0);
  return p.map((v) => v / s);
}

/** Exact Euclidean projection onto the simplex (sort-based; Duchi et al., ICML 2008). */
export function projectSimplexExact(b: readonly number[]): number[] {
  const u = [...b].sort((x, y) => y - x);
  let cum = 0;
  let theta = 0;
  for (let j = 0; j < u.length; j++) {
    cum += u[j]!;
    const t = (cum - 1) / (j + 1);
    if (u[j]! - t > 0) theta = t;
  }
  return b.map((v) => Math.max(v - theta, 0));
}
