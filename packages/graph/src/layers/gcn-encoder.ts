import * as tf from '@tensorflow/tfjs';
import type { Rng } from '@contrastive/core';
import { assertInt } from '@contrastive/core';
import type { GraphTensors } from '../data/tensors.js';
import { GCNConv } from './gcn.js';

/**
 * A stack of {@link GCNConv} layers `dims[0] → dims[1] → … → dims[L]` with ReLU and (training-time)
 * dropout between layers and no activation on the output, i.e. Kipf & Welling's 2-layer GCN when
 * `dims = [F, hidden, C]`. Node-level: returns `[N, dims[L]]`.
 */
export class GCNEncoder {
  readonly convs: GCNConv[] = [];
  constructor(
    readonly dims: readonly number[],
    rng: Rng,
    readonly dropout = 0,
    name = 'gcn',
  ) {
    if (dims.length < 2) throw new RangeError(`dims must list at least input and output widths, got [${dims.join(', ')}]`);
    dims.forEach((d, i) => assertInt(d, `dims[${i}]`, 1));
    for (let l = 0; l + 1 < dims.length; l++) this.convs.push(new GCNConv(dims[l]!, dims[l + 1]!, rng, `${name}${l}`));
  }
  apply(t: Pick<GraphTensors, 'x' | 'gcn' | 'numNodes'>, opts: { training?: boolean; seed?: number } = {}): tf.Tensor2D {
    return tf.tidy(() => {
      let h = t.x;
      this.convs.forEach((conv, l) => {
        if (opts.training && this.dropout > 0) h = tf.dropout(h, this.dropout, undefined, (opts.seed ?? 0) + l) as tf.Tensor2D;
        h = conv.apply(h, t);
        if (l < this.convs.length - 1) h = tf.relu(h);
      });
      return h;
    });
  }
  variables(prefix = 'gcn'): Record<string, tf.Variable> {
    return Object.assign({}, ...this.convs.map((c, l) => c.variables(`${prefix}/conv${l}`))) as Record<string, tf.Variable>;
  }
  dispose(): void {
    this.convs.forEach((c) => c.dispose());
  }
}
