import { CATALOG } from './catalog.js';
import type { Workload } from './types.js';
import { visionEncoderStep } from './vision-encoder-step.js';

/** SimCLR step with @contrastive/vision's ResNet-18 (CIFAR stem), 64 images x 2 views of 32x32x3. */
export const resnet18Simclr32px: Workload = {
  ...CATALOG['resnet18-simclr-32px']!,
  // BENCH_BATCH (pnpm bench --batch N) overrides the spec's 64 images, e.g. to fit wasm's 4 GB heap.
  setup: () => visionEncoderStep({ builder: 'resnet18Encoder', inputShape: [32, 32, 3], batch: Number(process.env['BENCH_BATCH'] ?? 64) }),
};
