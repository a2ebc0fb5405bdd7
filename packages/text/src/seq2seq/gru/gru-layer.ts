import * as tf from '@tensorflow/tfjs';

/** One GRU's weights in PyTorch's layout: gates stacked r, z, n along the first axis. */
export interface GruWeights {
  /** `[3H, I]` */
  weightIh: tf.Tensor2D;
  /** `[3H, H]` */
  weightHh: tf.Tensor2D;
  /** `[3H]` */
  biasIh: tf.Tensor1D;
  /** `[3H]` */
  biasHh: tf.Tensor1D;
}

/**
 * A GRU (Cho et al., 2014; PyTorch's equations) unrolled over time with plain tf ops, so `tf.variableGrads` sees
 * every step: r = σ(W_ir x + b_ir + W_hr h + b_hr), z = σ(W_iz x + b_iz + W_hz h + b_hz),
 * n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn)), h' = (1 − z) ⊙ n + z ⊙ h.
 * Where `mask` is 0 the state is carried unchanged, so with right padding the forward pass never sees a pad and
 * the `reverse` pass starts from `h0` at each row's last real token. Inputs `x` `[B, T, I]`, `mask` `[B, T]`,
 * `h0` `[B, H]` → states `[B, T, H]` in time order. Pure; call inside `tf.tidy`.
 */
export function gruLayer(x: tf.Tensor3D, mask: tf.Tensor2D, h0: tf.Tensor2D, w: GruWeights, reverse = false): tf.Tensor3D {
  const [b, t, i] = x.shape;
  const h3 = w.weightHh.shape[0];
  const gx = tf
    .matMul(x.reshape([b * t, i]), w.weightIh, false, true)
    .add(w.biasIh)
    .reshape([b, t, h3]);
  const xs = tf.unstack(gx, 1) as tf.Tensor2D[];
  const ms = tf.unstack(mask.cast('float32').reshape([b, t, 1]), 1) as tf.Tensor2D[];
  const out: tf.Tensor2D[] = new Array(t);
  let h = h0;
  for (let k = 0; k < t; k++) {
    const s = reverse ? t - 1 - k : k;
    const gh = tf.matMul(h, w.weightHh, false, true).add(w.biasHh);
    const [xr, xz, xn] = tf.split(xs[s]!, 3, 1) as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D];
    const [hr, hz, hn] = tf.split(gh, 3, 1) as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D];
    const r = tf.sigmoid(xr.add(hr));
    const z = tf.sigmoid(xz.add(hz));
    const n = tf.tanh(xn.add(r.mul(hn)));
    const hNew = tf.sub(1, z).mul(n).add(z.mul(h));
    h = h.add(ms[s]!.mul(hNew.sub(h))) as tf.Tensor2D;
    out[s] = h;
  }
  return tf.stack(out, 1) as tf.Tensor3D;
}
