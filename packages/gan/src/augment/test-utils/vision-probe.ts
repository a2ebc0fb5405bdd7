import * as tf from '@tensorflow/tfjs';
import { createRng, type ViewMaker } from '@contrastive/core';
import { colorJitter, horizontalFlip, randomGrayscale, randomResizedCrop } from '@contrastive/vision';
import { describe, expect, it } from 'vitest';
import { finiteNonZero, images, inputGradient } from './gradients.js';

/**
 * The kernels an augmentation runs on `x` that have no registered gradient in tfjs. A backward pass through
 * any of them on the path from the image throws ("gradient function not found for …") — and leaves the
 * forward tensors it saved alive, which is why the probe reads the registry instead of failing a backward pass.
 */
export async function kernelsWithoutGradient(aug: ViewMaker<tf.Tensor4D>, x: tf.Tensor4D): Promise<string[]> {
  let out: tf.Tensor | undefined;
  const info = await tf.profile(() => {
    out = aug(x, createRng(1));
    return out;
  });
  out?.dispose();
  return [...new Set(info.kernels.map((k) => k.name))].filter((name) => tf.getGradient(name) === undefined);
}

/**
 * Which of @contrastive/vision's augmentations back-propagate to their input on the current backend. ContraD
 * needs D(aug(G(z))) to reach G, so the ones that do not are re-implemented in this folder. If tfjs ever
 * registers these gradients, the expectations fail loudly and the vision ones can be reused.
 */
export function describeVisionProbe(backend: string): void {
  describe(`@contrastive/vision augmentations and input gradients (${backend})`, () => {
    it('randomResizedCrop runs tf.image.cropAndResize, whose CropAndResize kernel has NO gradient in tfjs 4.22', async () => {
      const x = images(2, 8, 8, 3, 1);
      try {
        expect(await kernelsWithoutGradient(randomResizedCrop({ scale: [0.2, 1] }), x)).toContain('CropAndResize');
      } finally {
        x.dispose();
      }
    });

    it('horizontalFlip runs tf.image.flipLeftRight, whose FlipLeftRight kernel has NO gradient in tfjs 4.22', async () => {
      const x = images(2, 8, 8, 3, 2);
      try {
        expect(await kernelsWithoutGradient(horizontalFlip({ p: 1 }), x)).toContain('FlipLeftRight');
      } finally {
        x.dispose();
      }
    });

    it('colorJitter and randomGrayscale DO pass finite, non-zero gradients to the image', async () => {
      const x = images(2, 8, 8, 3, 3);
      try {
        expect(await kernelsWithoutGradient(colorJitter({ p: 1 }), x)).toEqual([]);
        expect(finiteNonZero(inputGradient(colorJitter({ p: 1 }), x))).toBe(true);
        expect(await kernelsWithoutGradient(randomGrayscale({ p: 1 }), x)).toEqual([]);
        expect(finiteNonZero(inputGradient(randomGrayscale({ p: 1 }), x))).toBe(true);
      } finally {
        x.dispose();
      }
    });
  });
}
