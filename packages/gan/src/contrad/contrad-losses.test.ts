import * as tf from '@tensorflow/tfjs';
import { ntXent } from '@contrastive/core';
import { checkCase, type FixtureCase, readFixtureCases, useCpuLeakCheck } from '@contrastive/test-utils';
import { describe, expect, it } from 'vitest';
import { contradFakeLoss, contradRealLoss } from './contrad-losses.js';

useCpuLeakCheck();

interface ContraDCase extends FixtureCase {
  loss: 'contradRealLoss' | 'contradFakeLoss';
}
const cases = readFixtureCases<ContraDCase>(new URL('./__fixtures__', import.meta.url), 'contrad-losses.json');

const scalar = (t: tf.Tensor): number => {
  const v = t.dataSync()[0]!;
  t.dispose();
  return v;
};

describe('contradRealLoss matches the PyTorch port of training/criterion.py::nt_xent (values and gradients)', () => {
  const mine = cases.filter((c) => c.loss === 'contradRealLoss');
  it('has cases', () => expect(mine.length).toBeGreaterThanOrEqual(4));
  for (const c of mine) {
    it(c.name, () => {
      checkCase(c, ['z1', 'z2'], (z1, z2) => contradRealLoss(z1 as tf.Tensor2D, z2 as tf.Tensor2D, c.options as never));
    });
  }
});

describe('contradFakeLoss matches the PyTorch port of training/gan/contrad.py::supcon_fake (values and gradients)', () => {
  const mine = cases.filter((c) => c.loss === 'contradFakeLoss');
  it('has cases', () => expect(mine.length).toBeGreaterThanOrEqual(5));
  for (const c of mine) {
    it(c.name, () => {
      checkCase(c, ['realProj', 'fakeProj'], (r, f) => contradFakeLoss(r as tf.Tensor2D, f as tf.Tensor2D, c.options as never));
    });
  }
});

describe('ContraD losses: mechanics and validation', () => {
  it("contradRealLoss is core's ntXent at τ = 0.1 (the default) — the code's sum / 2N", () => {
    const z1 = tf.randomNormal([5, 4], 0, 1, 'float32', 1) as tf.Tensor2D;
    const z2 = tf.randomNormal([5, 4], 0, 1, 'float32', 2) as tf.Tensor2D;
    const a = scalar(contradRealLoss(z1, z2));
    const b = scalar(ntXent(z1, z2, { temperature: 0.1 }));
    const c = scalar(ntXent(z1, z2, { temperature: 0.5 }));
    expect(a).toBeCloseTo(b, 6);
    expect(Math.abs(a - c)).toBeGreaterThan(1e-2);
    const none = contradRealLoss(z1, z2, { reduction: 'none' });
    expect(none.shape).toEqual([10]);
    expect(scalar(tf.mean(none))).toBeCloseTo(a, 5);
    tf.dispose([z1, z2, none]);
  });

  it("contradFakeLoss: 'none' is per fake anchor, 'mean' its mean, 'sum' its sum; reals only enter the denominator", () => {
    const real = tf.randomNormal([6, 4], 0, 1, 'float32', 3) as tf.Tensor2D;
    const fake = tf.randomNormal([4, 4], 0, 1, 'float32', 4) as tf.Tensor2D;
    const none = contradFakeLoss(real, fake, { reduction: 'none' });
    expect(none.shape).toEqual([4]);
    const m = scalar(contradFakeLoss(real, fake));
    expect(scalar(tf.mean(none))).toBeCloseTo(m, 5);
    expect(scalar(contradFakeLoss(real, fake, { reduction: 'sum' }))).toBeCloseTo(4 * m, 4);
    // Pushing the reals far from every fake (orthogonal, so similarity 0 at most) can only lower the loss,
    // since reals are negatives only; a real equal to a fake raises it.
    const far = tf.tidy(() => tf.concat([tf.zeros([6, 4]), tf.ones([6, 1])], 1)) as tf.Tensor2D;
    const fakePad = tf.tidy(() => tf.concat([fake, tf.zeros([4, 1])], 1)) as tf.Tensor2D;
    const close = tf.tidy(() => tf.concat([tf.tile(tf.slice(fakePad, [0, 0], [1, 5]), [6, 1])], 0)) as tf.Tensor2D;
    expect(scalar(contradFakeLoss(far, fakePad))).toBeLessThan(scalar(contradFakeLoss(close, fakePad)));
    tf.dispose([real, fake, none, far, fakePad, close]);
  });

  it('validates its inputs, naming the argument', () => {
    const a = tf.ones([3, 4]) as tf.Tensor2D;
    const b = tf.ones([3, 5]) as tf.Tensor2D;
    const one = tf.ones([1, 4]) as tf.Tensor2D;
    try {
      expect(() => contradFakeLoss(a, one)).toThrow(/fakeProj must have at least 2 row/);
      expect(() => contradFakeLoss(a, b)).toThrow(/same width D/);
      expect(() => contradFakeLoss(a, a, { temperature: 0 })).toThrow(/temperature/);
      expect(() => contradFakeLoss(a, a, { temprature: 0.1 } as never)).toThrow(/unknown option 'temprature'/);
      expect(() => contradRealLoss(a, b)).toThrow(/z1|z2/);
      expect(() => contradRealLoss(a, a, { reduction: 'max' } as never)).toThrow(/reduction/);
    } finally {
      tf.dispose([a, b, one]);
    }
  });
});
