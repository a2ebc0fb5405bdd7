import * as tf from '@tensorflow/tfjs';
import type { Encoder, Rng } from '@contrastive/core';
import { assertInt, assertOneOf } from '@contrastive/core';
import type { GraphTensors } from '../data/tensors.js';
import { saveGraphEncoder } from './encoder-io.js';
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
 *
 * It is a core `Encoder<GraphTensors>`: `apply(t, training)` gives the graph vectors `[B, outDim]` (no
 * dropout inside, so `training` changes nothing), `stateTensors()` names every weight `encoder/gin<l>/…`,
 * `save(target)` writes it for {@link loadGraphEncoder}; so a multimodal or GAN method can take it as a tower.
 */
export class GINEncoder implements Encoder<GraphTensors> {
  readonly name = 'gin';
  readonly convs: GINConv[] = [];
  readonly hidden: number;
  readonly jk: 'last' | 'concat';
  readonly pool: Readout;
  readonly outDim: number;
  /** The resolved options (what `save` records to rebuild the encoder). */
  readonly config: Required<GINEncoderOptions>;
  private disposed = false;
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
    this.config = { inputDim: opts.inputDim, edgeDim, hidden: this.hidden, layers, jk: this.jk, readout: this.pool };
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
  /** `Encoder` forward pass: the graph vectors `[B, outDim]` (GIN here has no dropout, so `training` is unused). */
  apply(t: GraphTensors, _training = false): tf.Tensor2D {
    return this.embed(t);
  }
  variables(prefix = 'encoder'): Record<string, tf.Variable> {
    return Object.assign({}, ...this.convs.map((c, l) => c.variables(`${prefix}/gin${l}`))) as Record<string, tf.Variable>;
  }
  /** Every weight (all trainable). */
  get trainableWeights(): tf.Variable[] {
    return Object.values(this.variables());
  }
  /** Weights by stable name, `encoder/gin<l>/mlp1/w` …. */
  stateTensors(): Record<string, tf.Variable> {
    return this.variables('encoder');
  }
  /** Saves config + weights through a tfjs `IOHandler` (Node: `fileSystemHandler(dir)`); load with `loadGraphEncoder`. */
  save(target: tf.io.IOHandler | string): Promise<tf.io.SaveResult> {
    return saveGraphEncoder('GINEncoder', { ...this.config }, this.stateTensors(), target);
  }
  /** Frees the weights. Idempotent. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.convs.forEach((c) => c.dispose());
  }
}

/** Factory: `ginEncoder({ inputDim, ... }, rng)`. */
export function ginEncoder(opts: GINEncoderOptions, rng: Rng): GINEncoder {
  return new GINEncoder(opts, rng);
}
