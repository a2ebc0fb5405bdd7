import * as tf from '@tensorflow/tfjs';
import { ganLeakyReLU } from '../layers/leaky-relu.js';
import { generatorStem } from './generator-stem.js';
import { type GanModelOptions, normal002, resolveModelOptions, seeds } from './options.js';
import type { GanDiscriminator } from './sndcgan.js';

/**
 * A plain DCGAN pair (Radford et al., ICLR 2016): no spectral norm; BatchNorm + ReLU in G, LeakyReLU(0.2) in D,
 * N(0, 0.02) initialisation. Images in [0, 1] like {@link sndcganGenerator} (G ends in `0.5·tanh + 0.5`, D
 * maps its input to [−1, 1]), so both pairs plug into the same method.
 *
 * G: `z → linear → BN → ReLU → reshape` to 4×4×4ngf (32 px) or 7×7×2ngf (28 px) → [ConvTranspose 4×4 s2 → BN →
 * ReLU] until half size → ConvTranspose 4×4 s2 to C channels → tanh → 0.5·x + 0.5.
 * D encoder: `x·2 − 1 → [Conv 4×4 s2 → LeakyReLU(0.2)] × 3` (ndf, 2ndf, 4ndf) → flatten, d = 4ndf·4·4 = 4096 at
 * width 1 (28 px: 28 → 14 → 7 → 4 with 'same' padding); head: linear d → 1.
 * Departure from Radford et al.: no BatchNorm in D (a D batch mixes reals, fakes and augmented views in
 * ContraD, and R1 penalises per-sample gradients, which batch statistics couple), as the task states.
 *
 * Parameter counts (`model.countParams()`, BN moving statistics included), width 1, zDim 128: G 28 px ×1:
 * 966,593 · G 32 px ×3: 1,204,163 · D encoder 28 px ×1 / 32 px ×3: 656,832 / 658,880 · head: 4,097
 * (d = 4096). Asserted in dcgan.test.ts.
 */
export function dcganGenerator(options: GanModelOptions = {}): tf.LayersModel {
  const o = resolveModelOptions('dcganGenerator', options);
  const next = seeds(o.seed);
  const ngf = o.base;
  const [side, channels, upsamplings] = o.imageSize === 32 ? [4, ngf * 4, 2] : [7, ngf * 2, 1];
  const stem = generatorStem(o.zDim, { side, channels, upsamplings, firstNormName: 'g_bn_in' }, next);
  const z = stem.z;
  let h = stem.h;
  h = tf.layers
    .conv2dTranspose({
      filters: o.channels,
      kernelSize: 4,
      strides: 2,
      padding: 'same',
      kernelInitializer: normal002(next()),
      name: 'g_out',
    })
    .apply(h) as tf.SymbolicTensor;
  h = tf.layers.activation({ activation: 'tanh' }).apply(h) as tf.SymbolicTensor;
  h = tf.layers.rescaling({ scale: 0.5, offset: 0.5 }).apply(h) as tf.SymbolicTensor;
  return tf.model({ inputs: z, outputs: h, name: 'dcgan_generator' });
}

/** The DCGAN discriminator as an encoder (images → `[N, d]`) and a linear head (`d → 1`). */
export function dcganDiscriminator(options: GanModelOptions = {}): GanDiscriminator {
  const o = resolveModelOptions('dcganDiscriminator', options);
  const next = seeds(o.seed);
  const ndf = o.base;
  const x = tf.input({ shape: [o.imageSize, o.imageSize, o.channels], name: 'image' });
  let h = tf.layers.rescaling({ scale: 2, offset: -1 }).apply(x) as tf.SymbolicTensor;
  for (let k = 0; k < 3; k++) {
    h = tf.layers
      .conv2d({
        filters: ndf * 2 ** k,
        kernelSize: 4,
        strides: 2,
        padding: 'same',
        kernelInitializer: normal002(next()),
        name: `d_conv${k}`,
      })
      .apply(h) as tf.SymbolicTensor;
    h = ganLeakyReLU({ alpha: 0.2 }).apply(h) as tf.SymbolicTensor;
  }
  h = tf.layers.flatten().apply(h) as tf.SymbolicTensor;
  const featureDim = h.shape[1] as number;
  const encoder = tf.model({ inputs: x, outputs: h, name: 'dcgan_discriminator' });
  const f = tf.input({ shape: [featureDim], name: 'features' });
  const y = tf.layers.dense({ units: 1, kernelInitializer: normal002(next()), name: 'd_head' }).apply(f) as tf.SymbolicTensor;
  return { encoder, head: tf.model({ inputs: f, outputs: y, name: 'dcgan_head' }), featureDim };
}
