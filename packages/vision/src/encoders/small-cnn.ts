import * as tf from '@tensorflow/tfjs';
import { BN_MOMENTUM } from '../heads/mlp.js';
import { assertInputShape, InitSeeds } from './init.js';

/** Options for {@link smallCnnEncoder}. */
export interface SmallCnnOptions {
  /** `[H, W, C]`, C = 1 or 3. Default `[28, 28, 1]` (Fashion-MNIST). */
  inputShape?: [number, number, number];
  /** Channels of the conv blocks; each block but the last is followed by 2×2 max-pooling. Default `[32, 64, 128]`. */
  widths?: number[];
  /** Seed of the weight initialisers. Default 0. */
  seed?: number;
  /** Model name. Default `'small_cnn'`. */
  name?: string;
}

/**
 * A small CNN encoder for low-resolution images: per width `conv3×3 → BN → ReLU` (→ 2×2 max-pool between
 * blocks), then global average pooling. Output `[N, widths.at(-1)]` (128-d by default), the
 * representation `h` that kNN and the linear probe read. A serialisable `tf.LayersModel`.
 */
export function smallCnnEncoder(opts: SmallCnnOptions = {}): tf.LayersModel {
  const { inputShape = [28, 28, 1], widths = [32, 64, 128], seed = 0, name = 'small_cnn' } = opts;
  assertInputShape(inputShape, 'smallCnnEncoder');
  if (widths.length === 0 || widths.some((w) => !Number.isInteger(w) || w < 1)) {
    throw new RangeError(`smallCnnEncoder: widths must be positive integers, got ${JSON.stringify(widths)}`);
  }
  const init = new InitSeeds(seed);
  const input = tf.input({ shape: inputShape, name: `${name}_input` });
  let x: tf.SymbolicTensor = input;
  widths.forEach((w, i) => {
    x = tf.layers
      .conv2d({ filters: w, kernelSize: 3, padding: 'same', useBias: false, kernelInitializer: init.heConv(), name: `${name}_conv${i}` })
      .apply(x) as tf.SymbolicTensor;
    x = tf.layers.batchNormalization({ momentum: BN_MOMENTUM, name: `${name}_bn${i}` }).apply(x) as tf.SymbolicTensor;
    x = tf.layers.reLU({ name: `${name}_relu${i}` }).apply(x) as tf.SymbolicTensor;
    if (i < widths.length - 1) x = tf.layers.maxPooling2d({ poolSize: 2, name: `${name}_pool${i}` }).apply(x) as tf.SymbolicTensor;
  });
  const out = tf.layers.globalAveragePooling2d({ name: `${name}_gap` }).apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: out, name });
}
