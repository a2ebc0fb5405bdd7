import { CATALOG } from './catalog.js';
import type { Workload } from './types.js';
import { visionEncoderStep } from './vision-encoder-step.js';

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
  setup: () =>
    visionEncoderStep({
      builder: 'smallCnnEncoder',
      inputShape: [28, 28, 1],
      batch: 256,
      params: { expected: VISION_SMALL_CNN_PARAMS, twin: 'vision_small_cnn_28px.py' },
    }),
};
