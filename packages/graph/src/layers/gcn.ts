import * as tf from '@tensorflow/tfjs';
import type { Rng } from '@contrastive/core';
import type { GraphTensors } from '../data/tensors.js';
import { Linear, makeVariable } from './linear.js';
import { propagate } from './propagate.js';
import { SparseOperand } from './sparse-operand.js';

/** Â in either form: the tensors of a batch (`toTensors`) or a {@link SparseOperand} (`nodeInputs`). */
export type GcnAdjacency = Pick<GraphTensors, 'gcn' | 'numNodes'> | { gcn: SparseOperand; numNodes: number };

/**
 * Graph convolution (Kipf & Welling, ICLR 2017): `H' = Â H W + b` with Â = D^−½(A+I)D^−½ taken from
 * `t.gcn` (see `gcnNorm`). Transform first, then propagate (cheaper when the output is narrower).
 * Input `[N, inDim]` (a dense tensor, or sparse features as a {@link SparseOperand}), output `[N, outDim]`;
 * no activation (the caller adds it). Â comes as batch tensors (gather/segment-sum propagation) or as a
 * sparse operand (CSR product, O(nnz) memory: what the node-level methods use).
 */
export class GCNConv {
  readonly lin: Linear;
  readonly bias: tf.Variable;
  constructor(inDim: number, outDim: number, rng: Rng, name = 'gcn') {
    this.lin = new Linear(inDim, outDim, rng, { bias: false, name });
    this.bias = makeVariable(() => tf.zeros([outDim]), `${name}/bias`);
  }
  apply(h: tf.Tensor2D | SparseOperand, t: GcnAdjacency): tf.Tensor2D {
    return tf.tidy(() => {
      const hw = h instanceof SparseOperand ? h.matMul(this.lin.weight as tf.Tensor2D) : this.lin.apply(h);
      const agg = t.gcn instanceof SparseOperand ? t.gcn.matMul(hw) : propagate(hw, t.gcn.src, t.gcn.dst, t.numNodes, t.gcn.weight);
      return tf.add(agg, this.bias) as tf.Tensor2D;
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
