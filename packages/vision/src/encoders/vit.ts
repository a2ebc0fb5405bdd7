import * as tf from '@tensorflow/tfjs';
import { assertInputShape, InitSeeds } from './init.js';
import { ClassTokenPool, ClassTokenPosEmbed, MultiHeadSelfAttention } from './vit-layers.js';

/** Options for {@link vitTinyEncoder}. */
export interface VitOptions {
  /** `[H, W, C]`; H and W must be divisible by `patchSize`. Default `[28, 28, 1]`. */
  inputShape?: [number, number, number];
  /** Patch side in pixels. Default 4 (7×7 = 49 tokens on 28×28). */
  patchSize?: number;
  /** Token dimension (divisible by 4 and by `heads`). Default 64. */
  dim?: number;
  /** Transformer blocks. Default 4. */
  depth?: number;
  /** Attention heads. Default 4. */
  heads?: number;
  /** MLP hidden size as a multiple of `dim`. Default 2. */
  mlpRatio?: number;
  /**
   * Keeps the patch projection at its random initialisation and never trains it (MoCo v3's
   * `--stop-grad-conv1`, which the paper found stabilises ViT training). Default false.
   */
  freezePatchEmbed?: boolean;
  /** Seed of the weight initialisers. Default 0. */
  seed?: number;
  /** Model name. Default `'vit_tiny'`. */
  name?: string;
}

/**
 * A small Vision Transformer (Dosovitskiy et al., ICLR 2021) in the MoCo v3 style: conv patch embedding,
 * class token, fixed 2-D sin-cos position embedding, pre-norm blocks (LN → MHSA → +, LN → MLP(GELU) → +),
 * final LN on the class token. Output `[N, dim]`. Sized for CPU: the defaults are far smaller than ViT-Ti
 * (192-d, 12 blocks).
 */
export function vitTinyEncoder(opts: VitOptions = {}): tf.LayersModel {
  const {
    inputShape = [28, 28, 1],
    patchSize = 4,
    dim = 64,
    depth = 4,
    heads = 4,
    mlpRatio = 2,
    freezePatchEmbed = false,
    seed = 0,
    name = 'vit_tiny',
  } = opts;
  assertInputShape(inputShape, 'vitTinyEncoder');
  const [h, w] = inputShape;
  if (!Number.isInteger(patchSize) || patchSize < 1 || h % patchSize !== 0 || w % patchSize !== 0) {
    throw new RangeError(`vitTinyEncoder: image size ${h}x${w} must be divisible by patchSize, got ${String(patchSize)}`);
  }
  if (dim % 4 !== 0 || dim % heads !== 0)
    throw new RangeError(`vitTinyEncoder: dim must be divisible by 4 and by heads (${heads}), got ${dim}`);
  const init = new InitSeeds(seed);
  const grid: [number, number] = [h / patchSize, w / patchSize];
  const input = tf.input({ shape: inputShape, name: `${name}_input` });
  const patch = tf.layers.conv2d({
    filters: dim,
    kernelSize: patchSize,
    strides: patchSize,
    kernelInitializer: init.glorot(),
    trainable: !freezePatchEmbed,
    name: `${name}_patch_embed`,
  });
  let x = patch.apply(input) as tf.SymbolicTensor;
  x = tf.layers.reshape({ targetShape: [grid[0] * grid[1], dim], name: `${name}_tokens` }).apply(x) as tf.SymbolicTensor;
  x = new ClassTokenPosEmbed({ grid, seed: init.next(), name: `${name}_cls_pos` }).apply(x) as tf.SymbolicTensor;
  for (let b = 0; b < depth; b++) {
    const ln1 = tf.layers.layerNormalization({ epsilon: 1e-6, name: `${name}_b${b}_ln1` }).apply(x) as tf.SymbolicTensor;
    const att = new MultiHeadSelfAttention({ numHeads: heads, seed: init.next(), name: `${name}_b${b}_attn` }).apply(
      ln1,
    ) as tf.SymbolicTensor;
    x = tf.layers.add({ name: `${name}_b${b}_add1` }).apply([x, att]) as tf.SymbolicTensor;
    const ln2 = tf.layers.layerNormalization({ epsilon: 1e-6, name: `${name}_b${b}_ln2` }).apply(x) as tf.SymbolicTensor;
    let m = tf.layers
      .dense({ units: dim * mlpRatio, activation: 'gelu', kernelInitializer: init.glorot(), name: `${name}_b${b}_fc1` })
      .apply(ln2) as tf.SymbolicTensor;
    m = tf.layers.dense({ units: dim, kernelInitializer: init.glorot(), name: `${name}_b${b}_fc2` }).apply(m) as tf.SymbolicTensor;
    x = tf.layers.add({ name: `${name}_b${b}_add2` }).apply([x, m]) as tf.SymbolicTensor;
  }
  x = tf.layers.layerNormalization({ epsilon: 1e-6, name: `${name}_ln` }).apply(x) as tf.SymbolicTensor;
  const out = new ClassTokenPool({ name: `${name}_cls` }).apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: out, name });
}
