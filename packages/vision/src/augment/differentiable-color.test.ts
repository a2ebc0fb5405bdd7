import * as tf from '@tensorflow/tfjs';
import { createRng } from '@contrastive/core';
import { useCpuLeakCheck } from '@contrastive/test-utils';
import { describe, expect, it } from 'vitest';
import {
  applyDifferentiableColor,
  colorParamNames,
  colorParamRanges,
  differentiableColorJitter,
  resolveColorOptions,
  sampleColorDraw,
  sampleColorParams,
} from './differentiable-color.js';
import { invclrViews, isSplitViewMaker } from './invclr-views.js';

useCpuLeakCheck();

const rgb = () => tf.tidy(() => tf.randomUniform([3, 5, 5, 3], 0.1, 0.9, 'float32', 4) as tf.Tensor4D);
const gray = () => tf.tidy(() => tf.randomUniform([3, 5, 5, 1], 0.1, 0.9, 'float32', 5) as tf.Tensor4D);
const maxAbs = (a: tf.Tensor, b: tf.Tensor) => tf.tidy(() => a.sub(b).abs().max().dataSync()[0]!);

describe('differentiable colour (InvCLR)', () => {
  it('α = identity (1, 1, 1, 0) leaves RGB and grayscale images unchanged; apply = 0 does too', () => {
    for (const make of [rgb, gray]) {
      const x = make();
      const c = x.shape[3];
      tf.tidy(() => {
        const p = colorParamNames(c).length;
        const id = tf.tensor2d(Array.from({ length: 3 }, () => [1, 1, 1, 0].slice(0, p)));
        const y = applyDifferentiableColor(x, id, tf.ones([3]), tf.zeros([3]));
        // RGB: hue 0 still multiplies by T_rgb·T_yiq, whose 3-digit entries (the official code's) invert to ~2e-3.
        expect(maxAbs(y, x)).toBeLessThan(c === 3 ? 5e-3 : 1e-6);
        const off = applyDifferentiableColor(x, tf.fill([3, p], 1.3) as tf.Tensor2D, tf.zeros([3]), tf.zeros([3]));
        expect(maxAbs(off, x)).toBe(0);
      });
      x.dispose();
    }
  });

  it('brightness scales and clips; contrast keeps the mean luma; gray = 1 makes all channels the luma', () => {
    const x = rgb();
    tf.tidy(() => {
      const b = applyDifferentiableColor(
        x,
        tf.tensor2d([
          [1.4, 1, 1, 0],
          [0.6, 1, 1, 0],
          [1, 1, 1, 0],
        ]),
        tf.ones([3]),
        tf.zeros([3]),
      );
      expect(maxAbs(b.slice([1], [1]), x.slice([1], [1]).mul(0.6))).toBeLessThan(5e-3);
      expect(b.max().dataSync()[0]).toBeLessThanOrEqual(1 + 5e-3); // clipped at 1, then the (unclamped) hue matrix
      const c = applyDifferentiableColor(
        x,
        tf.tensor2d([
          [1, 0.6, 1, 0],
          [1, 1.3, 1, 0],
          [1, 1, 1, 0],
        ]),
        tf.ones([3]),
        tf.zeros([3]),
      );
      const luma = (t: tf.Tensor) =>
        t
          .mul(tf.tensor1d([0.299, 0.587, 0.114]))
          .sum(-1)
          .mean([1, 2]);
      // Contrast 0.6 cannot clip values in [0.1, 0.9]: the mean luma is kept exactly.
      expect(Math.abs(luma(c).dataSync()[0]! - luma(x).dataSync()[0]!)).toBeLessThan(5e-3);
      const g = applyDifferentiableColor(
        x,
        tf.tensor2d([
          [1, 1, 1, 0],
          [1, 1, 1, 0],
          [1, 1, 1, 0],
        ]),
        tf.ones([3]),
        tf.tensor1d([0, 1, 0]),
      );
      const img = g.slice([1], [1]);
      expect(maxAbs(img.slice([0, 0, 0, 0], [-1, -1, -1, 1]), img.slice([0, 0, 0, 2], [-1, -1, -1, 1]))).toBeLessThan(1e-6);
    });
    x.dispose();
  });

  it('hue keeps luma (a rotation in YIQ chroma) and a full turn is the identity', () => {
    const x = rgb();
    tf.tidy(() => {
      const h = applyDifferentiableColor(
        x,
        tf.tensor2d([
          [1, 1, 1, 0.1],
          [1, 1, 1, 1],
          [1, 1, 1, -0.2],
        ]),
        tf.ones([3]),
        tf.zeros([3]),
      );
      const luma = (t: tf.Tensor) => t.mul(tf.tensor1d([0.299, 0.587, 0.114])).sum(-1);
      expect(maxAbs(luma(h), luma(x))).toBeLessThan(5e-3); // the code's 3-digit YIQ matrices are inverse to ~2e-3
      expect(maxAbs(h.slice([1], [1]), x.slice([1], [1]))).toBeLessThan(5e-3);
      expect(maxAbs(h.slice([0], [1]), x.slice([0], [1]))).toBeGreaterThan(0.01);
    });
    x.dispose();
  });

  it('draws α in the SimCLR ranges of strength s, seeded, and refuses bad options by name', () => {
    expect(colorParamRanges(3, 0.5)).toEqual([
      [0.6, 1.4],
      [0.6, 1.4],
      [0.6, 1.4],
      [-0.1, 0.1],
    ]);
    expect(colorParamRanges(1, 1.5)).toEqual([
      [0, 2.2],
      [0, 2.2],
    ]);
    const d = sampleColorDraw(200, 3, createRng(1));
    expect(d.params).toBe(4);
    for (let i = 0; i < 200; i++) {
      expect(d.alpha[i * 4]).toBeGreaterThanOrEqual(0.6);
      expect(d.alpha[i * 4 + 3]).toBeLessThanOrEqual(0.1);
    }
    const applied = d.apply.reduce((s, v) => s + v, 0) / 200;
    const grayed = d.gray.reduce((s, v) => s + v, 0) / 200;
    expect(applied).toBeGreaterThan(0.7);
    expect(applied).toBeLessThan(0.9);
    expect(grayed).toBeGreaterThan(0.12);
    expect(grayed).toBeLessThan(0.28);
    expect(sampleColorDraw(5, 1, createRng(1)).gray.every((v) => v === 0)).toBe(true);
    expect(sampleColorDraw(5, 3, createRng(7))).toEqual(sampleColorDraw(5, 3, createRng(7)));
    expect(sampleColorParams(4, 2, 1, createRng(3)).length).toBe(4 * 2 * 2);
    expect(() => resolveColorOptions({ strength: -1 })).toThrow(/strength must be in \[0, 2.5\], got -1/);
    expect(() => resolveColorOptions({ p: 2 })).toThrow(/p must be in \[0, 1\], got 2/);
    const x = gray();
    expect(() => tf.tidy(() => applyDifferentiableColor(x, tf.ones([3, 4]) as tf.Tensor2D, tf.ones([3]), tf.zeros([3])))).toThrow(
      /alpha must be \[3, 2\] for 1-channel images, got \[3, 4\]/,
    );
    x.dispose();
  });

  it('as a view maker and in invclrViews: seeded, shaped, and split into geometric + colour parts', () => {
    const x = rgb();
    const jitter = differentiableColorJitter();
    const a = jitter(x, createRng(3));
    const b = jitter(x, createRng(3));
    expect(maxAbs(a, b)).toBe(0);
    const [m] = invclrViews({ scale: [0.5, 1] });
    expect(isSplitViewMaker(m)).toBe(true);
    expect(m.color).toEqual({ strength: 0.5, p: 0.8, grayscaleP: 0.2 });
    const v = m(x, createRng(1));
    expect(v.shape).toEqual(x.shape);
    tf.dispose([a, b, v, x]);
  });
});
