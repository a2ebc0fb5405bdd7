// Test helper (excluded from dist): the exact GEM projection by enumeration of active sets, in float64 JS,
// independent of the dual solver: for every subset S, g minus its projection onto the row space of G_S
// (Gram–Schmidt, dependent rows dropped); the feasible candidate nearest to g is the solution.

export function bruteForceProjection(g: number[], G: number[][]): number[] {
  const k = G.length;
  const dot = (a: number[], b: number[]) => a.reduce((s, x, i) => s + x * b[i]!, 0);
  if (G.every((row) => dot(row, g) >= 0)) return [...g];
  let best: number[] | null = null;
  let bestD = Number.POSITIVE_INFINITY;
  for (let mask = 0; mask < 1 << k; mask++) {
    const basis: number[][] = [];
    for (let i = 0; i < k; i++) {
      if (!(mask & (1 << i))) continue;
      let v = [...G[i]!];
      for (const b of basis) {
        const c = dot(v, b);
        v = v.map((x, j) => x - c * b[j]!);
      }
      const n = Math.sqrt(dot(v, v));
      if (n > 1e-10 * Math.max(1, Math.sqrt(dot(G[i]!, G[i]!)))) basis.push(v.map((x) => x / n));
    }
    let x = [...g];
    for (const b of basis) {
      const c = dot(g, b);
      x = x.map((xi, j) => xi - c * b[j]!);
    }
    if (G.every((row) => dot(row, x) >= -1e-9)) {
      const d = x.reduce((s, xi, j) => s + (xi - g[j]!) ** 2, 0);
      if (d < bestD - 1e-15) {
        best = x;
        bestD = d;
      }
    }
  }
  return best!;
}

/** A small seeded generator of normal numbers (Box–Muller over mulberry32). */
export function normals(seed: number): () => number {
  let a = seed >>> 0;
  const uniform = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return () => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
}
