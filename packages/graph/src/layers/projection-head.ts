import * as tf from '@tensorflow/tfjs';
import type { Rng } from '@contrastive/core';
import { Linear } from './linear.js';

/**
 * Two-layer projection head `Linear(in, hidden) → ReLU → Linear(hidden, out)` used by GraphCL
 * (96→96→96 on TU, 300→300→300 chem), JOAO and MoCL (512→128→128).
 */
export class ProjectionHead {
  readonly l1: Linear;
  readonly l2: Linear;
  constructor(inDim: number, hidden: number, outDim: number, rng: Rng, name = 'proj') {
    this.l1 = new Linear(inDim, hidden, rng, { name: `${name}/1` });
    this.l2 = new Linear(hidden, outDim, rng, { name: `${name}/2` });
  }
  apply(x: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => this.l2.apply(tf.relu(this.l1.apply(x))));
  }
  variables(prefix: string): Record<string, tf.Variable> {
    return { ...this.l1.variables(`${prefix}/1`), ...this.l2.variables(`${prefix}/2`) };
  }
  dispose(): void {
    this.l1.dispose();
    this.l2.dispose();
  }
}
