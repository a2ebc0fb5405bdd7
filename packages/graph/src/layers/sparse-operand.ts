import * as tf from '@tensorflow/tfjs';
import { createRng } from '@contrastive/core';
import type { CsrMatrix } from '../data/csr.js';
import { nnz, transposeCsr, validateCsr } from '../data/csr.js';

/**
 * `y = A·h` for CSR `a` `[R, C]` and row-major `h` `[C, d]`; returns `[R, d]`. Monomorphic on Float32Array
 * (a union of typed arrays here made V8 deoptimise the inner loop: 5× slower, measured).
 */
function csrTimesDense(a: CsrMatrix, h: Float32Array, d: number): Float32Array {
  const out = new Float32Array(a.numRows * d);
  const rowPtr = a.rowPtr;
  const colIdx = a.colIdx;
  const values = a.values;
  const rows = a.numRows;
  for (let i = 0; i < rows; i++) {
    const o = i * d;
    const end = rowPtr[i + 1]!;
    for (let k = rowPtr[i]!; k < end; k++) {
      const v = values[k]!;
      const c = colIdx[k]! * d;
      for (let j = 0; j < d; j++) out[o + j]! += v * h[c + j]!;
    }
  }
  return out;
}

/** A tensor's values as a Float32Array (float32 tensors already are; others are converted). */
function floats(t: tf.Tensor): Float32Array {
  const v = t.dataSync();
  return v instanceof Float32Array ? v : Float32Array.from(v);
}

/**
 * A constant sparse matrix `A` `[R, C]` (CSR, on the CPU) that multiplies dense tensors: `matMul(h)` = `A·h`
 * with the gradient `Aᵀ·dy` w.r.t. `h` (a tfjs `customGrad`; `A` itself gets none: it is data — a GCN's
 * normalised adjacency, or bag-of-words node features). Memory is O(nnz + R·d): no `[nnz, d]` gather as in
 * a gather/segment-sum propagation, so a graph of 10⁵ nodes and 10⁶ edges costs a few MB per layer.
 * Runs on any backend (the product is computed in JavaScript from the tensor's values, one pass over the
 * non-zeros).
 */
export class SparseOperand {
  readonly matrix: CsrMatrix;
  private readonly transposed: CsrMatrix;
  private readonly perm: Int32Array;
  constructor(matrix: CsrMatrix, transposed?: { matrix: CsrMatrix; perm: Int32Array }) {
    if (!transposed) validateCsr(matrix, 'SparseOperand matrix');
    this.matrix = matrix;
    const t = transposed ?? transposeCsr(matrix);
    this.transposed = t.matrix;
    this.perm = t.perm;
  }
  get shape(): [number, number] {
    return [this.matrix.numRows, this.matrix.numCols];
  }
  /** `A·h` `[R, d]` for `h` `[C, d]`, differentiable w.r.t. `h`. */
  matMul(h: tf.Tensor2D): tf.Tensor2D {
    const [r, c] = this.shape;
    if (h.rank !== 2 || h.shape[0] !== c)
      throw new RangeError(`SparseOperand.matMul: h must be [${c}, d] for a [${r}, ${c}] matrix, got [${h.shape.join(', ')}]`);
    const d = h.shape[1];
    const f = tf.customGrad(((x: tf.Tensor) => ({
      value: tf.tensor2d(csrTimesDense(this.matrix, floats(x), d), [r, d]),
      gradFunc: (dy: tf.Tensor) => tf.tensor2d(csrTimesDense(this.transposed, floats(dy), d), [c, d]),
    })) as unknown as Parameters<typeof tf.customGrad>[0]);
    return f(h) as tf.Tensor2D;
  }
  /**
   * The same sparsity pattern with new values (`[nnz]`, in this matrix's order); the transpose is carried
   * over without re-sorting.
   */
  withValues(values: Float32Array): SparseOperand {
    if (values.length !== nnz(this.matrix)) throw new RangeError(`withValues: expected ${nnz(this.matrix)} values, got ${values.length}`);
    const tv = new Float32Array(values.length);
    for (let k = 0; k < tv.length; k++) tv[k] = values[this.perm[k]!]!;
    return new SparseOperand({ ...this.matrix, values }, { matrix: { ...this.transposed, values: tv }, perm: this.perm });
  }
  /**
   * Dropout on the stored non-zeros (Kipf & Welling's `sparse_dropout`): each is zeroed with probability
   * `rate` and the kept ones are scaled by 1/(1 − rate); the masks come from `seed` (reproducible).
   */
  dropout(rate: number, seed: number): SparseOperand {
    if (!(rate >= 0 && rate < 1)) throw new RangeError(`dropout rate must be in [0, 1), got ${rate}`);
    if (rate === 0) return this;
    const rng = createRng(seed);
    const src = this.matrix.values;
    const out = new Float32Array(src.length);
    const scale = 1 / (1 - rate);
    for (let k = 0; k < src.length; k++) out[k] = rng.uniform() < rate ? 0 : src[k]! * scale;
    return this.withValues(out);
  }
}

/** The `[n, n]` identity as a {@link SparseOperand} (an MLP is a GCN whose propagation matrix is the identity). */
export function identityOperand(n: number): SparseOperand {
  const rowPtr = new Int32Array(n + 1);
  const colIdx = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    rowPtr[i + 1] = i + 1;
    colIdx[i] = i;
  }
  return new SparseOperand({ numRows: n, numCols: n, rowPtr, colIdx, values: new Float32Array(n).fill(1) });
}
