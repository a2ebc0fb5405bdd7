import * as tf from '@tensorflow/tfjs';
import type { Encoder, Rng } from '@contrastive/core';
import { assertInt } from '@contrastive/core';
import type { GraphTensors } from '../data/tensors.js';
import { saveGraphEncoder } from './encoder-io.js';
import type { GcnAdjacency } from './gcn.js';
import { GCNConv } from './gcn.js';
import type { NodeInputs } from './node-inputs.js';
import { dropoutInput } from './node-inputs.js';
import type { SparseOperand } from './sparse-operand.js';

/**
 * What a node-level GCN reads: features, the normalised adjacency, the node count — as batch tensors
 * (`toTensors`) or as {@link NodeInputs} (sparse features and a CSR Â, for large graphs).
 */
export type GCNInput = Pick<GraphTensors, 'x' | 'gcn' | 'numNodes'> | NodeInputs;

/** Options of one {@link GCNEncoder} forward pass. */
export interface GCNApplyOptions {
  /** Apply dropout before every layer. Default `false`. */
  training?: boolean;
  /**
   * Seed of the dropout masks (layer `l` uses `seed + l`). Give one drawn from the step's generator
   * (`info.rng.seed()`) so a run is reproducible and a resumed run draws the same masks. Default: none
   * (tfjs draws from `Math.random`, as a tfjs-layers `Dropout` does).
   */
  seed?: number;
}

/**
 * A stack of {@link GCNConv} layers `dims[0] → dims[1] → … → dims[L]` with ReLU and (training-time)
 * dropout between layers and no activation on the output, i.e. Kipf & Welling's 2-layer GCN when
 * `dims = [F, hidden, C]`. Node-level: returns `[N, dims[L]]`.
 *
 * A core `Encoder<GraphTensors>` (node states rather than graph vectors): `apply(t, training)`,
 * `stateTensors()`, `save(target)` (read back with {@link loadGraphEncoder}).
 */
export class GCNEncoder implements Encoder<GCNInput> {
  readonly convs: GCNConv[] = [];
  private disposed = false;
  constructor(
    readonly dims: readonly number[],
    rng: Rng,
    readonly dropout = 0,
    /** Prefix of the tfjs variable names and the encoder's name. Default `'gcn'`. */
    readonly name = 'gcn',
  ) {
    if (dims.length < 2) throw new RangeError(`dims must list at least input and output widths, got [${dims.join(', ')}]`);
    dims.forEach((d, i) => assertInt(d, `dims[${i}]`, 1));
    for (let l = 0; l + 1 < dims.length; l++) this.convs.push(new GCNConv(dims[l]!, dims[l + 1]!, rng, `${name}${l}`));
  }
  /** Node states `[N, dims[L]]`. `options`: `true`/`false` (the `Encoder` form) or {@link GCNApplyOptions}. */
  apply(t: GCNInput, options: boolean | GCNApplyOptions = {}): tf.Tensor2D {
    const { training = false, seed } = typeof options === 'boolean' ? { training: options } : options;
    return tf.tidy(() => {
      let h: tf.Tensor2D | SparseOperand = t.x;
      this.convs.forEach((conv, l) => {
        if (training) h = dropoutInput(h, this.dropout, seed === undefined ? undefined : seed + l);
        h = conv.apply(h, t as GcnAdjacency);
        if (l < this.convs.length - 1) h = tf.relu(h);
      });
      return h as tf.Tensor2D;
    });
  }
  variables(prefix = 'gcn'): Record<string, tf.Variable> {
    return Object.assign({}, ...this.convs.map((c, l) => c.variables(`${prefix}/conv${l}`))) as Record<string, tf.Variable>;
  }
  /** Every weight (all trainable). */
  get trainableWeights(): tf.Variable[] {
    return Object.values(this.variables());
  }
  /** Weights by stable name, `encoder/conv<l>/…`. */
  stateTensors(): Record<string, tf.Variable> {
    return this.variables('encoder');
  }
  /** Saves dims, dropout and weights through a tfjs `IOHandler`; load with `loadGraphEncoder`. */
  save(target: tf.io.IOHandler | string): Promise<tf.io.SaveResult> {
    return saveGraphEncoder('GCNEncoder', { dims: [...this.dims], dropout: this.dropout, name: this.name }, this.stateTensors(), target);
  }
  /** Frees the weights. Idempotent. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.convs.forEach((c) => c.dispose());
  }
}
