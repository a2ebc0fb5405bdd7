import * as tf from '@tensorflow/tfjs';
import { assertEmbeddings, assertInt, assertPositive, assertRank, shapeStr } from '../validate.js';
import { checkEmbeddingPair, checkOptionKeys, checkReduction, checkTemperature, reducedLoss } from './loss-checks.js';
import type { LossResult, ReductionOption } from './loss-checks.js';
import type { Reduction } from './reduce.js';
import { l2Normalize } from './similarity.js';
import { stopGradient } from '../train/stop-gradient.js';

/** What {@link estimateNceZ} needs: the temperature and the dataset size n. */
export interface NceScoreOptions {
  /** Temperature τ of `exp(vᵀf/τ)` (Wu et al.: 0.07). Default `0.07`. */
  temperature?: number;
  /** Number n of items in the dataset (memory-bank rows): the noise distribution is uniform, Pn = 1/n. */
  datasetSize: number;
}

/** Options of {@link nceLoss}. */
export interface NceLossOptions<R extends Reduction = Reduction> extends NceScoreOptions, ReductionOption<R> {
  /**
   * The fixed normalising constant Z of `P(i|f) = exp(v_iᵀf/τ)/Z`. Lemniscate estimates it once, on the
   * first batch, and keeps it: get it from {@link estimateNceZ} (or use {@link NceLoss}, which does that).
   * Omit both `z` and `logZ` to estimate it on this batch ({@link nceLogZ}, on the backend, no gradient).
   */
  z?: number;
  /**
   * `log Z` instead of `z` (`z = exp(logZ)`); what {@link estimateNceZ} and {@link NceLoss} keep. A scalar
   * tensor (e.g. a non-trainable variable a method checkpoints, see {@link nceLogZ}) is used as is, with
   * no read-back; no gradient flows into it.
   */
  logZ?: number | tf.Scalar;
}

const SCORE_KEYS = ['temperature', 'datasetSize'] as const;
const KEYS = ['temperature', 'datasetSize', 'z', 'logZ', 'reduction'] as const;

/**
 * Binary NCE of the non-parametric instance classifier (Wu, Xiong, Yu & Lin, "Unsupervised Feature
 * Learning via Non-Parametric Instance Discrimination", CVPR 2018; Gutmann & Hyvärinen 2010), in the form
 * of the official code `zhirongw/lemniscate.pytorch` (`lib/NCEAverage.py`, `lib/NCECriterion.py`).
 *
 * Features f and bank rows v are L2-normalised inside. With `P(i|f) = exp(v_iᵀf/τ)/Z`, uniform noise
 * `Pn = 1/n` and m noise samples, the probability that a pair came from the data is
 * `h = P/(P + m·Pn)` and the per-sample loss is
 * `−log h(pos) − Σ_{k=1..m} log(1 − h(neg_k))` (lemniscate sums over the m noise samples and averages
 * over the batch). Computed in log-space: `−log h = softplus(log(m·Pn) − log P)` and
 * `−log(1 − h) = softplus(log P − log(m·Pn))`, so τ = 0.01 does not overflow.
 *
 * Z is a constant (no gradient flows through it), fixed after the first batch as in lemniscate:
 * `Z = n · mean(exp(vᵀf/τ))` over that batch's positive and noise scores ({@link estimateNceZ}).
 *
 * @param features the batch's features f `[N, D]` (gradients flow here).
 * @param positiveRows the memory-bank rows of the batch's own items `[N, D]` (lemniscate's column 0).
 * @param negativeRows noise rows: `[N, K, D]` per sample (lemniscate draws K indices per sample, see
 *   `MemoryBank.sample`) or `[M, D]` shared by the batch; m = K or M. Duplicates of the positive allowed.
 * @returns a scalar, or with `reduction: 'none'` the per-sample losses `[N]`.
 *
 * @example
 * ```ts
 * const bank = new MemoryBank({ size: 50_000, dim: 128, seed: 1 });
 * const nce = new NceLoss({ datasetSize: 50_000, temperature: 0.07 }); // Z fixed on the first call
 * const loss = nce.call(f, bank.rows(indices), bank.sample(4096, { n: indices.length })); // [N, 4096, D]
 * bank.update(stopGradient(f), { indices }); // after the step, as lemniscate's backward
 * ```
 */
export function nceLoss<R extends Reduction = 'mean'>(
  features: tf.Tensor2D,
  positiveRows: tf.Tensor2D,
  negativeRows: tf.Tensor2D | tf.Tensor3D,
  nceOptions: NceLossOptions<R>,
): LossResult<R> {
  checkOptionKeys(nceOptions, KEYS, 'nceLoss');
  const options = nceOptions ?? ({} as NceLossOptions<R>);
  const { temperature = 0.07, datasetSize } = options;
  const reduction = checkReduction(options.reduction);
  checkScoreInputs(features, positiveRows, negativeRows, temperature, datasetSize);
  if (options.z !== undefined && options.logZ !== undefined) {
    throw new RangeError(`nceLoss: give either z or logZ, not both (got z = ${options.z}, logZ = ${options.logZ})`);
  }
  if (options.z !== undefined) assertPositive(options.z, 'z');
  if (options.logZ instanceof tf.Tensor) {
    if (options.logZ.size !== 1) throw new RangeError(`nceLoss: logZ must be a scalar tensor, got shape ${shapeStr(options.logZ.shape)}`);
  } else if (options.logZ !== undefined && !Number.isFinite(options.logZ)) {
    throw new RangeError(`logZ must be a finite number or a scalar tensor, got ${String(options.logZ)}`);
  }
  const logZ = options.logZ ?? (options.z !== undefined ? Math.log(options.z) : undefined);
  const m = negativeRows.rank === 3 ? negativeRows.shape[1]! : negativeRows.shape[0]!;
  const logNoise = Math.log(m) - Math.log(datasetSize); // log(m · Pn)
  return reducedLoss(reduction, () => {
    const s = scores(features, positiveRows, negativeRows, temperature); // [N, 1+m]
    const fixed =
      logZ === undefined
        ? nceLogZ(features, positiveRows, negativeRows, { temperature, datasetSize }) // this batch's estimate, on the backend
        : typeof logZ === 'number'
          ? logZ
          : stopGradient(tf.reshape(logZ, []));
    const logP = tf.sub(s, fixed); // [N, 1+m]
    const [logPPos, logPNeg] = tf.split(logP, [1, m], 1);
    const dataTerm = tf.softplus(tf.sub(logNoise, logPPos!)); // −log h(pos)
    const noiseTerm = tf.softplus(tf.sub(logPNeg!, logNoise)); // −log(1 − h(neg))
    return tf.add(tf.squeeze(dataTerm, [1]), tf.sum(noiseTerm, 1)) as tf.Tensor1D;
  });
}

/**
 * Lemniscate's estimate of the NCE normaliser from one batch: `Z = n · mean(exp(vᵀf/τ))` over the
 * positive and noise scores `[N, 1+m]`, computed in log-space. Call it once, on the first batch, and pass
 * the result to every later {@link nceLoss} call (`{ logZ }`; `z` may be `Infinity` at small τ). Reads the
 * value back from the backend (one sync), so keep it off the per-step path.
 */
export function estimateNceZ(
  features: tf.Tensor2D,
  positiveRows: tf.Tensor2D,
  negativeRows: tf.Tensor2D | tf.Tensor3D,
  options: NceScoreOptions,
): { z: number; logZ: number } {
  checkOptionKeys(options, SCORE_KEYS, 'estimateNceZ');
  const t = nceLogZ(features, positiveRows, negativeRows, options);
  const logZ = t.dataSync()[0]!;
  t.dispose();
  return { z: Math.exp(logZ), logZ };
}

/**
 * {@link estimateNceZ} as a tensor: `log Z = log n + log mean(exp(vᵀf/τ))` over the batch's positive and
 * noise scores, a scalar that carries no gradient. Stays on the backend (no read-back), so a method can
 * fix Z in a variable inside a training step, e.g. `z.assign(tf.where(tf.isNaN(z), nceLogZ(…), z))`.
 */
export function nceLogZ(
  features: tf.Tensor2D,
  positiveRows: tf.Tensor2D,
  negativeRows: tf.Tensor2D | tf.Tensor3D,
  options: NceScoreOptions,
): tf.Scalar {
  checkOptionKeys(options, SCORE_KEYS, 'nceLogZ');
  const { temperature = 0.07, datasetSize } = options ?? ({} as NceScoreOptions);
  checkScoreInputs(features, positiveRows, negativeRows, temperature, datasetSize);
  return tf.tidy(() => {
    const s = stopGradient(scores(features, positiveRows, negativeRows, temperature));
    return tf.add(tf.sub(tf.logSumExp(s), Math.log(s.size)), Math.log(datasetSize)) as tf.Scalar;
  });
}

/**
 * A thin stateful wrapper that fixes Z on its first call, exactly as lemniscate's `NCEAverage` does
 * (`if Z < 0: Z = out.mean() * n`), then calls {@link nceLoss} with it. Holds no tensors.
 */
export class NceLoss {
  private fixedLogZ: number | undefined;

  /** @param options temperature (default 0.07) and dataset size n; Z is estimated on the first call. */
  constructor(private readonly options: NceScoreOptions & { reduction?: 'mean' | 'sum' }) {
    checkOptionKeys(options, [...SCORE_KEYS, 'reduction'], 'NceLoss');
    checkTemperature(options.temperature ?? 0.07);
    assertInt(options.datasetSize, 'datasetSize', 1);
  }

  /** log Z once fixed (after the first call or a restore), else `undefined`. */
  get logZ(): number | undefined {
    return this.fixedLogZ;
  }

  /** Restores a saved log Z (e.g. from a checkpoint's metadata) so a resumed run keeps the same Z. */
  setLogZ(logZ: number): void {
    if (!Number.isFinite(logZ)) throw new RangeError(`logZ must be a finite number, got ${String(logZ)}`);
    this.fixedLogZ = logZ;
  }

  /** The NCE loss of this batch (a scalar); see {@link nceLoss} for the arguments. */
  call(features: tf.Tensor2D, positiveRows: tf.Tensor2D, negativeRows: tf.Tensor2D | tf.Tensor3D): tf.Scalar {
    this.fixedLogZ ??= estimateNceZ(features, positiveRows, negativeRows, {
      temperature: this.options.temperature ?? 0.07,
      datasetSize: this.options.datasetSize,
    }).logZ;
    return nceLoss(features, positiveRows, negativeRows, { ...this.options, logZ: this.fixedLogZ });
  }
}

/** `[pos, noise]` scores `vᵀf/τ` → `[N, 1+m]` on unit vectors. */
function scores(
  features: tf.Tensor2D,
  positiveRows: tf.Tensor2D,
  negativeRows: tf.Tensor2D | tf.Tensor3D,
  temperature: number,
): tf.Tensor2D {
  const f = l2Normalize(features);
  const pos = tf.sum(tf.mul(f, l2Normalize(positiveRows)), 1, true);
  const negs = l2Normalize(negativeRows);
  const neg =
    negs.rank === 2
      ? tf.matMul(f, negs as tf.Tensor2D, false, true)
      : tf.squeeze(tf.matMul(tf.expandDims(f, 1), negs as tf.Tensor3D, false, true), [1]);
  return tf.div(tf.concat([pos, neg], 1), temperature) as tf.Tensor2D;
}

function checkScoreInputs(
  features: tf.Tensor2D,
  positiveRows: tf.Tensor2D,
  negativeRows: tf.Tensor,
  temperature: number,
  datasetSize: number,
): void {
  checkEmbeddingPair(features, positiveRows, 'features', 'positiveRows');
  checkTemperature(temperature);
  if (datasetSize === undefined) throw new RangeError('datasetSize (the number n of bank rows) is required');
  assertInt(datasetSize, 'datasetSize', 1);
  const [n, d] = features.shape;
  if (!(negativeRows instanceof tf.Tensor) || (negativeRows.rank !== 2 && negativeRows.rank !== 3)) {
    assertRank(negativeRows, 2, 'negativeRows', `[M, ${d}] or [${n}, K, ${d}]`);
  }
  if (negativeRows.rank === 2) {
    assertEmbeddings(negativeRows, 'negativeRows');
    if (negativeRows.shape[1] !== d) {
      throw new RangeError(`negativeRows must have shape [M, ${d}], got ${shapeStr(negativeRows.shape)}`);
    }
  } else if (negativeRows.shape[0] !== n || negativeRows.shape[2] !== d || negativeRows.shape[1]! < 1) {
    throw new RangeError(
      `negativeRows must have shape [${n}, K, ${d}] with K ≥ 1 (features is [${n}, ${d}]), got ${shapeStr(negativeRows.shape)}`,
    );
  }
}
