import * as tf from '@tensorflow/tfjs';
import { createRng, type ViewMaker } from '@contrastive/core';
import { type FixtureCase, expectClose, readFixtureCases, toTensor, useCpuLeakCheck } from '@contrastive/test-utils';
import { describe, expect, it } from 'vitest';
import { differentiableColorJitter } from './color-jitter.js';
import { contradAugment } from './contrad-augment.js';
import { differentiableFlip } from './flip.js';
import { differentiableGrayscale, LUMA_WEIGHTS } from './grayscale.js';
import {
  type CropTransform,
  differentiableResizedCrop,
  interpolationMatrix,
  resampleSeparable,
  sampleCropTransform,
} from './resized-crop.js';
import { finiteNonZero, images, inputGradient } from './test-utils/gradients.js';
import { describeVisionProbe, kernelsWithoutGradient } from './test-utils/vision-probe.js';

useCpuLeakCheck();

describeVisionProbe('cpu');

const read = (t: tf.Tensor): number[] => {
  const v = Array.from(t.dataSync());
  t.dispose();
  return v;
};
const run = (aug: ViewMaker<tf.Tensor4D>, x: tf.Tensor4D, seed: number): number[] => read(aug(x, createRng(seed)));

const AUGMENTS: Array<[string, ViewMaker<tf.Tensor4D>]> = [
  ['differentiableResizedCrop', differentiableResizedCrop()],
  ['differentiableFlip (p 1)', differentiableFlip({ p: 1 })],
  ['differentiableColorJitter (p 1)', differentiableColorJitter({ p: 1 })],
  ['differentiableGrayscale (p 1)', differentiableGrayscale({ p: 1 })],
  ['contradAugment (the "simclr" preset)', contradAugment()],
];

describe('differentiable augmentations: gradients, determinism, range', () => {
  for (const [name, aug] of AUGMENTS) {
    for (const c of [3, 1]) {
      it(`${name}, ${c} channel(s): finite non-zero input gradient; same seed → same output; values in [0, 1]`, async () => {
        const x = images(4, 8, 8, c, 10 + c);
        try {
          expect(await kernelsWithoutGradient(aug, x)).toEqual([]);
          if (!(name.startsWith('differentiableGrayscale') && c === 1)) expect(finiteNonZero(inputGradient(aug, x))).toBe(true);
          const a = run(aug, x, 5);
          expect(run(aug, x, 5)).toEqual(a);
          expect(a.every((v) => v >= 0 && v <= 1)).toBe(true);
          const shape = aug(x, createRng(5));
          expect(shape.shape).toEqual(x.shape);
          shape.dispose();
          if (!name.startsWith('differentiableGrayscale') || c === 3) {
            // some seed of 1..4 changes the output (a flip at p 1 is the same for every seed, so compare with x)
            const differs = [1, 2, 3, 4].some((s) => run(aug, x, s).some((v, i) => Math.abs(v - a[i]!) > 1e-6));
            const changed = a.some((v, i) => Math.abs(v - x.dataSync()[i]!) > 1e-6);
            expect(differs || changed).toBe(true);
          }
        } finally {
          x.dispose();
        }
      });
    }
  }

  it('the gradient through contradAugment reaches the input of every image of a batch', () => {
    const x = images(6, 8, 8, 3, 21);
    try {
      const g = inputGradient(contradAugment(), x, 3);
      const per = 8 * 8 * 3;
      for (let i = 0; i < 6; i++) expect(finiteNonZero(g.subarray(i * per, (i + 1) * per))).toBe(true);
    } finally {
      x.dispose();
    }
  });
});

describe('differentiableResizedCrop matches grid_sample (bilinear, reflection, align_corners=False)', () => {
  interface CropCase extends FixtureCase {
    options: { transforms: CropTransform[] };
  }
  const cases = readFixtureCases<CropCase>(new URL('./__fixtures__', import.meta.url), 'resized-crop.json');
  it('has cases', () => expect(cases.length).toBeGreaterThanOrEqual(3));
  for (const c of cases) {
    it(c.name, () => {
      const x = toTensor(c.inputs.x!) as tf.Tensor4D;
      const weight = toTensor(c.inputs.weight!);
      const [n, h, w] = x.shape;
      const ts = c.options.transforms;
      const ry = tf.tensor3d(
        ts.flatMap((t) => Array.from(interpolationMatrix(h, t.sy, t.ty))),
        [n, h, h],
      );
      const rx = tf.tensor3d(
        ts.flatMap((t) => Array.from(interpolationMatrix(w, t.sx, t.tx))),
        [n, w, w],
      );
      try {
        expectClose(read(resampleSeparable(x, ry, rx)), c.value as never, `${c.name} value`);
        const g = tf.grad((y: tf.Tensor) => tf.sum(tf.mul(resampleSeparable(y as tf.Tensor4D, ry, rx), weight)) as tf.Scalar)(x);
        expectClose(read(g), c.grads.x!, `${c.name} d/dx`);
      } finally {
        tf.dispose([x, weight, ry, rx]);
      }
    });
  }

  it('interpolation rows sum to 1; the identity crop reproduces the image', () => {
    const m = interpolationMatrix(5, 0.6, 0.2);
    for (let o = 0; o < 5; o++) expect(m.subarray(o * 5, o * 5 + 5).reduce((s, v) => s + v, 0)).toBeCloseTo(1, 6);
    const x = images(2, 5, 7, 3, 4);
    try {
      const id = differentiableResizedCrop({ scale: [1, 1], ratio: [7 / 5, 7 / 5] });
      expect(sampleCropTransform(5, 7, [1, 1], [7 / 5, 7 / 5], createRng(1))).toEqual({ sx: 1, sy: 1, tx: 0, ty: 0 });
      expectClose(run(id, x, 1), Array.from(x.dataSync()), 'identity crop');
    } finally {
      x.dispose();
    }
  });

  it('crops follow the code: area fraction in [scale], offsets keep the crop inside [−1, 1]', () => {
    const rng = createRng(8);
    for (let i = 0; i < 200; i++) {
      const t = sampleCropTransform(32, 32, [0.2, 1], [3 / 4, 4 / 3], rng);
      expect(t.sx * t.sy).toBeGreaterThan(0.15);
      expect(t.sx * t.sy).toBeLessThanOrEqual(1.0001);
      expect(Math.abs(t.tx) + t.sx).toBeLessThanOrEqual(1 + 1e-9);
      expect(Math.abs(t.ty) + t.sy).toBeLessThanOrEqual(1 + 1e-9);
    }
  });
});

describe('differentiable flip, grayscale and colour jitter: what they compute', () => {
  it('flip at p 1 is tf.reverse along the width; at p 0 the identity', () => {
    const x = images(2, 4, 5, 3, 31);
    try {
      expect(run(differentiableFlip({ p: 1 }), x, 1)).toEqual(read(tf.reverse(x, 2)));
      expect(run(differentiableFlip({ p: 0 }), x, 1)).toEqual(Array.from(x.dataSync()));
    } finally {
      x.dispose();
    }
  });

  it('grayscale at p 1 makes R = G = B = the BT.601 luma; on 1 channel it is the identity', () => {
    const x = images(2, 3, 3, 3, 32);
    const g1 = images(2, 3, 3, 1, 33);
    try {
      const y = run(differentiableGrayscale({ p: 1 }), x, 1);
      const xs = Array.from(x.dataSync());
      for (let i = 0; i < xs.length; i += 3) {
        const l = LUMA_WEIGHTS[0] * xs[i]! + LUMA_WEIGHTS[1] * xs[i + 1]! + LUMA_WEIGHTS[2] * xs[i + 2]!;
        for (let k = 0; k < 3; k++) expect(y[i + k]).toBeCloseTo(l, 5);
      }
      expect(run(differentiableGrayscale({ p: 1 }), g1, 1)).toEqual(Array.from(g1.dataSync()));
    } finally {
      tf.dispose([x, g1]);
    }
  });

  it('colour jitter: p 0 and zero strengths are identities; saturation and hue do nothing on 1 channel', () => {
    const x = images(3, 4, 4, 3, 34);
    const g1 = images(3, 4, 4, 1, 35);
    try {
      expectClose(run(differentiableColorJitter({ p: 0 }), x, 2), Array.from(x.dataSync()), 'p 0');
      const none = differentiableColorJitter({ p: 1, brightness: 0, contrast: 0, saturation: 0, hue: 0 });
      expectClose(run(none, x, 2), Array.from(x.dataSync()), 'zero strengths (YIQ round trip)');
      const chroma = differentiableColorJitter({ p: 1, brightness: 0, contrast: 0, saturation: 0.4, hue: 0.1 });
      expectClose(run(chroma, g1, 2), Array.from(g1.dataSync()), 'saturation + hue on gray');
      expect(run(chroma, x, 2).some((v, i) => Math.abs(v - x.dataSync()[i]!) > 1e-3)).toBe(true);
    } finally {
      tf.dispose([x, g1]);
    }
  });

  it('validates options and inputs, naming the argument', () => {
    expect(() => differentiableFlip({ p: 2 })).toThrow(/differentiableFlip: p must be in \[0, 1\]/);
    expect(() => differentiableResizedCrop({ scale: [0.5, 1.5] })).toThrow(/scale/);
    expect(() => differentiableColorJitter({ hue: 0.7 })).toThrow(/hue/);
    expect(() => differentiableColorJitter({ contrast: -1 })).toThrow(/contrast must be a finite number/);
    const bad = tf.zeros([2, 4, 4, 2]) as tf.Tensor4D;
    try {
      expect(() => contradAugment()(bad, createRng(1))).toThrow(/1 or 3 channels/);
    } finally {
      bad.dispose();
    }
  });
});
