import * as tf from '@tensorflow/tfjs';
import { assertOneOf, checkEmbeddingPair, checkOptionKeys, checkTemperature, l2Normalize } from '@contrastive/core';

/** How ANCE scores a (query, passage) pair: `'dot'` = raw inner product (the paper), `'cos'` = cosine. */
export const ANCE_SIMILARITIES = ['dot', 'cos'] as const;
export type AnceSimilarity = (typeof ANCE_SIMILARITIES)[number];

/** The two loss forms of ANCE: the paper's NLL over all negatives, or the code's `--triplet` (one negative at a time). */
export const ANCE_LOSSES = ['nll', 'triplet'] as const;
export type AnceLossForm = (typeof ANCE_LOSSES)[number];

/** Options of {@link anceNllLoss}. Defaults are the paper's. */
export interface AnceLossOptions {
  /**
   * `f(q, d)`: `'dot'` (default) is ANCE's raw dot product (`RobertaDot_NLL_LN`: first token → Linear →
   * LayerNorm, no normalisation, no τ). `'cos'` L2-normalises both sides first: a BERT trained from scratch
   * has no LayerNorm head bounding its vectors, and cosine/τ is then the usual stable choice (SimCSE, DPR-cos).
   */
  similarity?: AnceSimilarity;
  /** Scores are divided by τ. Default 1 (ANCE has none). With `'cos'` use ~0.05–0.1. */
  temperature?: number;
  /**
   * `'nll'` (default): the paper's `−log e^{f(q,d⁺)} / (e^{f(q,d⁺)} + Σ_{d⁻} e^{f(q,d⁻)})`, mean over queries.
   * `'triplet'`: the official scripts' `--triplet` (`model/models.py` `NLL.forward`): each (q, d⁺, d⁻) is its
   * own 2-way softmax, `softplus(f(q,d⁻) − f(q,d⁺))`, mean over all B·n pairs. Equal when n = 1.
   */
  loss?: AnceLossForm;
  /**
   * Also use the other queries' positives as negatives (DPR's in-batch negatives): the candidates of query i
   * are `[d⁺_0 … d⁺_{B−1}, its own negatives]`. Default `false`: ANCE's code does not (each query sees only its
   * retrieved negatives). `'nll'` only.
   */
  inBatchNegatives?: boolean;
}

const KEYS = ['similarity', 'temperature', 'loss', 'inBatchNegatives'] as const;

/**
 * ANCE's loss (Xiong et al., ICLR 2021) for `B` queries, their positives and `n` retrieved negatives each.
 *
 * Shapes: `query` `[B, d]`, `positive` `[B, d]`, `negatives` `[B, n, d]` or `[B·n, d]` (rows `i·n … i·n+n−1`
 * are query i's, the layout of {@link AnceBatch.negatives}). Returns a scalar (mean over queries for `'nll'`,
 * over the B·n pairs for `'triplet'`). Differentiable w.r.t. all three.
 *
 * @example
 * const loss = anceNllLoss(q, dPos, dNeg); // ANCE: raw dot, τ = 1, NLL over 1 + n candidates
 * const cos = anceNllLoss(q, dPos, dNeg, { similarity: 'cos', temperature: 0.05 });
 */
export function anceNllLoss(
  query: tf.Tensor2D,
  positive: tf.Tensor2D,
  negatives: tf.Tensor2D | tf.Tensor3D,
  options: AnceLossOptions = {},
): tf.Scalar {
  checkOptionKeys(options, KEYS, 'anceNllLoss');
  const { similarity = 'dot', temperature = 1, loss = 'nll', inBatchNegatives = false } = options;
  assertOneOf(similarity, ANCE_SIMILARITIES, 'anceNllLoss: similarity');
  assertOneOf(loss, ANCE_LOSSES, 'anceNllLoss: loss');
  checkTemperature(temperature);
  if (typeof inBatchNegatives !== 'boolean')
    throw new TypeError(`anceNllLoss: inBatchNegatives must be a boolean, got ${String(inBatchNegatives)}`);
  if (inBatchNegatives && loss !== 'nll')
    throw new RangeError("anceNllLoss: inBatchNegatives needs loss 'nll' (the triplet form has one negative per pair)");
  checkEmbeddingPair(query, positive, 'query', 'positive');
  const n = negativesPerQuery(negatives, query.shape[0], query.shape[1]);
  return tf.tidy(() => {
    const [b, d] = query.shape;
    const norm = <T extends tf.Tensor>(x: T): T => (similarity === 'cos' ? l2Normalize(x) : x);
    const q = norm(query);
    const p = norm(positive);
    const neg = norm(tf.reshape(negatives, [b, n, d]) as tf.Tensor3D);
    const sPos = tf.div(tf.sum(tf.mul(q, p), 1), temperature) as tf.Tensor1D; // [B]
    const sNeg = tf.div(tf.squeeze(tf.matMul(tf.expandDims(q, 1), neg, false, true), [1]), temperature) as tf.Tensor2D; // [B, n]
    if (loss === 'triplet') return tf.mean(tf.softplus(tf.sub(sNeg, tf.expandDims(sPos, 1)))) as tf.Scalar;
    // In-batch: q·Pᵀ holds the positive on the diagonal and the other queries' positives off it.
    const first = inBatchNegatives ? tf.div(tf.matMul(q, p, false, true), temperature) : tf.expandDims(sPos, 1);
    return tf.mean(tf.sub(tf.logSumExp(tf.concat([first, sNeg], 1), 1), sPos)) as tf.Scalar;
  });
}

/** n from `[B, n, d]` or `[B·n, d]`, with a message naming the shape when it does not fit. */
function negativesPerQuery(negatives: tf.Tensor, b: number, d: number): number {
  if (!(negatives instanceof tf.Tensor)) throw new TypeError('anceNllLoss: negatives must be a tf.Tensor [B, n, d] or [B·n, d]');
  const s = negatives.shape;
  if (negatives.rank === 3 && s[0] === b && s[2] === d && s[1]! >= 1) return s[1]!;
  if (negatives.rank === 2 && s[1] === d && s[0]! >= b && s[0]! % b === 0) return s[0]! / b;
  throw new RangeError(`anceNllLoss: negatives must be [${b}, n, ${d}] or [${b}·n, ${d}] with n >= 1, got [${s.join(', ')}]`);
}
