import type * as tf from '@tensorflow/tfjs';
import type { Encoder } from '@contrastive/core';
import { oneOfFlag, UsageError } from '@contrastive/core/cli';
import type { VisionMethod } from '../methods/common.js';
import { LOOC_READOUTS, LooC, type LoocReadout } from '../methods/looc.js';

/** `--readout` (backbone | concat), refused for a method other than LooC (its readout is the encoder). */
export function readoutFlag(values: Parameters<typeof oneOfFlag>[0], method: string | undefined): LoocReadout | undefined {
  const readout = oneOfFlag(values, 'readout', LOOC_READOUTS);
  if (readout !== undefined && method !== undefined && method !== 'looc') {
    throw new UsageError(`--readout applies to --method looc only (got --method ${method}: its readout is the encoder)`);
  }
  return readout;
}

/** What is scored: LooC's chosen readout (backbone = LooC, concat = LooC++), every other method's encoder. */
export function scoredReadout(method: VisionMethod, readout: LoocReadout | undefined): tf.LayersModel | Encoder<tf.Tensor4D> {
  return method instanceof LooC ? method.readoutEncoder(readout ?? 'backbone') : method.encoder;
}
