import * as tf from '@tensorflow/tfjs';
import { simclrStep } from './simclr-step.js';
import { CATALOG } from './catalog.js';
import type { Workload } from './types.js';

/** SimCLR step with @contrastive/vision's ResNet-18 (CIFAR stem), 64 images x 2 views of 32x32x3. */
export const resnet18Simclr32px: Workload = {
  ...CATALOG['resnet18-simclr-32px']!,
  async setup() {
    let resnet18Encoder: (o?: { inputShape?: [number, number, number] }) => tf.LayersModel;
    try {
      ({ resnet18Encoder } = await import('@contrastive/vision'));
    } catch (e) {
      return `needs @contrastive/vision (resnet18Encoder): ${(e as Error).message.split('\n')[0]}`;
    }
    // BENCH_BATCH (pnpm bench --batch N) overrides the spec's 64 images, e.g. to fit wasm's 4 GB heap.
    const batch = Number(process.env['BENCH_BATCH'] ?? 64);
    const views: [tf.Tensor, tf.Tensor] = [
      tf.randomUniform([batch, 32, 32, 3], 0, 1, 'float32', 1),
      tf.randomUniform([batch, 32, 32, 3], 0, 1, 'float32', 2),
    ];
    return simclrStep(resnet18Encoder({ inputShape: [32, 32, 3] }), views, 5, 1);
  },
};
