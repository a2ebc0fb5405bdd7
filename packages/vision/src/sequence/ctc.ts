import * as tf from '@tensorflow/tfjs';

/**
 * Connectionist temporal classification (Graves, Fernández, Gomez & Schmidhuber, ICML 2006): the negative
 * log-likelihood of a label sequence summed over every frame alignment (blanks and repeats collapse to it).
 *
 * tfjs 4.22 has no CTC op on any backend (no `ctcLoss` kernel in tfjs-core, -backend-cpu or -backend-wasm;
 * tensorflow/tfjs#1759 was closed unimplemented and the CPU pull request #4741 never merged), so this is a
 * `tf.customGrad` whose forward–backward recursions run in JavaScript, in float64 and in log space, the way
 * PyTorch's CPU kernel (`aten/src/ATen/native/LossCTC.cpp`) computes them:
 * - forward: log-softmax of the logits, α over the extended target l′ = (blank, l₁, blank, l₂, …, blank),
 *   nll = −log(α_{T−1}(S−1) + α_{T−1}(S−2));
 * - backward: β, then per frame t and class c, ∂nll/∂logit_{t,c} = y_{t,c} − (1/p)·Σ_{s: l′ₛ = c} α_t(s)β_t(s)/y_{t,c}
 *   (PyTorch's formula; y the softmax, p = e^{−nll}; α and β both include y_{t,l′ₛ}, hence the division).
 * Repeated labels need a blank between them (no skip transition from l′ₛ₋₂ when l′ₛ = l′ₛ₋₂); frames at or
 * past a sample's input length get no gradient; an infeasible sample (input shorter than its label plus its
 * repeats) has loss +∞ and a NaN gradient on its frames — as PyTorch — or 0 and no gradient with
 * `zeroInfinity`.
 *
 * **One synchronous read per call**: the logits are read to the CPU (`dataSync`) when the loss is computed,
 * as graph's `SparseOperand` reads its operand; on wasm/cpu that is a copy, on WebGL a GPU stall. Memory is
 * O(N·T·C) for the log-probabilities and the gradient plus O(Σ T·S) for α, S = 2L+1 (β keeps two rows).
 */

/** Options of {@link ctcLoss}. */
export interface CtcOptions {
  /** Class index of the blank. Default 0 (PyTorch's default; {@link Charset} reserves id 0 for it). */
  blank?: number;
  /**
   * `'mean'` (default, PyTorch's): each sample's loss divided by its target length (at least 1), then the
   * batch mean; `'sum'`: the sum of the per-sample losses; `'none'`: the per-sample losses `[N]`.
   */
  reduction?: 'mean' | 'sum' | 'none';
  /** Replace an infinite loss (an infeasible alignment) by 0 and its gradient by 0 (PyTorch's `zero_infinity`). Default false. */
  zeroInfinity?: boolean;
  /** Valid frames of each sample (`[N]`, each in 0..T). Default T for every sample. */
  inputLengths?: Int32Array;
}

const REDUCTIONS = ['mean', 'sum', 'none'] as const;

/** log(eᵃ + eᵇ) without overflow; −∞ is the identity. */
function logAdd(a: number, b: number): number {
  if (a === Number.NEGATIVE_INFINITY) return b;
  if (b === Number.NEGATIVE_INFINITY) return a;
  return a > b ? a + Math.log1p(Math.exp(b - a)) : b + Math.log1p(Math.exp(a - b));
}

/**
 * The fewest frames an alignment of `target` needs: its length plus one blank between each pair of equal
 * neighbours. A sample with fewer input frames has CTC loss +∞.
 */
export function ctcMinFrames(target: ArrayLike<number>): number {
  let n = target.length;
  for (let i = 1; i < target.length; i++) if (target[i] === target[i - 1]) n++;
  return n;
}

/** Row-wise log-softmax of `x` (`rows` rows of `c`) in float64. */
function logSoftmaxRows(x: ArrayLike<number>, rows: number, c: number): Float64Array {
  const out = new Float64Array(rows * c);
  for (let r = 0; r < rows; r++) {
    const o = r * c;
    let m = Number.NEGATIVE_INFINITY;
    for (let k = 0; k < c; k++) if (x[o + k]! > m) m = x[o + k]!;
    let s = 0;
    for (let k = 0; k < c; k++) s += Math.exp(x[o + k]! - m);
    const lse = m + Math.log(s);
    for (let k = 0; k < c; k++) out[o + k] = x[o + k]! - lse;
  }
  return out;
}

/** The extended target l′ = (b, l₁, b, l₂, …, b) of length 2L+1. */
function extend(target: ArrayLike<number>, blank: number): Int32Array {
  const ext = new Int32Array(2 * target.length + 1).fill(blank);
  for (let i = 0; i < target.length; i++) ext[2 * i + 1] = target[i]!;
  return ext;
}

/**
 * α recursion of one sample in log space: fills `alpha` (`tLen` rows of `ext.length`, from `aOff`) and
 * returns the negative log-likelihood. `lp` is the sample's log-softmax `[T, C]` from `lpOff`.
 */
function ctcAlpha(lp: Float64Array, lpOff: number, c: number, tLen: number, ext: Int32Array, alpha: Float64Array, aOff: number): number {
  const S = ext.length;
  if (tLen === 0) return S === 1 ? 0 : Number.POSITIVE_INFINITY;
  alpha.fill(Number.NEGATIVE_INFINITY, aOff, aOff + tLen * S);
  alpha[aOff] = lp[lpOff + ext[0]!]!;
  if (S > 1) alpha[aOff + 1] = lp[lpOff + ext[1]!]!;
  for (let t = 1; t < tLen; t++) {
    const prev = aOff + (t - 1) * S;
    const cur = aOff + t * S;
    const row = lpOff + t * c;
    for (let s = 0; s < S; s++) {
      const l = ext[s]!;
      let a = alpha[prev + s]!;
      if (s > 0) a = logAdd(a, alpha[prev + s - 1]!);
      // The skip over a blank is allowed only between different labels (a repeat needs its blank).
      if (s > 1 && l !== ext[s - 2]) a = logAdd(a, alpha[prev + s - 2]!);
      alpha[cur + s] = a === Number.NEGATIVE_INFINITY ? a : a + lp[row + l]!;
    }
  }
  const last = aOff + (tLen - 1) * S;
  const ll = S > 1 ? logAdd(alpha[last + S - 1]!, alpha[last + S - 2]!) : alpha[last + S - 1]!;
  return -ll;
}

/**
 * β recursion of one sample (two rows kept) fused with the gradient w.r.t. its logits: writes
 * `y − exp(log Σ_{l′ₛ=c} αβ + nll − log y)` into `grad` (`[T, C]` from `gOff`) for t < tLen (the rest stays 0).
 */
function ctcBetaGrad(
  lp: Float64Array,
  lpOff: number,
  c: number,
  tLen: number,
  ext: Int32Array,
  alpha: Float64Array,
  aOff: number,
  nll: number,
  grad: Float32Array,
  gOff: number,
  beta: Float64Array,
  lcab: Float64Array,
): void {
  const S = ext.length;
  const finite = Number.isFinite(nll);
  let cur = 0;
  let next = S;
  for (let t = tLen - 1; t >= 0; t--) {
    const row = lpOff + t * c;
    for (let s = 0; s < S; s++) {
      const l = ext[s]!;
      let b: number;
      if (t === tLen - 1) b = s >= S - 2 ? 0 : Number.NEGATIVE_INFINITY;
      else {
        b = beta[next + s]!;
        if (s + 1 < S) b = logAdd(b, beta[next + s + 1]!);
        if (s + 2 < S && l !== ext[s + 2]) b = logAdd(b, beta[next + s + 2]!);
      }
      beta[cur + s] = b === Number.NEGATIVE_INFINITY ? b : b + lp[row + l]!;
    }
    lcab.fill(Number.NEGATIVE_INFINITY);
    const a = aOff + t * S;
    for (let s = 0; s < S; s++) lcab[ext[s]!] = logAdd(lcab[ext[s]!]!, alpha[a + s]! + beta[cur + s]!);
    const g = gOff + t * c;
    for (let k = 0; k < c; k++) {
      const y = lp[row + k]!;
      const ab = lcab[k]!;
      // Most classes are not in the target: their posterior is 0 (skip an exp). With nll = +∞ (infeasible),
      // −∞ + ∞ is NaN, which PyTorch returns too, so the shortcut applies only to a finite nll.
      grad[g + k] = ab === Number.NEGATIVE_INFINITY && finite ? Math.exp(y) : Math.exp(y) - Math.exp(ab + nll - y);
    }
    const tmp = cur;
    cur = next;
    next = tmp;
  }
}

function validate(logits: tf.Tensor, targets: readonly ArrayLike<number>[], opts: CtcOptions) {
  if (logits.rank !== 3) throw new RangeError(`ctcLoss: logits must be [N, T, C], got shape [${logits.shape.join(', ')}]`);
  const [n, t, c] = logits.shape as [number, number, number];
  const { blank = 0, reduction = 'mean', zeroInfinity = false, inputLengths } = opts;
  if (n < 1 || t < 1 || c < 2)
    throw new RangeError(`ctcLoss: logits [N, T, C] need N >= 1, T >= 1 and C >= 2 (a blank and a label), got [${n}, ${t}, ${c}]`);
  if (!Number.isInteger(blank) || blank < 0 || blank >= c)
    throw new RangeError(`ctcLoss: blank must be an integer in [0, ${c - 1}] (C = ${c} classes), got ${String(blank)}`);
  if (!REDUCTIONS.includes(reduction))
    throw new RangeError(`ctcLoss: reduction must be one of ${REDUCTIONS.join(', ')}, got ${String(reduction)}`);
  if (targets.length !== n)
    throw new RangeError(`ctcLoss: targets must hold one label sequence per sample (N = ${n}), got ${targets.length}`);
  targets.forEach((tg, i) => {
    for (let j = 0; j < tg.length; j++) {
      const v = tg[j]!;
      if (!Number.isInteger(v) || v < 0 || v >= c || v === blank)
        throw new RangeError(`ctcLoss: targets[${i}][${j}] = ${v} must be a class id in [0, ${c - 1}] other than the blank (${blank})`);
    }
  });
  const lengths = inputLengths ?? new Int32Array(n).fill(t);
  if (lengths.length !== n) throw new RangeError(`ctcLoss: inputLengths must have N = ${n} entries, got ${lengths.length}`);
  lengths.forEach((len, i) => {
    if (!(len >= 0 && len <= t)) throw new RangeError(`ctcLoss: inputLengths[${i}] = ${len} must be in [0, ${t}] (T)`);
  });
  return { n, t, c, blank, reduction, zeroInfinity, lengths };
}

/**
 * CTC loss of unnormalised `logits` `[N, T, C]` (log-softmax applied inside) against label sequences
 * `targets` (ids in 1..C−1 with the default blank 0; lengths may differ and may be 0). Returns a scalar, or
 * `[N]` with `reduction: 'none'`. Differentiable w.r.t. `logits`; values and gradients match
 * `torch.nn.functional.ctc_loss(log_softmax(logits).transpose(0, 1), …)` (tools/reference/ctc_loss.py).
 *
 * @example
 * const loss = ctcLoss(decoder.apply(frames) as tf.Tensor3D, texts.map((s) => charset.encode(s)));
 */
export function ctcLoss(logits: tf.Tensor3D, targets: readonly ArrayLike<number>[], opts: CtcOptions = {}): tf.Tensor {
  const { n, t, c, blank, reduction, zeroInfinity, lengths } = validate(logits, targets, opts);
  const exts = targets.map((tg) => extend(tg, blank));
  const aOffsets = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) aOffsets[i + 1] = aOffsets[i]! + lengths[i]! * exts[i]!.length;
  // (The cast: tfjs types the forward's parameters as Tensor | GradSaveFunc; this one takes the tensor only.)
  const f = tf.customGrad(((x: tf.Tensor) => {
    const lp = logSoftmaxRows(x.dataSync(), n * t, c);
    const alpha = new Float64Array(aOffsets[n]!);
    const nll = new Float64Array(n);
    for (let i = 0; i < n; i++) nll[i] = ctcAlpha(lp, i * t * c, c, lengths[i]!, exts[i]!, alpha, aOffsets[i]!);
    const dropped = Array.from(nll, (v) => zeroInfinity && v === Number.POSITIVE_INFINITY);
    const losses = Array.from(nll, (v, i) => (dropped[i] ? 0 : v));
    // Per-sample weight of the reduced loss: 1/(max(1, L)·N) for 'mean' (PyTorch divides by the target length).
    const weights = targets.map((tg) => (reduction === 'mean' ? 1 / (Math.max(1, tg.length) * n) : 1));
    const value =
      reduction === 'none'
        ? tf.tensor1d(losses, 'float32')
        : tf.scalar(
            losses.reduce((s, v, i) => s + v * weights[i]!, 0),
            'float32',
          );
    const gradFunc = (dy: tf.Tensor) => {
      const grad = new Float32Array(n * t * c);
      let maxS = 1;
      for (const e of exts) maxS = Math.max(maxS, e.length);
      const beta = new Float64Array(2 * maxS);
      const lcab = new Float64Array(c);
      for (let i = 0; i < n; i++) {
        if (dropped[i] || lengths[i] === 0) continue;
        ctcBetaGrad(lp, i * t * c, c, lengths[i]!, exts[i]!, alpha, aOffsets[i]!, nll[i]!, grad, i * t * c, beta, lcab);
      }
      return tf.tidy(() => {
        const scale = tf.mul(dy, tf.tensor1d(weights, 'float32')).reshape([n, 1, 1]);
        return tf.mul(tf.tensor3d(grad, [n, t, c]), scale);
      });
    };
    return { value, gradFunc };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return f(logits);
}
