import * as tf from '@tensorflow/tfjs';
import { l2Normalize } from '@contrastive/core';

/** Which contrastive terms a CLAPS loss has (see {@link clapsContrastiveLoss}). */
export type ClapsContrastVariant = 'claps' | 'no-imposter' | 'no-distant';

/** Options of {@link clapsContrastiveLoss}. */
export interface ClapsContrastiveLossOptions {
  /** τ. Default 0.1 (official `--tau`, all three tasks). */
  temperature?: number;
  /**
   * `'claps'` (default): `½(L1 + L2)` with the imposter column in both. `'no-imposter'` (the paper's "w/o
   * negative" ablation): the imposter column is dropped from L1 and L2. `'no-distant'` (the paper's "w/o
   * positive" ablation): L2 is dropped, the loss is L1 alone. The official repository has an `--ablation`
   * flag that nothing reads, so the two ablations follow the paper's description, not code.
   */
  variant?: ClapsContrastVariant;
  /**
   * Reproduce the official code's L2, whose logits are **not** divided by τ (`new_logits =
   * cat([new_sim_matrix, adv_sim], 1)` while `logits = cat([sim_matrix, adv_sim], 1) / self.tau`).
   * Default `false`: L2 divides by τ like L1 — the paper writes both terms with τ, and without it the
   * cosine logits in [−1, 1] make L2 nearly flat (≈ log(N+1) whatever the similarities).
   */
  officialL2?: boolean;
}

/** Cosine similarity of every row of `a` `[N, d]` with every row of `b` `[M, d]` → `[N, M]` (unit rows via core's `l2Normalize`). */
export function cosineMatrix(a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => tf.matMul(unit(a), unit(b), false, true) as tf.Tensor2D);
}

/** Row-wise cosine of `a` `[N, d]` and `b` `[N, d]` → `[N]`. */
export function cosineRows(a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor1D {
  return tf.tidy(() => unit(a).mul(unit(b)).sum(1) as tf.Tensor1D);
}

/**
 * Rows divided by their norm, with core's gradient-safe `l2Normalize` (norm floored at 1e-12 inside the square root):
 * at an all-zero row (a pooled projection whose ReLU units are all off — it happened at lr 5e-3) `tf.norm`'s gradient
 * is 0/0 = NaN even under a floor, and one NaN gradient made every weight NaN. `nn.CosineSimilarity` floors at 1e-8;
 * the two agree for any row of norm > 1e-8.
 */
function unit(x: tf.Tensor2D): tf.Tensor2D {
  return l2Normalize(x);
}

/** Mean over rows of `−log softmax(logits)[i, i]` (CrossEntropyLoss with labels `arange(N)`). */
function diagonalCrossEntropy(logits: tf.Tensor2D): tf.Scalar {
  return tf.tidy(() => {
    const n = logits.shape[0];
    const eye = tf.eye(n, logits.shape[1]);
    return tf.logSoftmax(logits, 1).mul(eye).sum().div(-n) as tf.Scalar;
  });
}

/**
 * The in-batch InfoNCE of the clean pairs, `CE(cos(z_x_i, z_y_j)/τ, i)`: what the distant target ascends
 * (`generate_cont_adv`'s `loss`). `zx`, `zy` `[N, d]`.
 */
export function clapsInfoNce(zx: tf.Tensor2D, zy: tf.Tensor2D, temperature = 0.1): tf.Scalar {
  checkTemperature(temperature);
  checkPair(zx, zy, 'zy');
  return tf.tidy(() => diagonalCrossEntropy(cosineMatrix(zx, zy).div(temperature) as tf.Tensor2D));
}

/**
 * CLAPS' contrastive loss (Lee, Lee & Hwang, ICLR 2021; official `forward(adv=True)`), with S = cos(z_x_i, z_y_j):
 *
 * - `L1 = CE([S | cos(z_x_i, z̃_i)] / τ, i)` — the imposter `z̃` (pooled, projected {@link imposter}) is one extra
 *   negative column per row;
 * - `L2 = CE([S with its diagonal replaced by cos(z_x_i, ẑ_i) | cos(z_x_i, z̃_i)] / τ, i)` — the distant target
 *   `ẑ` ({@link distantTarget}) replaces the positive (τ omitted with `officialL2`);
 * - `L_cont = ½(L1 + L2)`.
 *
 * Shapes: every argument `[N, d]`; `zImposter` may be `null` for `'no-imposter'`, `zDistant` for `'no-distant'`.
 * Pure; the caller disposes the scalar.
 */
export function clapsContrastiveLoss(
  zx: tf.Tensor2D,
  zy: tf.Tensor2D,
  zImposter: tf.Tensor2D | null,
  zDistant: tf.Tensor2D | null,
  options: ClapsContrastiveLossOptions = {},
): tf.Scalar {
  const { temperature = 0.1, variant = 'claps', officialL2 = false } = options;
  checkTemperature(temperature);
  if (variant !== 'claps' && variant !== 'no-imposter' && variant !== 'no-distant') {
    throw new RangeError(`clapsContrastiveLoss: variant must be 'claps', 'no-imposter' or 'no-distant', got '${String(variant)}'`);
  }
  checkPair(zx, zy, 'zy');
  const useImposter = variant !== 'no-imposter';
  const useDistant = variant !== 'no-distant';
  if (useImposter) {
    if (zImposter === null) throw new RangeError(`clapsContrastiveLoss: variant '${variant}' needs zImposter`);
    checkPair(zx, zImposter, 'zImposter');
  }
  if (useDistant) {
    if (zDistant === null) throw new RangeError(`clapsContrastiveLoss: variant '${variant}' needs zDistant`);
    checkPair(zx, zDistant, 'zDistant');
  }
  return tf.tidy(() => {
    const s = cosineMatrix(zx, zy);
    const withImposter = (m: tf.Tensor2D): tf.Tensor2D =>
      useImposter ? (tf.concat([m, cosineRows(zx, zImposter!).expandDims(1)], 1) as tf.Tensor2D) : m;
    const l1 = diagonalCrossEntropy(withImposter(s).div(temperature) as tf.Tensor2D);
    if (!useDistant) return l1;
    const n = s.shape[0];
    const eye = tf.eye(n);
    const sPos = s.mul(tf.sub(1, eye)).add(eye.mul(cosineRows(zx, zDistant!).expandDims(1))) as tf.Tensor2D;
    const logits2 = withImposter(sPos);
    const l2 = diagonalCrossEntropy(officialL2 ? logits2 : (logits2.div(temperature) as tf.Tensor2D));
    return l1.add(l2).mul(0.5) as tf.Scalar;
  });
}

function checkTemperature(t: number): void {
  if (typeof t !== 'number' || !(t > 0) || !Number.isFinite(t))
    throw new RangeError(`CLAPS temperature must be a finite number > 0, got ${String(t)}`);
}

function checkPair(a: tf.Tensor2D, b: tf.Tensor2D, name: string): void {
  if (a.rank !== 2 || b.rank !== 2 || a.shape[0] !== b.shape[0] || a.shape[1] !== b.shape[1]) {
    throw new RangeError(`CLAPS loss: zx is [${a.shape}] but ${name} is [${b.shape}]; both must be [N, d]`);
  }
  if (a.shape[0] < 1) throw new RangeError('CLAPS loss: the batch is empty');
}
