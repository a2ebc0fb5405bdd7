import * as tf from '@tensorflow/tfjs';
import { createRng } from '@contrastive/core';

/**
 * Moving-average decay of every BatchNorm we build: 0.9, i.e. PyTorch's default `momentum=0.1` (tfjs and
 * Keras default to 0.99, whose statistics lag far behind the weights in short CPU runs).
 */
export const BN_MOMENTUM = 0.9;

/** One `Linear → [BN] → [ReLU]` block of a projection head or predictor. */
export interface HeadBlock {
  /** Output units of the Linear. */
  units: number;
  /** Linear bias. Default true. */
  bias?: boolean;
  /**
   * Batch norm after the Linear: `'affine'` (learned γ, β), `'plain'` (no γ/β — PyTorch's
   * `BatchNorm1d(affine=False)`, the last layer of SimSiam's and MoCo v3's projector), or `'none'`.
   * Default `'none'`.
   */
  bn?: 'none' | 'affine' | 'plain';
  /** ReLU at the end of the block. Default false. */
  relu?: boolean;
}

/** Options for {@link buildHead}. */
export interface BuildHeadOptions {
  /** Input dimension (the encoder's output size). */
  inDim: number;
  /** Model name (distinct per copy, e.g. `'proj'` and `'proj_target'`). Default `'head'`. */
  name?: string;
  /** Seed of the weight initialisers. Default 0. */
  seed?: number;
}

/**
 * Builds a head (projector or predictor) from a list of blocks, as a serialisable `tf.Sequential`
 * `[N, inDim] → [N, blocks.at(-1).units]`. Presets in `presets.ts` give each paper's list.
 */
export function buildHead(blocks: readonly HeadBlock[], opts: BuildHeadOptions): tf.Sequential {
  const { inDim, name = 'head', seed = 0 } = opts;
  if (!Number.isInteger(inDim) || inDim < 1) throw new RangeError(`buildHead: inDim must be an integer >= 1, got ${String(inDim)}`);
  if (blocks.length === 0) throw new RangeError('buildHead: blocks must hold at least one block');
  const rng = createRng(seed);
  const model = tf.sequential({ name });
  blocks.forEach((b, i) => {
    if (!Number.isInteger(b.units) || b.units < 1)
      throw new RangeError(`buildHead: blocks[${i}].units must be an integer >= 1, got ${String(b.units)}`);
    const bn = b.bn ?? 'none';
    if (!['none', 'affine', 'plain'].includes(bn))
      throw new RangeError(`buildHead: blocks[${i}].bn must be 'none', 'affine' or 'plain', got '${bn}'`);
    model.add(
      tf.layers.dense({
        units: b.units,
        useBias: b.bias ?? true,
        kernelInitializer: tf.initializers.glorotUniform({ seed: rng.seed() }),
        ...(i === 0 ? { inputShape: [inDim] } : {}),
        name: `${name}_fc${i}`,
      }),
    );
    if (bn === 'affine') model.add(tf.layers.batchNormalization({ momentum: BN_MOMENTUM, name: `${name}_bn${i}` }));
    // tfjs 4.22's BatchNormalization crashes in training mode with center = scale = false, so
    // affine=False is a BN whose γ = 1 and β = 0 are frozen (trainable: false): the same function.
    if (bn === 'plain') model.add(tf.layers.batchNormalization({ momentum: BN_MOMENTUM, trainable: false, name: `${name}_bn${i}` }));
    if (b.relu) model.add(tf.layers.reLU({ name: `${name}_relu${i}` }));
  });
  return model;
}
