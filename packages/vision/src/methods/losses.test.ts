import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { useCpuLeakCheck } from '@contrastive/test-utils';
import { byolLoss, mocoV3Loss, simsiamLoss } from './index.js';

/** Inputs, losses and gradients from tools/reference/vision_method_losses.py (PyTorch, float64). */
const fx = JSON.parse(readFileSync(new URL('./__fixtures__/method-losses.json', import.meta.url), 'utf8')) as {
  inputs: Record<'a1' | 'a2' | 'b1' | 'b2', number[][]>;
} & Record<'byol' | 'simsiam' | 'mocov3', { loss: number; grad_a1: number[][]; grad_a2: number[][] }>;

useCpuLeakCheck();

const cases = {
  byol: byolLoss,
  simsiam: simsiamLoss,
  mocov3: (a1: tf.Tensor2D, a2: tf.Tensor2D, b1: tf.Tensor2D, b2: tf.Tensor2D) => mocoV3Loss(a1, a2, b1, b2, 0.2),
};

describe('method losses match the official formulas (PyTorch reference)', () => {
  for (const [name, fn] of Object.entries(cases)) {
    it(`${name}: loss and gradients w.r.t. the online outputs to 1e-4; no gradient to the targets`, () => {
      const [a1, a2, b1, b2] = (['a1', 'a2', 'b1', 'b2'] as const).map((k) => tf.tensor2d(fx.inputs[k]));
      const ref = fx[name as keyof typeof cases];
      const { value, grads } = tf.tidy(() => {
        const g = tf.grads((x1: tf.Tensor, x2: tf.Tensor, y1: tf.Tensor, y2: tf.Tensor) =>
          fn(x1 as tf.Tensor2D, x2 as tf.Tensor2D, y1 as tf.Tensor2D, y2 as tf.Tensor2D),
        );
        return { value: fn(a1!, a2!, b1!, b2!), grads: g([a1!, a2!, b1!, b2!]) };
      });
      expect(value.dataSync()[0]).toBeCloseTo(ref.loss, 4);
      const [g1, g2, gb1, gb2] = grads as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor];
      const close = (t: tf.Tensor, e: number[][]) => tf.tidy(() => t.sub(tf.tensor2d(e)).abs().max().dataSync()[0]!);
      expect(close(g1, ref.grad_a1)).toBeLessThan(1e-4);
      expect(close(g2, ref.grad_a2)).toBeLessThan(1e-4);
      expect(tf.tidy(() => gb1.abs().max().dataSync()[0])).toBe(0);
      expect(tf.tidy(() => gb2.abs().max().dataSync()[0])).toBe(0);
      tf.dispose([a1!, a2!, b1!, b2!, value, ...grads]);
    });
  }
});
