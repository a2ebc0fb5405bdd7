import * as tf from '@tensorflow/tfjs';
import { simclrStep } from './simclr-step.js';
import { CATALOG } from './catalog.js';
import type { Workload } from './types.js';
import { benchWorkers, parallelInstance } from './parallel-step.js';

/** The CNN of issue 3, spelled out with tf.layers (same layers as tools/bench/torch/simclr_small_cnn.py). */
export function smallCnn(): tf.Sequential {
  return tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 32, kernelSize: 3, padding: 'same', activation: 'relu' }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.conv2d({ filters: 64, kernelSize: 3, padding: 'same', activation: 'relu' }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 128, activation: 'relu' }),
      tf.layers.dense({ units: 64 }),
    ],
  });
}

export const simclrSmallCnn: Workload = {
  ...CATALOG['simclr-small-cnn']!,
  async setup() {
    const workers = benchWorkers();
    if (workers > 1) {
      return parallelInstance({ kind: 'simclr', encoder: 'issue3-cnn', inputShape: [28, 28, 1], batch: 128 }, workers, {
        perStep: 256,
        steps: 7,
        warmup: 2,
      });
    }
    const views: [tf.Tensor, tf.Tensor] = [
      tf.randomUniform([128, 28, 28, 1], 0, 1, 'float32', 1),
      tf.randomUniform([128, 28, 28, 1], 0, 1, 'float32', 2),
    ];
    return simclrStep(smallCnn(), views, 7, 2);
  },
};
