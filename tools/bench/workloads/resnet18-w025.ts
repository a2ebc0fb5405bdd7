import { CATALOG } from './catalog.js';
import type { Workload } from './types.js';
import { visionEncoderStep } from './vision-encoder-step.js';

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
  setup: () =>
    visionEncoderStep({
      builder: 'resnet18Encoder',
      inputShape: [28, 28, 1],
      widthMultiplier: 0.25,
      batch: Number(process.env['BENCH_BATCH'] ?? 256),
      params: { expected: RESNET18_W025_PARAMS, twin: 'resnet18_w025_28px.py' },
    }),
};
