import type * as tf from '@tensorflow/tfjs';
import { assertFiniteState, countNonFinite, layersEncoder, NonFiniteStateError } from '@contrastive/core';

/**
 * Throws core's `NonFiniteStateError` (`code` `'ENONFINITE'`, naming each weight and its NaN / Inf counts) when
 * a weight of `model` — trainable or not: batch-norm moving statistics too — holds NaN or ±Infinity. The wasm
 * backend's ReLU maps NaN to 0, so a model with NaN weights can still give finite (all-zero) embeddings and
 * plausible-looking scores: the weights themselves must be checked before a model is saved or scored.
 */
export async function assertFiniteModel(model: tf.LayersModel, what: string): Promise<void> {
  const encoder = layersEncoder(model, model.name);
  await assertFiniteState({ stateTensors: () => encoder.stateTensors(), optimizers: () => ({}) }, what);
}

/** Throws core's `NonFiniteStateError` naming `what` when `embeddings` holds NaN or ±Infinity. */
export async function assertFiniteEmbeddings(embeddings: tf.Tensor, what: string): Promise<void> {
  const { nan, inf } = countNonFinite(await embeddings.data<'float32'>());
  if (nan + inf > 0) {
    throw new NonFiniteStateError(
      [{ name: 'embeddings', owner: 'variable', nan, inf, size: embeddings.size }],
      `the embeddings of ${what}`,
    );
  }
}
