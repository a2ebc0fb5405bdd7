import * as tf from '@tensorflow/tfjs';
import type { Rng } from '@contrastive/core';
import type { GraphTensors } from '../data/tensors.js';
import { Linear, makeVariable } from './linear.js';
import { propagate } from './propagate.js';

/**
 * Graph convolution (Kipf & Welling, ICLR 2017): `H' = Â H W + b` with Â = D^−½(A+I)D^−½ taken from
 * `t.gcn` (see `gcnNorm`). Transform first, then propagate (cheaper when the output is narrower).
 * Input `[N, inDim]`, output `[N, outDim]`; no activation (the caller adds it).
 */
export class GCNConv {
  readonly lin: Linear;
  readonly bias: tf.Variable;
  constructor(inDim: number, outDim: number, rng: Rng, name = 'gcn') {
    this.lin = new Linear(inDim, outDim, rng, { bias: false, name });
    this.bias = makeVariable(() => tf.zeros([outDim]), `${name}/bias`);
  }
  apply(h: tf.Tensor2D, t: Pick<GraphTensors, 'gcn' | 'numNodes'>): tf.Tensor2D {
    return tf.tidy(() => {
      const hw = this.lin.apply(h);
      return tf.add(propagate(hw, t.gcn.src, t.gcn.dst, t.numNodes, t.gcn.weight), this.bias) as tf.Tensor2D;
    });
  }
  variables(prefix: string): Record<string, tf.Variable> {
    return { ...this.lin.variables(prefix), [`${prefix}/bias`]: this.bias };
  }
  dispose(): void {
    this.lin.dispose();
    this.bias.dispose();
  }
}
