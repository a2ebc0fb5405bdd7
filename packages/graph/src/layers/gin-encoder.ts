import * as tf from '@tensorflow/tfjs';
import type { Rng } from '@contrastive/core';
import { assertInt, assertOneOf } from '@contrastive/core';
import type { GraphTensors } from '../data/tensors.js';
import { GINConv } from './gin.js';
import type { Readout } from './readout.js';
import { READOUTS, readout } from './readout.js';

/** Options of {@link GINEncoder}. */
export interface GINEncoderOptions {
  /** Node feature width F (required). */
  inputDim: number;
  /** Edge feature width (0 = no edge features). Default 0. */
  edgeDim?: number;
  /** Hidden width of every layer. Default 64 (GraphCL-TU: 32, MoCL: 512, GraphCL-chem: 300). */
  hidden?: number;
  /** Number of GIN layers. Default 3 (GraphCL-TU and MoCL use 3, GraphCL-chem 5). */
  layers?: number;
  /**
   * Jumping knowledge: `'last'` (MoCL / pretrain-gnns: graph vector = readout of the last layer) or
   * `'concat'` (GraphCL-TU: readout of every layer, concatenated → `layers·hidden` wide). Default `'last'`.
   */
  jk?: 'last' | 'concat';
  /** Graph readout. Default `'mean'` (MoCL, GraphCL-chem); GraphCL-TU uses `'sum'`. */
  readout?: Readout;
}

/**
 * A stack of {@link GINConv} layers with ReLU between layers (not after the last when `jk='last'`, as in
 * pretrain-gnns) and a graph readout. `encode(t)` returns node states `[N, hidden]` and graph vectors
 * `[B, outDim]`. This is also the GIN workload for benchmarks: see `ginWorkload`.
 */
export class GINEncoder {
  readonly convs: GINConv[] = [];
  readonly hidden: number;
  readonly jk: 'last' | 'concat';
  readonly pool: Readout;
  readonly outDim: number;
  constructor(opts: GINEncoderOptions, rng: Rng) {
    assertInt(opts.inputDim, 'inputDim', 1);
    const edgeDim = opts.edgeDim ?? 0;
    assertInt(edgeDim, 'edgeDim', 0);
    this.hidden = opts.hidden ?? 64;
    assertInt(this.hidden, 'hidden', 1);
    const layers = opts.layers ?? 3;
    assertInt(layers, 'layers', 1);
    this.jk = opts.jk ?? 'last';
    assertOneOf(this.jk, ['last', 'concat'] as const, 'jk');
    this.pool = opts.readout ?? 'mean';
    assertOneOf(this.pool, READOUTS, 'readout');
    for (let l = 0; l < layers; l++) {
      this.convs.push(new GINConv(l === 0 ? opts.inputDim : this.hidden, this.hidden, edgeDim, rng, `gin${l}`));
    }
    this.outDim = this.jk === 'concat' ? layers * this.hidden : this.hidden;
  }
  /** Node states `[N, hidden]` of the last layer and graph vectors `[B, outDim]`. */
  encode(t: GraphTensors): { nodes: tf.Tensor2D; graphs: tf.Tensor2D } {
    return tf.tidy(() => {
      let h = t.x;
      const pooled: tf.Tensor2D[] = [];
      this.convs.forEach((conv, l) => {
        h = conv.apply(h, t);
        const last = l === this.convs.length - 1;
        if (!last || this.jk === 'concat') h = tf.relu(h);
        if (this.jk === 'concat') pooled.push(readout(h, t, this.pool));
      });
      const graphs = this.jk === 'concat' ? (tf.concat(pooled, 1) as tf.Tensor2D) : readout(h, t, this.pool);
      return { nodes: h, graphs };
    });
  }
  /** Graph vectors only. */
  embed(t: GraphTensors): tf.Tensor2D {
    return tf.tidy(() => this.encode(t).graphs);
  }
  variables(prefix = 'encoder'): Record<string, tf.Variable> {
    return Object.assign({}, ...this.convs.map((c, l) => c.variables(`${prefix}/gin${l}`))) as Record<string, tf.Variable>;
  }
  dispose(): void {
    this.convs.forEach((c) => c.dispose());
  }
}

/** Factory: `ginEncoder({ inputDim, ... }, rng)`. */
export function ginEncoder(opts: GINEncoderOptions, rng: Rng): GINEncoder {
  return new GINEncoder(opts, rng);
}
