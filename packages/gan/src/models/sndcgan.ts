import * as tf from '@tensorflow/tfjs';
import { ganLeakyReLU } from '../layers/leaky-relu.js';
import { snConv2d, snDense } from '../layers/spectral-norm.js';
import { generatorStem } from './generator-stem.js';
import { type GanModelOptions, normal002, resolveModelOptions, seeds } from './options.js';

/**
 * SNDCGAN (Miyato et al., ICLR 2018, Table 3 "standard CNN"), ported from ContraD's `models/gan/sndcgan.py`
 * (`G_SNDCGAN`, `D_SNDCGAN`), NHWC.
 *
 * Images are in [0, 1] as in ContraD: G ends in `0.5·tanh + 0.5` (`output: 'sigmoid'` swaps in a sigmoid),
 * and D maps its input to [−1, 1] (`x·2 − 1`) first, as `D_SNDCGAN.penultimate` does.
 *
 * Departures from the official code, all forced by 28-px images or by tfjs:
 * - 28 px: ContraD's G starts at `⌊size/8⌋` = 3 and would make 24 px; here G starts at 7×7 with `4·ngf`
 *   channels and upsamples twice (7 → 14 → 28). 32 px follows the code: 4×4×`8·ngf`, three upsamplings.
 * - D uses TF 'same' padding: PyTorch's `padding=1` is identical for k3 s1 and for k4 s2 on even sizes, but
 *   on 7×7 TF gives 4×4 (torch 3×3), so d = `8·ndf·4·4` = 8192 at 28 and 32 px with width 1.
 * - G's last layer is a 3×3 stride-1 convolution where the code has `ConvTranspose2d(ngf, nc, 3, 1, 1)` (the
 *   same function class: a transposed stride-1 conv is a conv with a flipped kernel).
 * - BatchNorm uses torch's momentum (0.1, tfjs 0.9) and ε 1e-5. G's initial BN over the linear output is
 *   `norm_init` (a per-feature BN of the projection), applied before the reshape.
 * - LeakyReLU(0.1) is {@link ganLeakyReLU} (same values; differentiable twice, for R1).
 * - Spectral norm: {@link snConv2d} / {@link snDense} (torch semantics, one power iteration per
 *   training-mode call); like ContraD every conv and linear of D, heads included, is normalised.
 *
 * Parameter counts (`model.countParams()`: trainable weights + BN moving statistics + SN u and v), width 1,
 * zDim 128: G 28 px ×1: 2,325,249 · G 32 px ×3: 3,846,019 · D encoder 28 px ×1: 5,868,617 · D encoder
 * 32 px ×3: 5,869,787, of which 5,852,672 trainable (exactly torch `D_SNDCGAN`'s conv stack at ndf 64,
 * nc 3) and 17,115 u/v entries · SN head: 16,386 (8,193 trainable), d = 8192. Asserted in sndcgan.test.ts.
 */

/** Options of {@link sndcganGenerator}. */
export interface SNDCGANGeneratorOptions extends GanModelOptions {
  /** Output nonlinearity mapping to [0, 1]: `'tanh'` (`0.5·tanh + 0.5`, ContraD) or `'sigmoid'`. Default `'tanh'`. */
  output?: 'tanh' | 'sigmoid';
}

/**
 * The SNDCGAN generator `z [N, zDim] → images [N, H, W, C]` in [0, 1]: linear → BN → ReLU → reshape to
 * 4×4×8ngf (32 px) or 7×7×4ngf (28 px) → [ConvTranspose 4×4 s2 → BN → ReLU] × 3 (32 px) or × 2 (28 px) →
 * Conv 3×3 → tanh → 0.5·x + 0.5. Initialisation N(0, 0.02), zero biases, BN γ = 1 (`reset_parameters`).
 */
export function sndcganGenerator(options: SNDCGANGeneratorOptions = {}): tf.LayersModel {
  const o = resolveModelOptions('sndcganGenerator', options);
  const output = options.output ?? 'tanh';
  if (output !== 'tanh' && output !== 'sigmoid')
    throw new RangeError(`sndcganGenerator: output must be 'tanh' or 'sigmoid', got ${String(options.output)}`);
  const next = seeds(o.seed);
  const ngf = o.base;
  const [side, channels, upsamplings] = o.imageSize === 32 ? [4, ngf * 8, 3] : [7, ngf * 4, 2];
  const stem = generatorStem(o.zDim, { side, channels, upsamplings, firstNormName: 'g_norm_init' }, next);
  const z = stem.z;
  let h = stem.h;
  h = tf.layers
    .conv2d({ filters: o.channels, kernelSize: 3, padding: 'same', kernelInitializer: normal002(next()), name: 'g_out' })
    .apply(h) as tf.SymbolicTensor;
  if (output === 'tanh') {
    h = tf.layers.activation({ activation: 'tanh' }).apply(h) as tf.SymbolicTensor;
    h = tf.layers.rescaling({ scale: 0.5, offset: 0.5 }).apply(h) as tf.SymbolicTensor;
  } else {
    h = tf.layers.activation({ activation: 'sigmoid' }).apply(h) as tf.SymbolicTensor;
  }
  return tf.model({ inputs: z, outputs: h, name: 'sndcgan_generator' });
}

/** The discriminator as ContraD uses it: a feature encoder and a separate logit head. */
export interface GanDiscriminator {
  /** Images `[N, H, W, C]` in [0, 1] → penultimate features `[N, featureDim]` (ContraD's `penultimate`). */
  encoder: tf.LayersModel;
  /** Features `[N, featureDim]` → logits `[N, 1]` (ContraD's `LinearDiscriminator`). */
  head: tf.LayersModel;
  /** Width d of the features. */
  featureDim: number;
}

/**
 * The SNDCGAN discriminator: encoder `x·2 − 1 → SNConv3×3(ndf) → [SNConv4×4 s2(2^k·ndf) → SNConv3×3(2^k·ndf)]
 * for k = 1, 2, 3`, each conv followed by LeakyReLU(0.1), then flatten (d = 8·ndf·4·4); head: SN linear
 * `d → 1`. Spectral-norm state (u, v) lives in both models' weights.
 */
export function sndcganDiscriminator(options: GanModelOptions = {}): GanDiscriminator {
  const o = resolveModelOptions('sndcganDiscriminator', options);
  const next = seeds(o.seed);
  const ndf = o.base;
  const x = tf.input({ shape: [o.imageSize, o.imageSize, o.channels], name: 'image' });
  let h = tf.layers.rescaling({ scale: 2, offset: -1 }).apply(x) as tf.SymbolicTensor;
  const conv = (filters: number, k: number, s: number, name: string) => {
    h = snConv2d({ filters, kernelSize: k, strides: s, padding: 'same', seed: next(), name }).apply(h) as tf.SymbolicTensor;
    h = ganLeakyReLU({ alpha: 0.1 }).apply(h) as tf.SymbolicTensor;
  };
  conv(ndf, 3, 1, 'd_conv0');
  for (let k = 1; k <= 3; k++) {
    conv(ndf * 2 ** k, 4, 2, `d_conv${k}a`);
    conv(ndf * 2 ** k, 3, 1, `d_conv${k}b`);
  }
  h = tf.layers.flatten().apply(h) as tf.SymbolicTensor;
  const featureDim = h.shape[1] as number;
  const encoder = tf.model({ inputs: x, outputs: h, name: 'sndcgan_discriminator' });
  return { encoder, head: snLinearHead(featureDim, next()), featureDim };
}

/** The SN linear head `d → 1` (ContraD's `LinearDiscriminator` under `spectral_norm`). */
export function snLinearHead(featureDim: number, seed?: number, name = 'sn_linear_head'): tf.LayersModel {
  const f = tf.input({ shape: [featureDim], name: 'features' });
  const y = snDense({ units: 1, seed, name: `${name}_dense` }).apply(f) as tf.SymbolicTensor;
  return tf.model({ inputs: f, outputs: y, name });
}

/** Options of {@link snProjectionHead}. */
export interface SNProjectionHeadOptions {
  /** Input width d. */
  featureDim: number;
  /** Hidden width. Default 128 (`d_hidden`). */
  hidden?: number;
  /** Output width. Default 128 (`d_project`). */
  out?: number;
  /** Seed of the initialisers. Default unseeded. */
  seed?: number;
  name?: string;
}

/**
 * ContraD's projection head with spectral norm as SNDCGAN has it (`BaseDiscriminator.projection`, normalised
 * by `D_SNDCGAN.__init__`'s loop over every Linear): `SNLinear(d, 128) → LeakyReLU(0.1) → SNLinear(128, 128)`.
 * Initialisation N(0, 0.02) as `D_SNDCGAN.reset_parameters` (the official heads reset through it too).
 */
export function snProjectionHead({
  featureDim,
  hidden = 128,
  out = 128,
  seed,
  name = 'sn_projection',
}: SNProjectionHeadOptions): tf.LayersModel {
  for (const [k, v] of Object.entries({ featureDim, hidden, out })) {
    if (!Number.isInteger(v) || v < 1) throw new RangeError(`snProjectionHead: ${k} must be a positive integer, got ${v}`);
  }
  const next = seeds(seed);
  const f = tf.input({ shape: [featureDim], name: 'features' });
  let h = snDense({ units: hidden, seed: next(), name: `${name}_l1` }).apply(f) as tf.SymbolicTensor;
  h = ganLeakyReLU({ alpha: 0.1 }).apply(h) as tf.SymbolicTensor;
  h = snDense({ units: out, seed: next(), name: `${name}_l2` }).apply(h) as tf.SymbolicTensor;
  return tf.model({ inputs: f, outputs: h, name });
}
