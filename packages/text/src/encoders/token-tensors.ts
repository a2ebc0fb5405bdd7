import * as tf from '@tensorflow/tfjs';
import type { TokenBatch } from '../tokenize/text-tokenizer.js';

/** Tensors of one tokenised batch; dispose with {@link disposeInputs}. */
export interface BatchTensors {
  inputIds: tf.Tensor2D;
  attentionMask: tf.Tensor2D;
  tokenTypeIds: tf.Tensor2D;
}

/** Moves a {@link TokenBatch} to tensors. */
export function batchTensors(b: TokenBatch): BatchTensors {
  return {
    inputIds: tf.tensor2d(b.inputIds, [b.batch, b.length], 'int32'),
    attentionMask: tf.tensor2d(b.attentionMask, [b.batch, b.length], 'int32'),
    tokenTypeIds: tf.tensor2d(b.tokenTypeIds, [b.batch, b.length], 'int32'),
  };
}

export function disposeInputs(t: BatchTensors): void {
  tf.dispose([t.inputIds, t.attentionMask, t.tokenTypeIds]);
}
