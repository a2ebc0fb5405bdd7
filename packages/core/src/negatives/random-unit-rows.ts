/**
 * `[rows, dim]` Float32Array of standard-normal rows scaled to unit length, drawn from a seeded stream
 * (MoCo's queue and Wu et al.'s bank start from random unit vectors). JS-side, so the initial state is
 * identical on every backend.
 */
export function randomUnitRows(rows: number, dim: number, normal: () => number): Float32Array {
  const out = new Float32Array(rows * dim);
  for (let r = 0; r < rows; r++) {
    let sq = 0;
    const base = r * dim;
    for (let c = 0; c < dim; c++) {
      const v = normal();
      out[base + c] = v;
      sq += v * v;
    }
    const inv = 1 / Math.max(Math.sqrt(sq), 1e-12);
    for (let c = 0; c < dim; c++) out[base + c]! *= inv;
  }
  return out;
}
