import * as tf from '@tensorflow/tfjs';
import { ntXent } from '@contrastive/core';
import { CATALOG } from './catalog.js';
import type { Workload } from './types.js';
import { benchWorkers, parallelInstance } from './parallel-step.js';

/** `ntXent` forward + backward on two [512, 128] batches (gradients w.r.t. both inputs). */
export const ntxent512x128: Workload = {
  ...CATALOG['ntxent-512x128']!,
  async setup() {
    const workers = benchWorkers();
    if (workers > 1) return parallelInstance({ kind: 'ntxent', rows: 512, dim: 128 }, workers, { perStep: 1, steps: 20, warmup: 3 });
    const z1 = tf.randomNormal([512, 128], 0, 1, 'float32', 1) as tf.Tensor2D;
    const z2 = tf.randomNormal([512, 128], 0, 1, 'float32', 2) as tf.Tensor2D;
    const grads = tf.grads((a: tf.Tensor, b: tf.Tensor) => ntXent(a as tf.Tensor2D, b as tf.Tensor2D, { temperature: 0.5 }));
    return {
      perStep: 1,
      steps: 20,
      warmup: 3,
      step() {
        const [g1, g2] = grads([z1, z2]);
        g1!.dataSync();
        g2!.dataSync();
        tf.dispose([g1!, g2!]);
      },
      dispose() {
        tf.dispose([z1, z2]);
      },
    };
  },
};
