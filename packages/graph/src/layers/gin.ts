import * as tf from '@tensorflow/tfjs';
import type { Rng } from '@contrastive/core';
import type { GraphTensors } from '../data/tensors.js';
import { Linear } from './linear.js';
import { propagate } from './propagate.js';

/**
 * GIN layer with edge features (Xu et al., ICLR 2019; edge variant of Hu et al., "Strategies for
 * Pre-training GNNs", ICLR 2020, the backbone MoCL and GraphCL-chem use):
 *
 *   h'_i = MLP( (1 + ε)·h_i + Σ_{j→i} (h_j + W_e·e_ji) ),   MLP = Linear(in, 2·out) → ReLU → Linear(2·out, out)
 *
 * ε = 0 (GIN-0). pretrain-gnns embeds categorical bond types and adds a self-loop edge of a special
 * type; here edge features are any float vectors projected by `W_e` (a sum of embeddings is exactly a
 * linear map of one-hot features) and the self term is `h_i` itself. Without edge features
 * (`edgeDim = 0`) this is plain GIN. Input `[N, inDim]`, output `[N, outDim]`.
 */
export class GINConv {
  readonly edgeLin: Linear | null;
  readonly mlp1: Linear;
  readonly mlp2: Linear;
  constructor(
    readonly inDim: number,
    readonly outDim: number,
    readonly edgeDim: number,
    rng: Rng,
    name = 'gin',
  ) {
    this.edgeLin = edgeDim > 0 ? new Linear(edgeDim, inDim, rng, { bias: false, name: `${name}/edge` }) : null;
    this.mlp1 = new Linear(inDim, 2 * outDim, rng, { name: `${name}/mlp1` });
    this.mlp2 = new Linear(2 * outDim, outDim, rng, { name: `${name}/mlp2` });
  }
  apply(h: tf.Tensor2D, t: Pick<GraphTensors, 'src' | 'dst' | 'numNodes' | 'edgeAttr'>): tf.Tensor2D {
    return tf.tidy(() => {
      let msg: tf.Tensor2D | undefined;
      if (this.edgeLin) {
        if (!t.edgeAttr) throw new RangeError(`GINConv was built with edgeDim=${this.edgeDim} but the batch has no edgeAttr`);
        msg = this.edgeLin.apply(t.edgeAttr);
      }
      const agg = tf.add(h, propagate(h, t.src, t.dst, t.numNodes, undefined, msg)) as tf.Tensor2D;
      return this.mlp2.apply(tf.relu(this.mlp1.apply(agg)));
    });
  }
  variables(prefix: string): Record<string, tf.Variable> {
    return {
      ...(this.edgeLin ? this.edgeLin.variables(`${prefix}/edge`) : {}),
      ...this.mlp1.variables(`${prefix}/mlp1`),
      ...this.mlp2.variables(`${prefix}/mlp2`),
    };
  }
  dispose(): void {
    this.edgeLin?.dispose();
    this.mlp1.dispose();
    this.mlp2.dispose();
  }
}
