import * as tf from '@tensorflow/tfjs';
import { assertEmbeddings, assertPositive, cosineSimilarityMatrix, maskedLogSumExp } from '@contrastive/core';

/**
 * MoCL global-knowledge loss, least-squares form (Sun et al., KDD 2021, `model.py` `loss_global_sup`):
 * `mean_{i,j ∈ batch} (cos(z_i, z_j) − T_ij)²`, where T is the Tanimoto similarity of the molecules'
 * fingerprints `[B, B]` and z `[B, D]` comes from an un-augmented forward pass.
 */
export function moclGlobalLeastSquares(z: tf.Tensor2D, tanimoto: tf.Tensor2D): tf.Scalar {
  assertEmbeddings(z, 'z', 2);
  const b = z.shape[0];
  if (tanimoto.rank !== 2 || tanimoto.shape[0] !== b || tanimoto.shape[1] !== b) {
    throw new RangeError(`tanimoto must have shape [${b}, ${b}], got [${tanimoto.shape.join(', ')}]`);
  }
  return tf.tidy(() => tf.mean(tf.square(tf.sub(cosineSimilarityMatrix(z, z), tanimoto))) as tf.Scalar);
}

/**
 * MoCL global-knowledge loss, contrastive form (`loss_global_cl`):
 *
 *   −mean_i log( Σ_{j∈NB(i)} e^{S_ij/T} / Σ_{j∉NB(i)} e^{S_ij/T} ),   S = cos(z, z)
 *
 * `neighbours` `[B, B]` bool marks j ∈ NB(i): the dataset-level top-`n_nb` Tanimoto neighbours of i
 * (which include i itself) restricted to the batch. Positives are excluded from the denominator.
 * Rows with no neighbour or no non-neighbour in the batch have no defined ratio and are left out of the
 * mean (0 if none is left). Default T = 0.5.
 */
export function moclGlobalContrastive(z: tf.Tensor2D, neighbours: tf.Tensor2D, temperature = 0.5): tf.Scalar {
  assertEmbeddings(z, 'z', 2);
  assertPositive(temperature, 'temperature');
  const b = z.shape[0];
  if (neighbours.rank !== 2 || neighbours.shape[0] !== b || neighbours.shape[1] !== b || neighbours.dtype !== 'bool') {
    throw new RangeError(
      `neighbours must be a bool tensor of shape [${b}, ${b}], got ${neighbours.dtype} [${neighbours.shape.join(', ')}]`,
    );
  }
  return tf.tidy(() => {
    const s = tf.div(cosineSimilarityMatrix(z, z), temperature) as tf.Tensor2D;
    const non = tf.logicalNot(neighbours);
    const nbCount = tf.sum(tf.cast(neighbours, 'float32'), 1);
    const nonCount = tf.sum(tf.cast(non, 'float32'), 1);
    const valid = tf.logicalAnd(tf.greater(nbCount, 0), tf.greater(nonCount, 0));
    const perRow = tf.sub(maskedLogSumExp(s, non, 1), maskedLogSumExp(s, neighbours, 1));
    const masked = tf.where(valid, perRow, tf.zerosLike(perRow));
    const nValid = tf.maximum(tf.sum(tf.cast(valid, 'float32')), 1);
    return tf.div(tf.sum(masked), nValid) as tf.Scalar;
  });
}
