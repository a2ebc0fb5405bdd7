import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { infoNCE } from '@contrastive/core';
import { checkCase, readFixtureCases, useCpuLeakCheck } from '@contrastive/test-utils';
import { CLIP_INIT_LOG_SCALE, CLIP_MAX_LOG_SCALE, clampLogScale, clipLoss } from './clip-loss.js';

useCpuLeakCheck();

const FIXTURES = new URL('./__fixtures__', import.meta.url);

describe('clipLoss vs PyTorch (openai/CLIP model.py + open_clip ClipLoss; tools/reference/multimodal_losses.py)', () => {
  const cases = readFixtureCases(FIXTURES, 'clip-loss.json');
  it('has the cases the script writes (init, clamp, 0 and 1.3 scales; non-normalised rows; per-pair)', () => {
    expect(cases.length).toBe(16);
    expect(cases.filter((c) => c.name.includes('non-normalised')).length).toBe(2);
  });
  for (const c of cases) {
    it(`${c.name}: value and gradients w.r.t. image, text and the log scale`, () => {
      const reduction = c.options.reduction as 'mean' | 'none';
      checkCase(c, ['image', 'text', 'logScale'], (image, text, s) =>
        clipLoss(image as tf.Tensor2D, text as tf.Tensor2D, s as tf.Scalar, { reduction }),
      );
    });
  }
});

describe('clipLoss behaviour', () => {
  const pairs = (n: number, d: number, seed: number): [tf.Tensor2D, tf.Tensor2D] => [
    tf.randomNormal([n, d], 0, 1, 'float32', seed) as tf.Tensor2D,
    tf.randomNormal([n, d], 0, 1, 'float32', seed + 1) as tf.Tensor2D,
  ];

  it('the constants are CLIP’s: ln(1/0.07) (scale ≈ 14.29) and ln 100', () => {
    expect(CLIP_INIT_LOG_SCALE).toBeCloseTo(2.659260036932778, 12);
    expect(Math.exp(CLIP_INIT_LOG_SCALE)).toBeCloseTo(1 / 0.07, 10);
    expect(CLIP_MAX_LOG_SCALE).toBeCloseTo(4.605170185988092, 12);
  });

  it('equals ½[infoNCE(image → text) + infoNCE(text → image)] at τ = e^{−s} (core’s variant B, both directions)', () => {
    const [img, txt] = pairs(6, 5, 1);
    for (const s of [0, 1.3, CLIP_INIT_LOG_SCALE, CLIP_MAX_LOG_SCALE]) {
      const tau = Math.exp(-s);
      const got = clipLoss(img, txt, s);
      const want = tf.tidy(() => tf.mul(0.5, tf.add(infoNCE(img, txt, { temperature: tau }), infoNCE(txt, img, { temperature: tau }))));
      expect(got.dataSync()[0]!).toBeCloseTo(want.dataSync()[0]!, 4);
      tf.dispose([got, want]);
    }
    tf.dispose([img, txt]);
  });

  it('a number log scale and a tensor log scale give the same value; the mean of "none" is the loss', () => {
    const [img, txt] = pairs(5, 4, 3);
    const s = tf.scalar(CLIP_INIT_LOG_SCALE);
    const a = clipLoss(img, txt, CLIP_INIT_LOG_SCALE);
    const b = clipLoss(img, txt, s);
    const per = clipLoss(img, txt, s, { reduction: 'none' });
    expect(per.shape).toEqual([5]);
    expect(b.dataSync()[0]).toBeCloseTo(a.dataSync()[0]!, 6);
    expect(tf.tidy(() => tf.mean(per).dataSync()[0])).toBeCloseTo(a.dataSync()[0]!, 5);
    tf.dispose([img, txt, s, a, b, per]);
  });

  it('is invariant to permuting the pairs together and to rescaling rows; swapping image and text leaves it unchanged', () => {
    const [img, txt] = pairs(5, 4, 5);
    const perm = tf.tensor1d([3, 0, 4, 1, 2], 'int32');
    const scales = tf.tensor2d([[0.01], [50], [1], [3], [0.2]]);
    const base = clipLoss(img, txt, 2);
    const permuted = tf.tidy(() => clipLoss(tf.gather(img, perm), tf.gather(txt, perm), 2));
    const rescaled = tf.tidy(() => clipLoss(tf.mul(img, scales), txt, 2));
    const swapped = clipLoss(txt, img, 2);
    for (const other of [permuted, rescaled, swapped]) expect(other.dataSync()[0]!).toBeCloseTo(base.dataSync()[0]!, 4);
    // Breaking the pairing (permuting texts only) changes it: the loss does depend on which text goes with which image.
    const broken = tf.tidy(() => clipLoss(img, tf.gather(txt, perm), 2));
    expect(Math.abs(broken.dataSync()[0]! - base.dataSync()[0]!)).toBeGreaterThan(1e-3);
    tf.dispose([img, txt, perm, scales, base, permuted, rescaled, swapped, broken]);
  });

  it('perfectly matched pairs: the loss falls towards 0 as the scale grows, and is log N at scale e^0 = 1 for orthogonal features', () => {
    const eye = tf.eye(4) as tf.Tensor2D;
    const atOne = clipLoss(eye, eye, 0);
    // Orthonormal pairs at scale 1: each row is softmax([1, 0, 0, 0]), CE = log(e + 3) − 1.
    expect(atOne.dataSync()[0]!).toBeCloseTo(Math.log(Math.E + 3) - 1, 5);
    const atMax = clipLoss(eye, eye, CLIP_MAX_LOG_SCALE);
    expect(atMax.dataSync()[0]!).toBeLessThan(1e-6);
    tf.dispose([eye, atOne, atMax]);
  });

  it('the gradient w.r.t. a trainable log scale flows (variableGrads), and an Adam step then clampLogScale keeps s in [0, ln 100]', () => {
    const [img, txt] = pairs(4, 3, 9);
    const s = tf.tidy(() => tf.variable(tf.scalar(CLIP_MAX_LOG_SCALE - 0.01), true, 'clip_test_logit_scale'));
    const { value, grads } = tf.variableGrads(() => clipLoss(img, txt, s as tf.Tensor as tf.Scalar), [s]);
    const g = grads[s.name]!.dataSync()[0]!;
    expect(Number.isFinite(g)).toBe(true);
    expect(Math.abs(g)).toBeGreaterThan(1e-4);
    tf.dispose([value, ...Object.values(grads)]);
    // A step of length 10 along −gradient leaves [0, ln 100] whichever its sign; the clamp brings s back.
    const opt = tf.train.sgd(10 / Math.abs(g));
    const before = s.dataSync()[0]!;
    opt.minimize(() => clipLoss(img, txt, s as tf.Tensor as tf.Scalar), false, [s]);
    const stepped = s.dataSync()[0]!;
    expect(stepped).not.toBe(before);
    clampLogScale(s);
    const after = s.dataSync()[0]!;
    expect(after).toBeGreaterThanOrEqual(0);
    expect(after).toBeLessThanOrEqual(CLIP_MAX_LOG_SCALE + 1e-6);
    expect(stepped < 0 || stepped > CLIP_MAX_LOG_SCALE).toBe(true); // the step did leave the range, so the clamp acted
    opt.dispose();
    tf.dispose([img, txt, s]);
  });

  it('clampLogScale: above ln 100 → ln 100, below 0 → 0, inside unchanged; refuses what is not a float32 scalar variable', () => {
    const v = tf.tidy(() => tf.variable(tf.scalar(7)));
    clampLogScale(v);
    expect(v.dataSync()[0]).toBeCloseTo(CLIP_MAX_LOG_SCALE, 6);
    tf.tidy(() => v.assign(tf.scalar(-0.5)));
    clampLogScale(v);
    expect(v.dataSync()[0]).toBe(0);
    tf.tidy(() => v.assign(tf.scalar(3.25)));
    clampLogScale(v);
    expect(v.dataSync()[0]).toBe(3.25);
    const t = tf.scalar(3);
    const vec = tf.tidy(() => tf.variable(tf.tensor1d([1, 2])));
    expect(() => clampLogScale(t as unknown as tf.Variable)).toThrow(/clampLogScale: logScale must be a tf.Variable/);
    expect(() => clampLogScale(5 as unknown as tf.Variable)).toThrow(/must be a tf.Variable.*got 5/);
    expect(() => clampLogScale(vec)).toThrow(/logScale must be a number or a float32 scalar tensor, got a float32 tensor of shape \[2\]/);
    tf.dispose([v, t, vec]);
  });

  it('rejects bad input with errors naming the argument', () => {
    const a = tf.zeros([3, 4]) as tf.Tensor2D;
    const b = tf.zeros([4, 4]) as tf.Tensor2D;
    const c = tf.zeros([3, 5]) as tf.Tensor2D;
    const one = tf.ones([1, 4]) as tf.Tensor2D;
    const ints = tf.zeros([3, 4], 'int32') as tf.Tensor2D;
    const vec = tf.zeros([3]) as unknown as tf.Tensor2D;
    const s2 = tf.tensor1d([1, 2]) as unknown as tf.Scalar;
    const dead = tf.scalar(1);
    dead.dispose();
    expect(() => clipLoss(a, b, 1)).toThrow(/imageFeatures and textFeatures must have the same shape, got \[3, 4\] and \[4, 4\]/);
    expect(() => clipLoss(a, c, 1)).toThrow(/same shape, got \[3, 4\] and \[3, 5\]/);
    expect(() => clipLoss(one, one, 1)).toThrow(/imageFeatures must have at least 2 rows.*\[1, 4\].*identically 0/);
    expect(() => clipLoss(ints, a, 1)).toThrow(/imageFeatures must be float32, got int32/);
    expect(() => clipLoss(a, vec, 1)).toThrow(/textFeatures must have rank 2/);
    expect(() => clipLoss(a, a, Number.NaN)).toThrow(/logScale must be a finite number or a float32 scalar tensor, got NaN/);
    expect(() => clipLoss(a, a, s2)).toThrow(/logScale must be a number or a float32 scalar tensor, got a float32 tensor of shape \[2\]/);
    expect(() => clipLoss(a, a, dead)).toThrow(/logScale is a disposed tensor/);
    expect(() => clipLoss(a, a, 1, { temperature: 0.1 } as never)).toThrow(
      /clipLoss: unknown option 'temperature'; valid options are 'reduction'/,
    );
    expect(() => clipLoss(a, a, 1, { reduction: 'max' as never })).toThrow(/reduction must be one of/);
    tf.dispose([a, b, c, one, ints, vec, s2]);
  });

  it('frees every intermediate: only the result survives', () => {
    const [img, txt] = pairs(8, 6, 11);
    const before = tf.memory().numTensors;
    const loss = clipLoss(img, txt, CLIP_INIT_LOG_SCALE);
    expect(tf.memory().numTensors).toBe(before + 1);
    loss.dispose();
    tf.dispose([img, txt]);
  });
});
