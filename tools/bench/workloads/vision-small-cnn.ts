import * as tf from '@tensorflow/tfjs';
import { simclrStep } from './simclr-step.js';
import { CATALOG } from './catalog.js';
import type { Workload } from './types.js';

/**
 * Trainable parameters of `smallCnnEncoder({ inputShape: [28, 28, 1] })` (widths 32, 64, 128, conv without
 * bias, BN γ/β), which tools/bench/torch/vision_small_cnn_28px.py asserts for its twin. If the encoder
 * changes, setup refuses to run rather than compare two different networks.
 */
export const VISION_SMALL_CNN_PARAMS = 92_896;

/**
 * SimCLR step with the encoder `contrastive-vision train` uses on Fashion-MNIST: @contrastive/vision's
 * `smallCnnEncoder` (3 × conv3×3-BN-ReLU, 2×2 max-pool between blocks, global average pool, 128-d),
 * 256 images × 2 views of 28×28×1, NT-Xent τ 0.5 on the encoder output, Adam 1e-3.
 */
export const visionSmallCnn28px: Workload = {
  ...CATALOG['vision-small-cnn-28px']!,
  async setup() {
    let smallCnnEncoder: (o?: { inputShape?: [number, number, number] }) => tf.LayersModel;
    try {
      ({ smallCnnEncoder } = await import('@contrastive/vision'));
    } catch (e) {
      return `needs @contrastive/vision (smallCnnEncoder): ${(e as Error).message.split('\n')[0]}`;
    }
    const model = smallCnnEncoder({ inputShape: [28, 28, 1] });
    const params = model.trainableWeights.reduce((s, w) => s + tf.util.sizeFromShape(w.shape as number[]), 0);
    if (params !== VISION_SMALL_CNN_PARAMS) {
      model.dispose();
      return `smallCnnEncoder has ${params} trainable params, the twin torch/vision_small_cnn_28px.py ${VISION_SMALL_CNN_PARAMS}: update the twin`;
    }
    const views: [tf.Tensor, tf.Tensor] = [
      tf.randomUniform([256, 28, 28, 1], 0, 1, 'float32', 1),
      tf.randomUniform([256, 28, 28, 1], 0, 1, 'float32', 2),
    ];
    return simclrStep(model, views, 5, 1);
  },
};
