import * as tf from '@tensorflow/tfjs';
import { BN_MOMENTUM } from '../heads/mlp.js';
import { InitSeeds } from '../encoders/init.js';

/** Context network after map-to-sequence: a BiLSTM, a 1-D convolution stack, or none (visual features). */
export type SequenceContext = 'bilstm' | 'conv' | 'none';

/** The context networks, in the order the CLI lists them. */
export const SEQUENCE_CONTEXTS: readonly SequenceContext[] = ['conv', 'bilstm', 'none'];

/** Options for {@link sequenceEncoder}. */
export interface SequenceEncoderOptions {
  /**
   * Image height and channels `[H, C]` (C = 1 or 3). H must be divisible by 8 (three height-halving pools).
   * Default `[32, 1]` (grey word images 32 px high, as in the text-recognition benchmark of Baek et al.).
   */
  inputShape?: [number, number];
  /**
   * Image width, or `null` (default) for any width: the model then takes `[N, H, W, C]` for every W divisible
   * by 4, and the number of frames T = W/4 grows with the width.
   */
  width?: number | null;
  /** Channels of the three conv blocks; F (the frame size) is the last. Default `[32, 64, 128]`. */
  widths?: [number, number, number];
  /**
   * Context network. Default `'conv'`: two residual 1-D conv blocks (kernel 3), ≈ 9× faster per step than
   * the BiLSTM on tfjs-wasm at [32 images, 32 frames, 64 channels] (8.5 vs 75 ms; measured for SeqCLR, see the
   * package README). `'bilstm'` is the paper's contextual encoder (a bidirectional LSTM of F/2 units per
   * direction + a linear layer, as in the text-recognition benchmark's `BidirectionalLSTM`). `'none'` gives the
   * paper's visual-feature variant (the CNN frames themselves).
   */
  context?: SequenceContext;
  /** Seed of the weight initialisers. Default 0. */
  seed?: number;
  /** Model name. Default `'seq_enc'`. */
  name?: string;
}

/**
 * A sequence encoder for text images, the base encoder f of SeqCLR (Aberdam et al., CVPR 2021):
 *
 * 1. a small CNN — per width `conv3×3 → BN → ReLU → max-pool`, pools 2×2, 2×2, then 2×1 (height only, so
 *    the width keeps a frame every 4 pixels, as CRNN-style recognisers keep horizontal resolution);
 * 2. map-to-sequence — the average over the remaining height (H/8 rows), so column w of the feature map is
 *    frame w: `[N, T = W/4, F]`, left to right;
 * 3. a context network over the frames (see {@link SequenceEncoderOptions.context}).
 *
 * Output `[N, T, F]`; a serialisable `tf.LayersModel` (conv, BN, pooling, reshape, conv1d / bidirectional
 * LSTM layers only). For kNN-style use, average the frames (`SeqCLR.embed`).
 */
export function sequenceEncoder(opts: SequenceEncoderOptions = {}): tf.LayersModel {
  const { inputShape = [32, 1], width = null, widths = [32, 64, 128], context = 'conv', seed = 0, name = 'seq_enc' } = opts;
  const [h, c] = inputShape;
  if (!Number.isInteger(h) || h < 8 || h % 8 !== 0)
    throw new RangeError(`sequenceEncoder: height must be a multiple of 8 (>= 8), got ${String(h)}`);
  if (c !== 1 && c !== 3) throw new RangeError(`sequenceEncoder: channels must be 1 or 3, got ${String(c)}`);
  if (width !== null && (!Number.isInteger(width) || width < 4 || width % 4 !== 0)) {
    throw new RangeError(`sequenceEncoder: width must be null or a multiple of 4 (>= 4), got ${String(width)}`);
  }
  if (!Array.isArray(widths) || widths.length !== 3 || widths.some((w) => !Number.isInteger(w) || w < 1)) {
    throw new RangeError(`sequenceEncoder: widths must be three positive integers, got ${JSON.stringify(widths)}`);
  }
  if (!SEQUENCE_CONTEXTS.includes(context)) {
    throw new RangeError(`sequenceEncoder: context must be one of ${SEQUENCE_CONTEXTS.join(' | ')}, got '${String(context)}'`);
  }
  const f = widths[2];
  if (context === 'bilstm' && f % 2 !== 0) throw new RangeError(`sequenceEncoder: the BiLSTM needs an even frame size F, got ${f}`);
  const init = new InitSeeds(seed);
  const input = tf.input({ shape: [h, width, c], name: `${name}_input` });
  let x: tf.SymbolicTensor = input;
  const pools: [number, number][] = [
    [2, 2],
    [2, 2],
    [2, 1],
  ];
  widths.forEach((w, i) => {
    x = tf.layers
      .conv2d({ filters: w, kernelSize: 3, padding: 'same', useBias: false, kernelInitializer: init.heConv(), name: `${name}_conv${i}` })
      .apply(x) as tf.SymbolicTensor;
    x = tf.layers.batchNormalization({ momentum: BN_MOMENTUM, name: `${name}_bn${i}` }).apply(x) as tf.SymbolicTensor;
    x = tf.layers.reLU({ name: `${name}_relu${i}` }).apply(x) as tf.SymbolicTensor;
    x = tf.layers.maxPooling2d({ poolSize: pools[i]!, strides: pools[i]!, name: `${name}_pool${i}` }).apply(x) as tf.SymbolicTensor;
  });
  // Map-to-sequence: average the H/8 rows of each column (PyTorch reimplementations: AdaptiveAvgPool2d((None, 1))).
  x = tf.layers.averagePooling2d({ poolSize: [h / 8, 1], strides: [h / 8, 1], name: `${name}_m2s_pool` }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.reshape({ targetShape: [-1, f], name: `${name}_m2s` }).apply(x) as tf.SymbolicTensor;
  if (context === 'conv') x = convContext(x, f, init, name);
  else if (context === 'bilstm') x = bilstmContext(x, f, init, name);
  return tf.model({ inputs: input, outputs: x, name });
}

/**
 * Two residual blocks `conv1d(k3) → BN → ReLU → conv1d(k3) → BN → +x → ReLU`: each frame sees ±4 neighbours
 * (±16 pixels at 4 px per frame). Not dilated: tfjs 4.22 has no gradient for dilated convolutions.
 */
function convContext(x: tf.SymbolicTensor, f: number, init: InitSeeds, name: string): tf.SymbolicTensor {
  let y = x;
  for (let b = 0; b < 2; b++) {
    const skip = y;
    for (let k = 0; k < 2; k++) {
      y = tf.layers
        .conv1d({
          filters: f,
          kernelSize: 3,
          padding: 'same',
          useBias: false,
          kernelInitializer: init.heConv(),
          name: `${name}_ctx${b}_conv${k}`,
        })
        .apply(y) as tf.SymbolicTensor;
      y = tf.layers.batchNormalization({ momentum: BN_MOMENTUM, name: `${name}_ctx${b}_bn${k}` }).apply(y) as tf.SymbolicTensor;
      if (k === 0) y = tf.layers.reLU({ name: `${name}_ctx${b}_relu${k}` }).apply(y) as tf.SymbolicTensor;
    }
    y = tf.layers.add({ name: `${name}_ctx${b}_add` }).apply([skip, y]) as tf.SymbolicTensor;
    y = tf.layers.reLU({ name: `${name}_ctx${b}_out` }).apply(y) as tf.SymbolicTensor;
  }
  return y;
}

/** One `BidirectionalLSTM` of the text-recognition benchmark: BiLSTM (F/2 per direction, concatenated) → Linear(F). */
function bilstmContext(x: tf.SymbolicTensor, f: number, init: InitSeeds, name: string): tf.SymbolicTensor {
  const lstm = tf.layers.lstm({
    units: f / 2,
    returnSequences: true,
    kernelInitializer: init.glorot(),
    recurrentInitializer: tf.initializers.orthogonal({ seed: init.next() }),
    name: `${name}_lstm`,
  });
  const y = tf.layers.bidirectional({ layer: lstm as tf.RNN, mergeMode: 'concat', name: `${name}_bilstm` }).apply(x) as tf.SymbolicTensor;
  return tf.layers.dense({ units: f, kernelInitializer: init.glorot(), name: `${name}_bilstm_linear` }).apply(y) as tf.SymbolicTensor;
}

/** Frames per image for an input `width`: the encoder keeps one frame per 4 pixels. */
export function framesForWidth(width: number): number {
  return Math.floor(width / 4);
}
