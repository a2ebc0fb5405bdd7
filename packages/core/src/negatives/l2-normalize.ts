import * as tf from '@tensorflow/tfjs';

/**
 * Row-wise L2 normalisation along the last axis, `x / max(‖x‖, eps)` (eps guards all-zero rows, as in
 * `torch.nn.functional.normalize`). Internal helper of the negative sources; call inside a `tf.tidy`.
 */
export function l2NormalizeRows<T extends tf.Tensor>(x: T, eps = 1e-12): T {
  const norm = tf.maximum(tf.norm(x, 'euclidean', -1, true), eps);
  return tf.div(x, norm) as T;
}

/** `[rows, dim]` Float32Array of standard-normal rows scaled to unit length, from a seeded stream. */
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
