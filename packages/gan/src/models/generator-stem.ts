import * as tf from '@tensorflow/tfjs';
import { normal002 } from './options.js';

/** BatchNorm with PyTorch's defaults (momentum 0.1 there = 0.9 here, ε 1e-5), as both generators use it. */
export function torchBatchNorm(name: string): tf.layers.Layer {
  return tf.layers.batchNormalization({ momentum: 0.9, epsilon: 1e-5, name });
}

/** The shape of a generator's stem: the first map's side and channels, the number of 2× upsamplings, the first BN's name. */
export interface GeneratorStemShape {
  side: number;
  channels: number;
  upsamplings: number;
  /** Layer name of the BN after the linear layer (kept per architecture: it names the weights in checkpoints). */
  firstNormName: string;
}

/**
 * The body SNDCGAN and DCGAN generators share: z → linear (N(0, 0.02)) → BN → ReLU → reshape to side × side ×
 * channels → [ConvTranspose 4×4 s2 (halving the channels) → BN → ReLU] × upsamplings. `next` draws the initialisers'
 * seeds in order. Returns the input and the last feature map; each generator adds its own output layer.
 */
export function generatorStem(
  zDim: number,
  shape: GeneratorStemShape,
  next: () => number | undefined,
): { z: tf.SymbolicTensor; h: tf.SymbolicTensor } {
  const { side, channels, upsamplings, firstNormName } = shape;
  const z = tf.input({ shape: [zDim], name: 'z' });
  let h = tf.layers
    .dense({ units: side * side * channels, kernelInitializer: normal002(next()), name: 'g_linear' })
    .apply(z) as tf.SymbolicTensor;
  h = torchBatchNorm(firstNormName).apply(h) as tf.SymbolicTensor;
  h = tf.layers.reLU().apply(h) as tf.SymbolicTensor;
  h = tf.layers.reshape({ targetShape: [side, side, channels] }).apply(h) as tf.SymbolicTensor;
  let c = channels;
  for (let i = 0; i < upsamplings; i++) {
    c = c / 2;
    h = tf.layers
      .conv2dTranspose({ filters: c, kernelSize: 4, strides: 2, padding: 'same', kernelInitializer: normal002(next()), name: `g_up${i}` })
      .apply(h) as tf.SymbolicTensor;
    h = torchBatchNorm(`g_bn${i}`).apply(h) as tf.SymbolicTensor;
    h = tf.layers.reLU().apply(h) as tf.SymbolicTensor;
  }
  return { z, h };
}
