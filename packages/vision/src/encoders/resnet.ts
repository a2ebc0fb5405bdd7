import * as tf from '@tensorflow/tfjs';
import { BN_MOMENTUM } from '../heads/mlp.js';
import { assertInputShape, InitSeeds } from './init.js';

/** Options for {@link resnet18Encoder}. */
export interface ResNet18Options {
  /** `[H, W, C]`, C = 1 or 3. Default `[32, 32, 3]` (CIFAR). */
  inputShape?: [number, number, number];
  /** Width multiplier on the stage widths 64, 128, 256, 512 (rounded, at least 1). Default 1. */
  widthMultiplier?: number;
  /**
   * `'cifar'`: 3×3 conv, stride 1, no max-pool (SimCLR's CIFAR-10 ResNet; keeps small images' detail).
   * `'imagenet'`: 7×7 conv stride 2 + 3×3 max-pool stride 2. Default `'cifar'`.
   */
  stem?: 'cifar' | 'imagenet';
  /** Starts each residual branch's last BN at γ = 0 so blocks begin as identities (SimSiam, Goyal et al. 2017). Default false. */
  zeroInitResidual?: boolean;
  /** Blocks per stage. Default `[2, 2, 2, 2]` (ResNet-18). */
  blocks?: [number, number, number, number];
  /** Seed of the weight initialisers. Default 0. */
  seed?: number;
  /** Model name. Default `'resnet18'`. */
  name?: string;
}

/**
 * ResNet-18 (He et al., CVPR 2016) encoder from basic blocks (`conv3×3-BN-ReLU-conv3×3-BN` + shortcut, a
 * 1×1 conv + BN shortcut when the shape changes), four stages at strides 1, 2, 2, 2, global average
 * pooling. Output `[N, round(512·widthMultiplier)]`. Built only from stock tfjs layers, so it serialises
 * with `model.save` and reloads with `tf.loadLayersModel`.
 */
export function resnet18Encoder(opts: ResNet18Options = {}): tf.LayersModel {
  const {
    inputShape = [32, 32, 3],
    widthMultiplier = 1,
    stem = 'cifar',
    zeroInitResidual = false,
    blocks = [2, 2, 2, 2],
    seed = 0,
    name = 'resnet18',
  } = opts;
  assertInputShape(inputShape, 'resnet18Encoder');
  if (!(widthMultiplier > 0) || !Number.isFinite(widthMultiplier))
    throw new RangeError(`resnet18Encoder: widthMultiplier must be > 0, got ${String(widthMultiplier)}`);
  if (stem !== 'cifar' && stem !== 'imagenet')
    throw new RangeError(`resnet18Encoder: stem must be 'cifar' or 'imagenet', got '${String(stem)}'`);
  const init = new InitSeeds(seed);
  const width = (w: number) => Math.max(1, Math.round(w * widthMultiplier));
  let id = 0;
  const conv = (x: tf.SymbolicTensor, filters: number, k: number, stride: number, tag: string) =>
    tf.layers
      .conv2d({
        filters,
        kernelSize: k,
        strides: stride,
        padding: 'same',
        useBias: false,
        kernelInitializer: init.heConv(),
        name: `${name}_${tag}_conv${id++}`,
      })
      .apply(x) as tf.SymbolicTensor;
  const bn = (x: tf.SymbolicTensor, tag: string, zeroGamma = false) =>
    tf.layers
      .batchNormalization({ momentum: BN_MOMENTUM, gammaInitializer: zeroGamma ? 'zeros' : 'ones', name: `${name}_${tag}_bn${id++}` })
      .apply(x) as tf.SymbolicTensor;
  const relu = (x: tf.SymbolicTensor, tag: string) => tf.layers.reLU({ name: `${name}_${tag}_relu${id++}` }).apply(x) as tf.SymbolicTensor;

  const input = tf.input({ shape: inputShape, name: `${name}_input` });
  let x: tf.SymbolicTensor;
  if (stem === 'cifar') {
    x = relu(bn(conv(input, width(64), 3, 1, 'stem'), 'stem'), 'stem');
  } else {
    x = relu(bn(conv(input, width(64), 7, 2, 'stem'), 'stem'), 'stem');
    x = tf.layers.maxPooling2d({ poolSize: 3, strides: 2, padding: 'same', name: `${name}_stem_pool` }).apply(x) as tf.SymbolicTensor;
  }
  let channels = width(64);
  [64, 128, 256, 512].forEach((base, stage) => {
    const filters = width(base);
    for (let b = 0; b < blocks[stage]!; b++) {
      const stride = b === 0 && stage > 0 ? 2 : 1;
      const tag = `s${stage + 1}b${b}`;
      let y = relu(bn(conv(x, filters, 3, stride, tag), tag), tag);
      y = bn(conv(y, filters, 3, 1, tag), tag, zeroInitResidual);
      const shortcut = stride !== 1 || channels !== filters ? bn(conv(x, filters, 1, stride, `${tag}_down`), `${tag}_down`) : x;
      x = relu(tf.layers.add({ name: `${name}_${tag}_add${id++}` }).apply([y, shortcut]) as tf.SymbolicTensor, tag);
      channels = filters;
    }
  });
  const out = tf.layers.globalAveragePooling2d({ name: `${name}_gap` }).apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: out, name });
}
