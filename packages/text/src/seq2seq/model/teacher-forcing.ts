import * as tf from '@tensorflow/tfjs';
import type { Seq2SeqModel } from './seq2seq-model.js';
import { tokenCrossEntropy } from './transformer.js';
import type { Seq2SeqBatch, Seq2SeqForwardOptions } from './transformer.js';

/** Decoder input `[BOS, tgtIds[:, :-1]]` and its mask `[1, tgtMask[:, :-1]]` (teacher forcing). Caller disposes. */
export function shiftRight(bosId: number, tgtIds: tf.Tensor2D, tgtMask: tf.Tensor2D): { inputIds: tf.Tensor2D; inputMask: tf.Tensor2D } {
  return tf.tidy(() => {
    const [b, t] = tgtIds.shape;
    const bos = tf.fill([b, 1], bosId, 'int32');
    const one = tf.ones([b, 1], 'int32');
    return {
      inputIds: tf.concat([bos, tgtIds.cast('int32').slice([0, 0], [b, t - 1])], 1) as tf.Tensor2D,
      inputMask: tf.concat([one, tgtMask.cast('int32').slice([0, 0], [b, t - 1])], 1) as tf.Tensor2D,
    };
  });
}

/**
 * Teacher-forced token cross-entropy (nats) of any {@link Seq2SeqModel}, averaged over the non-pad target tokens
 * (labels = `tgtIds`, decoder input = `[BOS, tgtIds[:, :-1]]`). Differentiable w.r.t. the weights; caller disposes.
 */
export function teacherForcedNll(
  model: Seq2SeqModel,
  batch: Seq2SeqBatch,
  training = false,
  options: Seq2SeqForwardOptions = {},
): tf.Scalar {
  if (batch.tgtIds.shape[1] < 1) throw new RangeError('tgtIds must have at least one column');
  return tf.tidy(() => {
    const hEnc = model.encode(batch.srcIds, batch.srcMask, training, options);
    const { inputIds, inputMask } = model.shiftRight(batch.tgtIds, batch.tgtMask);
    const hDec = model.decode(hEnc, batch.srcMask, inputIds, inputMask, training, options);
    return tokenCrossEntropy(model.logits(hDec), batch.tgtIds, batch.tgtMask);
  });
}
