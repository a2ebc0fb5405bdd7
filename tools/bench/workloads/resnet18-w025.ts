import * as tf from '@tensorflow/tfjs';
import { simclrStep } from './simclr-step.js';
import { CATALOG } from './catalog.js';
import type { Workload } from './types.js';

/**
 * Trainable parameters of `resnet18Encoder({ inputShape: [28, 28, 1], widthMultiplier: 0.25 })` (stage
 * widths 16, 32, 64, 128), which tools/bench/torch/resnet18_w025_28px.py asserts for its twin. If the
 * encoder changes, setup refuses to run rather than compare two different networks.
 */
export const RESNET18_W025_PARAMS = 699_888;

/**
 * SimCLR step with the ResNet `contrastive-vision train` uses on Fashion-MNIST: @contrastive/vision's
 * `resnet18Encoder` at width 0.25 (CIFAR stem, 128-d output), 256 images × 2 views of 28×28×1,
 * NT-Xent τ 0.5 on the encoder output, Adam 1e-3. BENCH_BATCH (`pnpm bench --batch N`) overrides the 256.
 */
export const resnet18W025_28px: Workload = {
  ...CATALOG['resnet18-w025-28px']!,
  async setup() {
    let resnet18Encoder: (o?: { inputShape?: [number, number, number]; widthMultiplier?: number }) => tf.LayersModel;
    try {
      ({ resnet18Encoder } = await import('@contrastive/vision'));
    } catch (e) {
      return `needs @contrastive/vision (resnet18Encoder): ${(e as Error).message.split('\n')[0]}`;
    }
    const model = resnet18Encoder({ inputShape: [28, 28, 1], widthMultiplier: 0.25 });
    const params = model.trainableWeights.reduce((s, w) => s + tf.util.sizeFromShape(w.shape as number[]), 0);
    if (params !== RESNET18_W025_PARAMS) {
      model.dispose();
      return `resnet18Encoder(w 0.25) has ${params} trainable params, the twin torch/resnet18_w025_28px.py ${RESNET18_W025_PARAMS}: update the twin`;
    }
    const batch = Number(process.env['BENCH_BATCH'] ?? 256);
    const views: [tf.Tensor, tf.Tensor] = [
      tf.randomUniform([batch, 28, 28, 1], 0, 1, 'float32', 1),
      tf.randomUniform([batch, 28, 28, 1], 0, 1, 'float32', 2),
    ];
    return simclrStep(model, views, 5, 1);
  },
};
