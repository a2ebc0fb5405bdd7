import type { Pooling } from '../encoders/pooling.js';

/**
 * Pools a row-major last hidden state `[batch, length, hidden]` (as onnxruntime returns it) into one
 * vector per row, on plain typed arrays (no tensors: the frozen path never touches TensorFlow.js).
 *
 * - `cls`: the [CLS] (first) vector of each row.
 * - `mean`: the average over real tokens (`mask` 1), as in {@link pool}'s `mean` (Sentence-BERT, ConSERT).
 *
 * @param hidden `[batch * length * hidden]` values.
 * @param mask `[batch * length]` attention mask (1 real token, 0 padding).
 * @param shape `[batch, length, hidden]`.
 */
export function poolHidden(
  hidden: ArrayLike<number>,
  mask: ArrayLike<number>,
  shape: readonly [number, number, number],
  pooling: Extract<Pooling, 'cls' | 'mean'>,
): Float32Array[] {
  if (pooling !== 'cls' && pooling !== 'mean')
    throw new RangeError(`poolHidden: pooling must be 'cls' or 'mean' (it sees the last layer only), got '${String(pooling)}'`);
  const [b, l, h] = shape;
  if (hidden.length !== b * l * h) throw new RangeError(`hidden must have ${b}*${l}*${h} = ${b * l * h} values, got ${hidden.length}`);
  if (mask.length !== b * l) throw new RangeError(`mask must have ${b}*${l} = ${b * l} values, got ${mask.length}`);
  const out: Float32Array[] = [];
  for (let r = 0; r < b; r++) {
    const v = new Float32Array(h);
    if (pooling === 'cls') {
      for (let k = 0; k < h; k++) v[k] = hidden[r * l * h + k]!;
    } else {
      // Accumulate in float64: a long sequence of float32 sums drifts by more than the 1e-4 we test to.
      const acc = new Float64Array(h);
      let n = 0;
      for (let t = 0; t < l; t++) {
        if (!mask[r * l + t]) continue;
        n++;
        const base = (r * l + t) * h;
        for (let k = 0; k < h; k++) acc[k]! += hidden[base + k]!;
      }
      for (let k = 0; k < h; k++) v[k] = acc[k]! / Math.max(n, 1e-9);
    }
    out.push(v);
  }
  return out;
}

/** L2-normalises `v` in place (a zero vector stays zero, as `x / max(‖x‖, 1e-12)` in the tfjs path). */
export function l2NormalizeInPlace(v: Float32Array): Float32Array {
  let s = 0;
  for (let k = 0; k < v.length; k++) s += v[k]! * v[k]!;
  const n = Math.max(Math.sqrt(s), 1e-12);
  for (let k = 0; k < v.length; k++) v[k] = v[k]! / n;
  return v;
}
