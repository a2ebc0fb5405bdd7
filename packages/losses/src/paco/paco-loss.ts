import * as tf from '@tensorflow/tfjs';
import {
  assertEmbeddings,
  assertOneOf,
  assertPositive,
  l2Normalize,
  type LossResult,
  maskedLogSumExp,
  REDUCTIONS,
  type Reduction,
  type ReductionOption,
  reduceLoss,
  shapeStr,
  stopGradient,
  checkOptionKeys,
} from '@contrastive/core';

/** The tensors of one {@link pacoLoss} call (what `PaCo/LT/moco/builder.py` hands `PaCoLoss`). */
export interface PaCoInputs {
  /** Query projections q `[N, D]` (gradients flow here). L2-normalised inside (the builder normalises q). */
  features: tf.Tensor2D;
  /** Momentum-encoder keys k `[N, D]`, row i the key of sample i (pass `stopGradient(k)`). L2-normalised inside. */
  keys: tf.Tensor2D;
  /** Class labels `[N]` of the batch (integers in [0, C)), shared by q and k. */
  labels: tf.Tensor1D | ArrayLike<number>;
  /** The queue of past keys `[K, D]` (MoCo queue). L2-normalised inside. Omitted: the batch only (K = 0). */
  queue?: tf.Tensor2D | null;
  /** Labels of the queue `[K]`; a label outside [0, C) (e.g. −1 for a never-written slot) matches nothing. Required with `queue`. */
  queueLabels?: tf.Tensor1D | ArrayLike<number> | null;
  /**
   * Logits of the learnable class centres `[N, C]`: `Wᵀh + b`, the linear classifier on the pooled
   * **backbone** feature h (not the projection; not normalised, not divided by τ).
   */
  centerLogits: tf.Tensor2D;
  /**
   * Logit adjustment `[C]`, added to the centre logits: log π_c, the log class frequency of the training set
   * (the official code: `log(cls_num / Σ cls_num + 1e-9)`, see {@link logClassPrior}). Omitted: no adjustment.
   */
  logPrior?: tf.Tensor1D | null;
}

/** Options of {@link pacoLoss}. */
export interface PaCoLossOptions<R extends Reduction = Reduction> extends ReductionOption<R> {
  /**
   * α, weight of every sample positive (same class in the batch and queue, the sample's own key included)
   * in the numerator. Official scripts: 0.05 ImageNet-LT / iNat / Places-LT, 0.01 CIFAR-100-LT (the
   * argparse default is 1.0). Default `0.05`.
   */
  alpha?: number;
  /** β, weight of the class-centre positive c_y in the numerator (paper and code: 1). Default `1`. */
  beta?: number;
  /**
   * γ, weight of the sample terms in the softmax denominator (centre terms have weight 1; code: 1).
   * γ = 0 keeps only the C centres in the denominator. Default `1`.
   */
  gamma?: number;
  /** τ of the sample similarities q·zᵀ/τ (`--moco-t`: 0.2 ImageNet-LT ResNet-50, 0.05 CIFAR-100-LT). Default `0.2`. */
  temperature?: number;
}

const KEYS = ['alpha', 'beta', 'gamma', 'temperature', 'reduction'] as const;

/**
 * PaCo loss (Cui, Zhong, Liu, Yu & Jia, "Parametric Contrastive Learning", ICCV 2021), exactly as the
 * official `PaCo/LT/losses.py::PaCoLoss` computes it on what `PaCo/LT/moco/builder.py` passes:
 * contrast set Z = [q̂; k̂; queue] `[2N+K, D]` with labels [y; y; y_queue], and for anchor q̂_i
 *
 * - logits `ℓ_i = [ Wᵀh_i + b + log π  (C centre columns) , q̂_i·Zᵀ/τ  (2N+K sample columns) ]`;
 * - denominator `log( Σ_c exp ℓ_ic + γ Σ_{j ≠ i} exp ℓ_ij )` (self-contrast column i masked out);
 * - numerator mask `m_i = [ β·onehot(y_i) , α·1[y_j = y_i, j ≠ i] ]` (its own key k̂_i is a positive);
 * - `loss_i = −Σ_j m_ij (ℓ_ij − log denominator_i) / Σ_j m_ij`, i.e. normalised by β + α·|P(i)|.
 *
 * Choices vs the paper (the paper writes weight 1 for the centre and α for samples, no τ on centres and no
 * prior): the code is followed — centres enter un-normalised, un-scaled, plus the log prior; β and γ are
 * exposed as the code does. vs the code: computed in log space, keeping the code's `+1e-12` inside the log
 * (relative to the detached row max, self column included) as a floor `logaddexp(·, max + log 1e-12)` —
 * it only acts at extreme τ (0.01), and is then what the code computes;
 * q, k and the queue are L2-normalised inside (the identity on the builder's normalised inputs);
 * `supt` and `base_temperature` are not exposed (their defaults 1 and τ make them no-ops).
 *
 * @returns a scalar (`'mean'` over the N anchors as the code's `.mean()`, or `'sum'`), or with
 *   `reduction: 'none'` the per-anchor losses `[N]`.
 *
 * @example
 * ```ts
 * const loss = pacoLoss(
 *   { features: z, keys: stopGradient(k), labels, queue, queueLabels, centerLogits: h.matMul(W).add(b), logPrior },
 *   { alpha: 0.05, temperature: 0.2 },
 * );
 * ```
 */
export function pacoLoss<R extends Reduction = 'mean'>(inputs: PaCoInputs, options: PaCoLossOptions<R> = {}): LossResult<R> {
  checkOptionKeys(options, KEYS, 'pacoLoss');
  const { alpha = 0.05, beta = 1, gamma = 1, temperature = 0.2 } = options;
  const reduction = (options.reduction ?? 'mean') as R;
  assertOneOf(reduction, REDUCTIONS, 'reduction');
  checkWeight(alpha, 'alpha');
  checkWeight(beta, 'beta');
  checkWeight(gamma, 'gamma');
  if (alpha + beta === 0) throw new RangeError('pacoLoss: alpha and beta cannot both be 0 (the numerator mask would be empty)');
  assertPositive(temperature, 'temperature');
  const { features, keys, centerLogits, queue = null, queueLabels = null, logPrior = null } = checkInputs(inputs);
  const [n] = features.shape;
  const c = centerLogits.shape[1];
  const k = queue === null ? 0 : queue.shape[0];
  return tf.tidy(() => {
    const y = labelTensor(inputs.labels, n, 'labels', 'features', c, true);
    const yQueue = queue === null ? null : labelTensor(queueLabels!, k, 'queueLabels', 'queue', c, false);
    const parts = [l2Normalize(features), l2Normalize(keys)];
    if (queue !== null) parts.push(l2Normalize(queue));
    const contrast = tf.concat(parts, 0); // [2N+K, D]
    const sample = tf.div(tf.matMul(parts[0]!, contrast, false, true), temperature); // [N, 2N+K]
    const centre = logPrior === null ? centerLogits : tf.add(centerLogits, logPrior); // [N, C]
    const yAll = tf.concat(yQueue === null ? [y, y] : [y, y, yQueue]);
    const notSelf = tf.concat([tf.logicalNot(tf.cast(tf.eye(n), 'bool')), tf.ones([n, n + k], 'bool')], 1);
    const positive = tf.cast(tf.logicalAnd(tf.equal(tf.reshape(y, [-1, 1]), tf.reshape(yAll, [1, -1])), notSelf), 'float32');
    // Denominator: C centres with weight 1, the samples except self with weight γ (log γ in log space).
    const samplesIn = gamma === 0 ? tf.zerosLike(notSelf) : notSelf;
    const all = tf.concat([centre, sample], 1); // [N, C+2N+K], self column included
    const masked = maskedLogSumExp(
      gamma === 1 || gamma === 0 ? all : tf.concat([centre, tf.add(sample, Math.log(gamma))], 1),
      tf.concat([tf.ones([n, c], 'bool'), samplesIn], 1),
    ); // [N]
    // The code's log(Σ exp(ℓ − max) + 1e-12) + max, with the max over every column (self included) and
    // detached: log-space logaddexp(masked, max + log 1e-12). Inactive unless every unmasked logit lies
    // ~27.6 below the self-similarity 1/τ (τ = 0.01); there it floors the denominator as the code does.
    const floor = tf.add(stopGradient(tf.max(all, 1)), Math.log(1e-12));
    const logZ = tf.logSumExp(tf.stack([masked, floor], 1), 1); // [N]
    const oneHot = tf.oneHot(tf.cast(y, 'int32'), c); // [N, C]
    const centrePositive = tf.sum(tf.mul(oneHot, centre), 1); // ℓ_{i, y_i}
    const samplePositive = tf.sum(tf.mul(positive, sample), 1); // Σ_{p ∈ P(i)} ℓ_ip
    const weight = tf.add(beta, tf.mul(alpha, tf.sum(positive, 1))); // β + α|P(i)|  (≥ α + β > 0: k̂_i ∈ P(i))
    const numerator = tf.add(tf.mul(beta, centrePositive), tf.mul(alpha, samplePositive));
    return reduceLoss(tf.sub(logZ, tf.div(numerator, weight)) as tf.Tensor1D, reduction);
  }) as LossResult<R>;
}

/**
 * The official code's logit adjustment `log(n_c / Σ n + 1e-9)` `[C]` (`PaCoLoss.cal_weight_for_classes`)
 * from the per-class training counts; pass it as `logPrior`. Throws on a negative or non-finite count or
 * an all-zero list.
 */
export function logClassPrior(classCounts: ArrayLike<number>): tf.Tensor1D {
  const counts = Array.from(classCounts ?? [], Number);
  if (counts.length === 0) throw new RangeError('logClassPrior: classCounts must be a non-empty list of counts');
  counts.forEach((v, i) => {
    if (!(Number.isFinite(v) && v >= 0)) throw new RangeError(`logClassPrior: classCounts[${i}] must be a finite count >= 0, got ${v}`);
  });
  const total = counts.reduce((a, b) => a + b, 0);
  if (total === 0) throw new RangeError('logClassPrior: classCounts sum to 0');
  return tf.tensor1d(counts.map((v) => Math.log(v / total + 1e-9)));
}

function checkWeight(v: unknown, name: string): void {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
    throw new RangeError(`pacoLoss: ${name} must be a finite number >= 0, got ${String(v)}`);
  }
}

function checkInputs(inputs: PaCoInputs): PaCoInputs {
  if (inputs === null || typeof inputs !== 'object') throw new TypeError(`pacoLoss: inputs must be an object, got ${String(inputs)}`);
  const { features, keys, centerLogits, queue = null, queueLabels = null, logPrior = null } = inputs;
  assertEmbeddings(features, 'features');
  const [n, d] = features.shape;
  assertEmbeddings(keys, 'keys');
  if (keys.shape[0] !== n || keys.shape[1] !== d) {
    throw new RangeError(`keys must have shape [${n}, ${d}] (one per row of features), got ${shapeStr(keys.shape)}`);
  }
  if (queue !== null) {
    assertEmbeddings(queue, 'queue');
    if (queue.shape[1] !== d)
      throw new RangeError(`queue must have shape [K, ${d}] (the features' D = ${d}), got ${shapeStr(queue.shape)}`);
    if (queueLabels === null) throw new TypeError('queueLabels are required with a queue (one label per queue row)');
  } else if (queueLabels !== null) {
    throw new TypeError('queueLabels were given without a queue');
  }
  assertEmbeddings(centerLogits, 'centerLogits');
  if (centerLogits.shape[0] !== n) {
    throw new RangeError(`centerLogits must have shape [${n}, C] (one row per row of features), got ${shapeStr(centerLogits.shape)}`);
  }
  const c = centerLogits.shape[1];
  if (logPrior !== null) {
    if (!(logPrior instanceof tf.Tensor) || logPrior.rank !== 1 || logPrior.shape[0] !== c || logPrior.dtype !== 'float32') {
      const got = logPrior instanceof tf.Tensor ? `a ${logPrior.dtype} tensor of shape ${shapeStr(logPrior.shape)}` : String(logPrior);
      throw new RangeError(`logPrior must be a float32 tensor of shape [${c}] (one per class of centerLogits), got ${got}`);
    }
  }
  return { ...inputs, queue, queueLabels, logPrior };
}

/**
 * Labels as float32 `[n]`. An array is checked here (integers; the batch's in [0, C), the queue's may be
 * any integer — outside [0, C) matches nothing); a tensor's values are not read (no backend sync).
 */
function labelTensor(
  labels: tf.Tensor1D | ArrayLike<number>,
  n: number,
  name: string,
  rowsName: string,
  c: number,
  inRange: boolean,
): tf.Tensor1D {
  if (labels instanceof tf.Tensor) {
    if (labels.rank !== 1 || labels.shape[0] !== n) {
      throw new RangeError(`${name} must have shape [${n}] (one per row of ${rowsName}), got shape ${shapeStr(labels.shape)}`);
    }
    return (labels.dtype === 'float32' ? labels : tf.cast(labels, 'float32')) as tf.Tensor1D;
  }
  if (labels === null || typeof labels !== 'object' || typeof labels.length !== 'number') {
    throw new TypeError(`${name} must be a tf.Tensor1D or an array of length ${n}, got ${String(labels)}`);
  }
  if (labels.length !== n) throw new RangeError(`${name} must have length ${n} (one per row of ${rowsName}), got length ${labels.length}`);
  const values = Array.from(labels, Number);
  values.forEach((v, i) => {
    if (!Number.isInteger(v) || (inRange && (v < 0 || v >= c))) {
      throw new RangeError(`${name}[${i}] must be an integer${inRange ? ` in [0, ${c}) (C = centerLogits columns)` : ''}, got ${v}`);
    }
  });
  return tf.tensor1d(values, 'float32');
}
