import * as tf from '@tensorflow/tfjs';
import { ntXent } from '@contrastive/core';
import type { WorkloadInstance } from './types.js';

/**
 * One SimCLR training step: encode two fixed views, NT-Xent (tau 0.5), Adam (lr 1e-3) update.
 * Views are fixed tensors (augmentation is not part of the timed step, as in the PyTorch twin).
 */
export function simclrStep(model: tf.LayersModel, views: [tf.Tensor, tf.Tensor], steps: number, warmup: number): WorkloadInstance {
  const optimizer = tf.train.adam(1e-3);
  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
  return {
    perStep: views[0].shape[0]! * 2,
    steps,
    warmup,
    step() {
      const loss = optimizer.minimize(
        () => {
          const z1 = model.apply(views[0], { training: true }) as tf.Tensor2D;
          const z2 = model.apply(views[1], { training: true }) as tf.Tensor2D;
          return ntXent(z1, z2, { temperature: 0.5 });
        },
        true,
        vars,
      );
      loss!.dataSync();
      loss!.dispose();
    },
    dispose() {
      optimizer.dispose();
      model.dispose();
      tf.dispose(views);
    },
  };
}
