import { createRng } from '../random/rng.js';

/** Result of {@link pca2}: coordinates `n×2` (row-major) and the two unit principal axes. */
export interface Pca2 {
  coords: Float32Array;
  components: [Float64Array, Float64Array];
}

/**
 * Projects row-major `data` (`rows × cols`) onto its first two principal components, computed by power
 * iteration on the centred data (v ← Xᵀ(Xv), never forming the `cols × cols` covariance, so 2048-d
 * features are cheap), the second kept orthogonal to the first. Each axis is signed so its largest
 * |loading| is positive, making the map deterministic.
 */
export function pca2(data: Float32Array, rows: number, cols: number, opts: { seed?: number; iterations?: number } = {}): Pca2 {
  const iterations = opts.iterations ?? 300;
  const rng = createRng(opts.seed ?? 0);
  const mean = new Float64Array(cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) mean[j]! += data[i * cols + j]!;
  for (let j = 0; j < cols; j++) mean[j]! /= rows;
  const x = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) x[i * cols + j] = data[i * cols + j]! - mean[j]!;

  const project = (v: Float64Array, out: Float64Array): void => {
    // out = Xᵀ (X v)
    out.fill(0);
    for (let i = 0; i < rows; i++) {
      let s = 0;
      const o = i * cols;
      for (let j = 0; j < cols; j++) s += x[o + j]! * v[j]!;
      for (let j = 0; j < cols; j++) out[j]! += s * x[o + j]!;
    }
  };
  const normalize = (v: Float64Array): number => {
    let s = 0;
    for (let j = 0; j < cols; j++) s += v[j]! * v[j]!;
    const n = Math.sqrt(s);
    if (n > 0) for (let j = 0; j < cols; j++) v[j]! /= n;
    return n;
  };
  const orthogonalize = (v: Float64Array, against: Float64Array[]): void => {
    for (const u of against) {
      let dot = 0;
      for (let j = 0; j < cols; j++) dot += v[j]! * u[j]!;
      for (let j = 0; j < cols; j++) v[j]! -= dot * u[j]!;
    }
  };

  const comps: Float64Array[] = [];
  for (let c = 0; c < 2; c++) {
    let v = new Float64Array(cols);
    for (let j = 0; j < cols; j++) v[j] = rng.normal();
    orthogonalize(v, comps);
    normalize(v);
    const next = new Float64Array(cols);
    for (let it = 0; it < iterations; it++) {
      project(v, next);
      orthogonalize(next, comps);
      if (normalize(next) === 0) break; // no variance left in this direction (e.g. cols = 1)
      let diff = 0;
      for (let j = 0; j < cols; j++) diff = Math.max(diff, Math.abs(next[j]! - v[j]!));
      v = Float64Array.from(next);
      if (diff < 1e-10) break;
    }
    let big = 0;
    for (let j = 1; j < cols; j++) if (Math.abs(v[j]!) > Math.abs(v[big]!)) big = j;
    if (v[big]! < 0) for (let j = 0; j < cols; j++) v[j] = -v[j]!;
    comps.push(v);
  }
  const coords = new Float32Array(rows * 2);
  for (let i = 0; i < rows; i++) {
    for (let c = 0; c < 2; c++) {
      let s = 0;
      for (let j = 0; j < cols; j++) s += x[i * cols + j]! * comps[c]![j]!;
      coords[i * 2 + c] = s;
    }
  }
  return { coords, components: [comps[0]!, comps[1]!] };
}
