import * as tf from '@tensorflow/tfjs';
import { ContraD, type ContraDOptions } from '../contrad.js';

export const Z = 3;
export const H = 6;
export const C = 3;
export const D = 5;

/** A tiny generator z [N, 3] → images [N, 6, 6, 3] in [0, 1] (sigmoid). */
export function tinyGenerator(seed: number): tf.LayersModel {
  return tf.sequential({
    layers: [
      tf.layers.dense({
        inputShape: [Z],
        units: H * H * C,
        activation: 'sigmoid',
        kernelInitializer: tf.initializers.glorotNormal({ seed }),
      }),
      tf.layers.reshape({ targetShape: [H, H, C] }),
    ],
  });
}

/** A tiny discriminator encoder images [N, 6, 6, 3] → features [N, 5]. */
export function tinyEncoder(seed: number): tf.LayersModel {
  return tf.sequential({
    layers: [
      tf.layers.flatten({ inputShape: [H, H, C] }),
      tf.layers.dense({ units: D, activation: 'tanh', kernelInitializer: tf.initializers.glorotNormal({ seed }) }),
    ],
  });
}

/** A ContraD over the tiny models with small heads; larger learning rates so one step visibly moves the weights. */
export function tinyContraD(opts: Partial<ContraDOptions> = {}): ContraD {
  return new ContraD({
    generator: tinyGenerator(1),
    discriminator: tinyEncoder(2),
    hiddenDim: 8,
    projectionDim: 6,
    seed: 3,
    ...opts,
    dOptimizer: opts.dOptimizer ?? tf.train.adam(1e-2, 0.5, 0.999),
    gOptimizer: opts.gOptimizer ?? tf.train.adam(1e-2, 0.5, 0.999),
  });
}

/** A batch of "real" images in [0, 1]. */
export function realBatch(n: number, seed: number): tf.Tensor4D {
  return tf.randomUniform([n, H, H, C], 0, 1, 'float32', seed) as tf.Tensor4D;
}

/** Every state tensor's values by name. */
export function snapshot(m: ContraD): Record<string, number[]> {
  return Object.fromEntries(Object.entries(m.stateTensors()).map(([k, v]) => [k, Array.from(v.dataSync())]));
}

/** The state names whose values differ between two snapshots. */
export function changed(a: Record<string, number[]>, b: Record<string, number[]>): string[] {
  return Object.keys(a).filter((k) => a[k]!.some((v, i) => v !== b[k]![i]));
}
