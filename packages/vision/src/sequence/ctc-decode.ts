import * as tf from '@tensorflow/tfjs';

/** Options of {@link ctcGreedyDecode}. */
export interface CtcGreedyDecodeOptions {
  /** Class index of the blank. Default 0. */
  blank?: number;
  /** Valid frames of each sample (`[N]`, each in 0..T); frames past it are ignored. Default T. */
  inputLengths?: Int32Array;
}

/**
 * Best-path (greedy) CTC decoding: the arg-max class of every frame, then repeats merged and blanks dropped
 * (Graves et al. 2006, "best path decoding"; what SeqCLR's CTC decoder evaluation reports). `logits`
 * `[N, T, C]` may be unnormalised (the arg-max is the same after a softmax). Returns one label sequence per
 * sample. One synchronous read of the `[N, T]` arg-max.
 */
export function ctcGreedyDecode(logits: tf.Tensor3D, opts: CtcGreedyDecodeOptions = {}): Int32Array[] {
  if (logits.rank !== 3) throw new RangeError(`ctcGreedyDecode: logits must be [N, T, C], got shape [${logits.shape.join(', ')}]`);
  const [n, t, c] = logits.shape;
  const { blank = 0, inputLengths } = opts;
  if (!Number.isInteger(blank) || blank < 0 || blank >= c)
    throw new RangeError(`ctcGreedyDecode: blank must be an integer in [0, ${c - 1}] (C = ${c} classes), got ${String(blank)}`);
  if (inputLengths && inputLengths.length !== n)
    throw new RangeError(`ctcGreedyDecode: inputLengths must have N = ${n} entries, got ${inputLengths.length}`);
  inputLengths?.forEach((len, i) => {
    if (!(len >= 0 && len <= t)) throw new RangeError(`ctcGreedyDecode: inputLengths[${i}] = ${len} must be in [0, ${t}] (T)`);
  });
  const best = tf.tidy(() => tf.argMax(logits, 2));
  const ids = best.dataSync();
  best.dispose();
  const out: Int32Array[] = [];
  for (let i = 0; i < n; i++) {
    const len = inputLengths ? inputLengths[i]! : t;
    const seq: number[] = [];
    let prev = -1;
    for (let j = 0; j < len; j++) {
      const k = ids[i * t + j]!;
      if (k !== prev && k !== blank) seq.push(k);
      prev = k;
    }
    out.push(Int32Array.from(seq));
  }
  return out;
}
