import * as tf from '@tensorflow/tfjs';

/**
 * Float64 linear algebra for the metrics, in plain JavaScript (browser-safe, no tfjs kernels: float32 kernels
 * lose the ~1e-3 absolute precision a Fréchet distance of close sets needs).
 */

/** A set of feature vectors: a `[N, D]` tensor, or N rows of D numbers. */
export type FeatureMatrix = tf.Tensor2D | readonly ArrayLike<number>[];

/** A square matrix: D rows of D numbers, or D·D numbers in row-major order. */
export type SquareMatrix = readonly ArrayLike<number>[] | ArrayLike<number>;

/** Row-major float64 copy of a feature matrix, validated (finite values, equal row lengths). */
export interface Rows {
  data: Float64Array;
  n: number;
  d: number;
}

/** Copies `x` into float64 rows; errors name `arg`. */
export function toRows(x: FeatureMatrix, arg: string): Rows {
  let data: Float64Array;
  let n: number;
  let d: number;
  if (x instanceof tf.Tensor) {
    if (x.rank !== 2) throw new RangeError(`${arg} must be a rank-2 tensor [N, D], got shape [${x.shape.join(', ')}]`);
    [n, d] = x.shape as [number, number];
    data = Float64Array.from(x.dataSync());
  } else {
    if (!Array.isArray(x)) throw new TypeError(`${arg} must be a [N, D] tensor or an array of rows`);
    n = x.length;
    d = n > 0 ? x[0]!.length : 0;
    data = new Float64Array(n * d);
    x.forEach((row, i) => {
      if (row.length !== d) throw new RangeError(`${arg} rows must all have length ${d}, row ${i} has ${row.length}`);
      for (let j = 0; j < d; j++) data[i * d + j] = row[j]!;
    });
  }
  if (n === 0 || d === 0) throw new RangeError(`${arg} must hold at least one non-empty row, got [${n}, ${d}]`);
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i]!)) throw new RangeError(`${arg} holds a non-finite value at flat index ${i}`);
  }
  return { data, n, d };
}

/** A vector as float64, validated; errors name `arg`. */
export function toVector(x: ArrayLike<number> | tf.Tensor, arg: string): Float64Array {
  const v = x instanceof tf.Tensor ? Float64Array.from(x.dataSync()) : Float64Array.from(x as ArrayLike<number>);
  if (v.length === 0) throw new RangeError(`${arg} must not be empty`);
  v.forEach((a, i) => {
    if (!Number.isFinite(a)) throw new RangeError(`${arg} holds a non-finite value at index ${i}`);
  });
  return v;
}

/** A square matrix as row-major float64 of size d×d, validated (finite, square); errors name `arg`. */
export function toSquare(x: SquareMatrix | tf.Tensor, d: number, arg: string): Float64Array {
  let m: Float64Array;
  if (x instanceof tf.Tensor) m = Float64Array.from(x.dataSync());
  else if (Array.isArray(x) && x.length > 0 && typeof x[0] !== 'number') {
    const rows = x as readonly ArrayLike<number>[];
    if (rows.length !== d) throw new RangeError(`${arg} must be ${d}×${d}, got ${rows.length} rows`);
    m = new Float64Array(d * d);
    rows.forEach((r, i) => {
      if (r.length !== d) throw new RangeError(`${arg} must be ${d}×${d}, row ${i} has ${r.length} entries`);
      for (let j = 0; j < d; j++) m[i * d + j] = r[j]!;
    });
  } else m = Float64Array.from(x as ArrayLike<number>);
  if (m.length !== d * d) throw new RangeError(`${arg} must be ${d}×${d} (${d * d} numbers), got ${m.length}`);
  m.forEach((a, i) => {
    if (!Number.isFinite(a)) throw new RangeError(`${arg} holds a non-finite value at flat index ${i}`);
  });
  return m;
}

/**
 * Eigenvalues and eigenvectors of a symmetric d×d matrix (row-major; only its symmetric part is used) by the
 * cyclic Jacobi method in float64 (Golub & Van Loan, Matrix Computations, §8.5): rotations until the
 * off-diagonal mass is below 1e-22 of the total (or 100 sweeps). Returns `values` and `vectors` with
 * eigenvector k in column k (row-major `vectors[i * d + k]`). Unconditionally stable and accurate to a few
 * ulps of the largest eigenvalue, which is what the trace of a square root needs.
 */
export function symmetricEigen(a: Float64Array, d: number): { values: Float64Array; vectors: Float64Array } {
  const m = new Float64Array(d * d);
  for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) m[i * d + j] = 0.5 * (a[i * d + j]! + a[j * d + i]!);
  const v = new Float64Array(d * d);
  for (let i = 0; i < d; i++) v[i * d + i] = 1;
  let total = 0;
  for (let i = 0; i < d * d; i++) total += m[i]! * m[i]!;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let p = 0; p < d; p++) for (let q = p + 1; q < d; q++) off += m[p * d + q]! * m[p * d + q]!;
    if (off <= 1e-22 * total || off === 0) break;
    for (let p = 0; p < d - 1; p++) {
      for (let q = p + 1; q < d; q++) {
        const apq = m[p * d + q]!;
        if (apq === 0) continue;
        const app = m[p * d + p]!;
        const aqq = m[q * d + q]!;
        const theta = (aqq - app) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        // A ← Jᵀ A J on rows/columns p and q.
        for (let k = 0; k < d; k++) {
          const akp = m[k * d + p]!;
          const akq = m[k * d + q]!;
          m[k * d + p] = c * akp - s * akq;
          m[k * d + q] = s * akp + c * akq;
        }
        for (let k = 0; k < d; k++) {
          const apk = m[p * d + k]!;
          const aqk = m[q * d + k]!;
          m[p * d + k] = c * apk - s * aqk;
          m[q * d + k] = s * apk + c * aqk;
        }
        m[p * d + q] = 0;
        m[q * d + p] = 0;
        for (let k = 0; k < d; k++) {
          const vkp = v[k * d + p]!;
          const vkq = v[k * d + q]!;
          v[k * d + p] = c * vkp - s * vkq;
          v[k * d + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const values = new Float64Array(d);
  for (let i = 0; i < d; i++) values[i] = m[i * d + i]!;
  return { values, vectors: v };
}

/**
 * The symmetric positive semi-definite square root V·diag(√max(λ, 0))·Vᵀ of a symmetric matrix (negative
 * eigenvalues, round-off of a singular covariance, are clamped to 0).
 */
export function psdSqrt(a: Float64Array, d: number): Float64Array {
  const { values, vectors } = symmetricEigen(a, d);
  const out = new Float64Array(d * d);
  for (let k = 0; k < d; k++) {
    const s = Math.sqrt(Math.max(values[k]!, 0));
    if (s === 0) continue;
    for (let i = 0; i < d; i++) {
      const vik = vectors[i * d + k]! * s;
      if (vik === 0) continue;
      for (let j = 0; j < d; j++) out[i * d + j] = out[i * d + j]! + vik * vectors[j * d + k]!;
    }
  }
  return out;
}

/** Row-major product of two d×d matrices. */
export function matmul(a: Float64Array, b: Float64Array, d: number): Float64Array {
  const out = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    for (let k = 0; k < d; k++) {
      const aik = a[i * d + k]!;
      if (aik === 0) continue;
      for (let j = 0; j < d; j++) out[i * d + j] = out[i * d + j]! + aik * b[k * d + j]!;
    }
  }
  return out;
}

/** Mean and standard deviation (population, ddof 0, as torch-fidelity reports) of a list of numbers. */
export function meanStd(xs: readonly number[]): { mean: number; std: number } {
  const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
  const variance = xs.reduce((s, x) => s + (x - mean) * (x - mean), 0) / xs.length;
  return { mean, std: Math.sqrt(variance) };
}
