import * as tf from '@tensorflow/tfjs';
import { createRng } from '@contrastive/core';
import { useCpuLeakCheck } from '@contrastive/test-utils';
import { describe, expect, it } from 'vitest';
import { applyColor, applyRotation, atomicViews, blurWithSigmas, parseAtomicAugs } from './index.js';

useCpuLeakCheck();

const identity = { brightness: 1, contrast: 1, saturation: 1, grayscale: false };

describe('atomic augmentations with explicit parameters', () => {
  it('applyRotation turns each image by its own k·90° counter-clockwise, exactly as np.rot90', () => {
    const img = [1, 2, 3, 4, 5, 6, 7, 8, 9];
    const x = tf.tensor4d([...img, ...img, ...img, ...img], [4, 3, 3, 1]);
    const y = applyRotation(x, [0, 1, 2, 3]);
    // np.rot90([[1,2,3],[4,5,6],[7,8,9]], k) for k = 0..3
    expect(Array.from(y.dataSync())).toEqual([
      ...img,
      ...[3, 6, 9, 2, 5, 8, 1, 4, 7],
      ...[9, 8, 7, 6, 5, 4, 3, 2, 1],
      ...[7, 4, 1, 8, 5, 2, 9, 6, 3],
    ]);
    expect(() => applyRotation(x, [0, 1, 4, 0])).toThrow(/every turn must be an integer in 0..3, got 4/);
    const wide = tf.zeros([1, 2, 3, 1]) as tf.Tensor4D;
    expect(() => applyRotation(wide, [1])).toThrow(/must be square to rotate by 90°, got 2x3/);
    tf.dispose([x, y, wide]);
  });

  it('applyColor: identity leaves the image, brightness scales, grayscale equalises RGB channels, gray images ignore chroma', () => {
    const x = tf.tidy(() => tf.randomUniform([2, 4, 4, 3], 0, 1, 'float32', 1) as tf.Tensor4D);
    const same = applyColor(x, [identity, identity]);
    const half = applyColor(x, [{ ...identity, brightness: 0.5 }, identity]);
    const gray = applyColor(x, [identity, { ...identity, grayscale: true }]);
    const diff = (a: tf.Tensor, b: tf.Tensor) => tf.tidy(() => a.sub(b).abs().max().dataSync()[0]!);
    expect(diff(same, x)).toBeLessThan(1e-6);
    expect(tf.tidy(() => diff(half.slice([0], [1]), x.slice([0], [1]).mul(0.5)))).toBeLessThan(1e-6);
    expect(tf.tidy(() => diff(half.slice([1], [1]), x.slice([1], [1])))).toBeLessThan(1e-6);
    const channels = tf.tidy(() => {
      const g = gray.slice([1], [1]);
      return diff(g.slice([0, 0, 0, 0], [-1, -1, -1, 1]), g.slice([0, 0, 0, 2], [-1, -1, -1, 1]));
    });
    expect(channels).toBeLessThan(1e-6);
    const one = tf.tidy(() => tf.randomUniform([1, 4, 4, 1], 0, 1, 'float32', 2) as tf.Tensor4D);
    const kept = applyColor(one, [{ ...identity, saturation: 0.1, grayscale: true }]);
    expect(diff(kept, one)).toBeLessThan(1e-6);
    tf.dispose([x, same, half, gray, one, kept]);
  });

  it('sample draws one parameter per image in range; the same seed draws the same; render keeps the shape', () => {
    const views = atomicViews();
    const p = views.sample(50, createRng(1));
    expect(p.rotation).toHaveLength(50);
    expect(new Set(p.rotation)).toEqual(new Set([0, 1, 2, 3]));
    for (const s of p.blur!) expect(s === 0 || (s >= 0.1 && s <= 2)).toBe(true);
    expect(p.blur!.some((s) => s === 0) && p.blur!.some((s) => s > 0)).toBe(true);
    for (const c of p.color!) for (const f of [c.brightness, c.contrast, c.saturation]) expect(f >= 0.6 && f <= 1.4).toBe(true);
    expect(views.sample(50, createRng(1))).toEqual(p);
    const x = tf.tidy(() => tf.randomUniform([6, 8, 8, 1], 0, 1, 'float32', 3) as tf.Tensor4D);
    const [a, b] = [views.maker(x, createRng(7)), views.maker(x, createRng(7))];
    expect(a.shape).toEqual([6, 8, 8, 1]);
    expect(tf.tidy(() => a.sub(b).abs().max().dataSync()[0]!)).toBe(0);
    expect(() => views.render(x, { ...p }, createRng(1))).toThrow(/params.color must hold one entry per image \(6\), got 50/);
    tf.dispose([x, a, b]);
  });

  it('blurWithSigmas leaves σ = 0 images unchanged and smooths the others', () => {
    const x = tf.tidy(() => tf.randomUniform([2, 8, 8, 1], 0, 1, 'float32', 4) as tf.Tensor4D);
    const y = blurWithSigmas(x, [0, 1.5], 5);
    const [d0, d1] = tf.tidy(() =>
      [0, 1].map(
        (i) =>
          y
            .slice([i], [1])
            .sub(x.slice([i], [1]))
            .abs()
            .max()
            .dataSync()[0]!,
      ),
    );
    expect(d0).toBe(0);
    expect(d1).toBeGreaterThan(0.05);
    expect(() => blurWithSigmas(x, [1], 5)).toThrow(/one value per image \(2\), got 1/);
    tf.dispose([x, y]);
  });

  it('parseAtomicAugs reads a comma list and names what is wrong', () => {
    expect(parseAtomicAugs('color, rotation', '--looc-augs')).toEqual(['color', 'rotation']);
    expect(() => parseAtomicAugs('color,texture', '--looc-augs')).toThrow(
      /--looc-augs: unknown augmentation "texture"; expected one of color, rotation, blur/,
    );
    expect(() => parseAtomicAugs('', '--looc-augs')).toThrow(/--looc-augs: unknown augmentation ""/);
    expect(() => parseAtomicAugs([], 'augs')).toThrow(/augs must list one or more of color, rotation, blur/);
  });
});
