/** Latent paths for GAN interpolation strips (the grid itself is core's `imageGridPng`). */

/**
 * Latent vectors on the great circle from `a` to `b` (spherical interpolation, as GAN papers draw their strips:
 * a linear path through a Gaussian's interior has atypically small norms), `steps` points including both ends.
 */
export function slerpPath(a: Float32Array, b: Float32Array, steps: number): Float32Array[] {
  if (a.length !== b.length) throw new RangeError(`slerpPath: a and b differ in length (${a.length} vs ${b.length})`);
  if (!Number.isInteger(steps) || steps < 2) throw new RangeError(`slerpPath: steps must be an integer >= 2, got ${String(steps)}`);
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    na += a[i]! * a[i]!;
    nb += b[i]! * b[i]!;
  }
  const cos = Math.min(1, Math.max(-1, dot / Math.sqrt(na * nb || 1)));
  const omega = Math.acos(cos);
  const out: Float32Array[] = [];
  for (let s = 0; s < steps; s++) {
    const t = s / (steps - 1);
    // Nearly parallel ends: the linear path is the limit of slerp.
    const [wa, wb] = omega < 1e-6 ? [1 - t, t] : [Math.sin((1 - t) * omega) / Math.sin(omega), Math.sin(t * omega) / Math.sin(omega)];
    out.push(Float32Array.from(a, (v, i) => wa * v + wb * b[i]!));
  }
  return out;
}
