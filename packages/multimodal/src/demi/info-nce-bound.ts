import * as tf from '@tensorflow/tfjs';
import { assertRank, shapeStr } from '@contrastive/core';

/**
 * The InfoNCE lower bound on mutual information (van den Oord, Li & Vinyals, "Representation Learning with
 * Contrastive Predictive Coding", 2018; Poole et al., "On Variational Bounds of Mutual Information", ICML 2019,
 * I_NCE) from a critic's score matrix:
 *
 *   I_NCE = log N + (1/N) Σ_i [ S_ii − log Σ_k e^{S_ik} ]   ≤ log N,
 *
 * S[i, k] = critic(x_i, y_k), (x_i, y_i) drawn from the joint and the other y_k of the batch standing in for
 * p(y). Each term is a log-softmax ≤ 0, so the estimate can never exceed log N: with N = 64, 4.16 nats, however
 * large the true MI (the under-estimation DEMI is built to relieve). It is minus the one-directional InfoNCE
 * loss plus log N; maximise it to train the critic.
 *
 * @param scores `[N, N]` float32 critic scores, row i the anchor x_i, column k the candidate y_k; N ≥ 1.
 * @returns the scalar estimate in nats (gradients flow into `scores`).
 *
 * @example
 * ```ts
 * const critic = separableCritic({ xDim: 20, yDim: 20 });
 * const estimate = infoNceBound(critic.scores(x, y)); // nats, ≤ log N
 * ```
 */
export function infoNceBound(scores: tf.Tensor2D): tf.Scalar {
  checkScores(scores, 'scores', 1);
  const n = scores.shape[0];
  return tf.tidy(() => {
    const diagonal = tf.sum(tf.mul(scores, tf.eye(n)), 1);
    return tf.add(tf.mean(tf.sub(diagonal, tf.logSumExp(scores, 1))), Math.log(n)) as tf.Scalar;
  });
}

/** A square `[N, N]` float32 score matrix with N ≥ `minN`. */
export function checkScores(scores: unknown, name: string, minN: number): asserts scores is tf.Tensor2D {
  assertRank(scores, 2, name, '[N, N]');
  const [n, m] = scores.shape;
  if (n !== m)
    throw new RangeError(`${name} must be square [N, N] (row i: anchor i; column k: candidate y_k), got ${shapeStr(scores.shape)}`);
  if (n! < minN) throw new RangeError(`${name} must have N ≥ ${minN}, got ${shapeStr(scores.shape)}`);
  if (scores.dtype !== 'float32') throw new TypeError(`${name} must be float32, got ${scores.dtype}`);
}
