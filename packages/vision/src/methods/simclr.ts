import type * as tf from '@tensorflow/tfjs';
import { ntXent } from '@contrastive/core';
import { simclrViews } from '../augment/presets.js';
import { buildHead, type HeadBlock } from '../heads/mlp.js';
import { simclrProjector } from '../heads/presets.js';
import { TwoViewMethod } from './base.js';
import { forward, type MethodBaseOptions } from './common.js';

/** Options for {@link SimCLR}. */
export interface SimCLROptions extends MethodBaseOptions {
  /** Projection head g as blocks. Default `simclrProjector({ hidden: D, out: 128 })` with D the encoder width (paper: 2048→2048→128). */
  projector?: HeadBlock[];
  /** NT-Xent temperature τ. Default 0.5 (SimCLR's CIFAR-10 value; 0.1 for large-batch ImageNet). */
  temperature?: number;
}

/**
 * SimCLR (Chen, Kornblith, Norouzi & Hinton, ICML 2020). Per step:
 * 1. two views x̃₁, x̃₂ of each image (default {@link simclrViews});
 * 2. h = f(x̃), z = g(h) for both views;
 * 3. L = NT-Xent(z₁, z₂; τ) over the 2N views — core's `ntXent`, normalised as the paper's 1/(2N)
 *    (the official TF code's loss is 2× that; halve the learning rate when porting its values).
 * The representation kept for downstream use is h (the encoder output, before the head).
 */
export class SimCLR extends TwoViewMethod {
  readonly name = 'simclr';
  readonly projector: tf.Sequential;
  readonly temperature: number;

  constructor(opts: SimCLROptions) {
    super(opts, simclrViews());
    const { temperature = 0.5 } = opts;
    if (!(temperature > 0)) throw new RangeError(`SimCLR: temperature must be > 0, got ${String(temperature)}`);
    this.temperature = temperature;
    const d = this.featureDim;
    this.projector = buildHead(opts.projector ?? simclrProjector({ hidden: d, out: 128 }), {
      inDim: d,
      name: 'simclr_proj',
      seed: this.initRng.seed(),
    });
    this.owned.projector = this.projector;
    this.defaultGroup(opts, [this.encoder, this.projector], false);
  }

  loss(v1: tf.Tensor4D, v2: tf.Tensor4D): tf.Scalar {
    const z1 = forward(this.projector, forward(this.encoder, v1));
    const z2 = forward(this.projector, forward(this.encoder, v2));
    return ntXent(z1, z2, { temperature: this.temperature });
  }
}
