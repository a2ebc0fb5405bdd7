import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { createRng, registerWasmTrainingKernels } from '@contrastive/core';
import { useLeakCheck } from '@contrastive/test-utils';
import { describe, expect, it } from 'vitest';
import { contradAugment } from './contrad-augment.js';
import { differentiableColorJitter } from './color-jitter.js';
import { differentiableFlip } from './flip.js';
import { differentiableGrayscale } from './grayscale.js';
import { differentiableResizedCrop } from './resized-crop.js';
import { finiteNonZero, images, inputGradient } from './test-utils/gradients.js';
import { describeVisionProbe, kernelsWithoutGradient } from './test-utils/vision-probe.js';

// The wasm backend (what initBackend() picks without tfjs-node): the same probe of vision's augmentations,
// and ContraD's differentiable ones pass gradients to the image here too, with the same values as on cpu.

registerWasmTrainingKernels();
useLeakCheck({ backend: 'wasm' });

describeVisionProbe('wasm');

describe('differentiable augmentations on wasm', () => {
  const augs = {
    crop: differentiableResizedCrop(),
    flip: differentiableFlip({ p: 1 }),
    jitter: differentiableColorJitter({ p: 1 }),
    gray: differentiableGrayscale({ p: 1 }),
    contrad: contradAugment(),
  };
  for (const [name, aug] of Object.entries(augs)) {
    it(`${name}: every kernel has a gradient; finite non-zero input gradient; same output and gradient as cpu`, async () => {
      const x = images(3, 8, 8, 3, 41);
      try {
        expect(await kernelsWithoutGradient(aug, x)).toEqual([]);
        const g = inputGradient(aug, x);
        expect(finiteNonZero(g)).toBe(true);
        const y = aug(x, createRng(4));
        const out = Array.from(y.dataSync());
        y.dispose();
        expect(out.every((v) => v >= 0 && v <= 1)).toBe(true);
        // the same on cpu
        const xs = Array.from(x.dataSync());
        await tf.setBackend('cpu');
        const xc = tf.tensor4d(xs, x.shape);
        const gc = inputGradient(aug, xc);
        const yc = aug(xc, createRng(4));
        const outCpu = Array.from(yc.dataSync());
        tf.dispose([xc, yc]);
        await tf.setBackend('wasm');
        out.forEach((v, i) => expect(Math.abs(v - outCpu[i]!)).toBeLessThan(1e-5));
        g.forEach((v, i) => expect(Math.abs(v - gc[i]!)).toBeLessThan(1e-4));
      } finally {
        x.dispose();
      }
    });
  }
});
