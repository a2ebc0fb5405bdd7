import * as tf from '@tensorflow/tfjs';
import type { ViewMaker } from '@contrastive/core';
import { assertImages, assertProbability, assertRange, drawMask } from './apply.js';

/** Options for {@link gaussianBlur}. */
export interface GaussianBlurOptions {
  /** σ ~ U[sigma] in pixels. Default `[0.1, 2]` (SimCLR, MoCo v2, BYOL). */
  sigma?: [number, number];
  /** Odd kernel size; default: 10% of the image height made odd (SimCLR: size // 10 → 2r+1), at least 3. */
  kernelSize?: number;
  /** Probability per image. Default 0.5 (SimCLR, MoCo v2). */
  p?: number;
}

/**
 * Gaussian blur with a per-image σ, as a separable filter. The batch is folded into the channel axis
 * (`[N,H,W,C]` → `[1,H,W,N·C]`) so one depthwise convolution per direction applies every image's own
 * kernel; borders are reflect-padded. Images not chosen get a delta kernel (exactly unchanged).
 */
export function gaussianBlur(opts: GaussianBlurOptions = {}): ViewMaker<tf.Tensor4D> {
  const { sigma = [0.1, 2], p = 0.5 } = opts;
  assertRange(sigma, 'gaussianBlur: sigma', Number.MIN_VALUE);
  assertProbability(p, 'gaussianBlur: p');
  if (opts.kernelSize !== undefined && (!Number.isInteger(opts.kernelSize) || opts.kernelSize < 1 || opts.kernelSize % 2 === 0)) {
    throw new RangeError(`gaussianBlur: kernelSize must be an odd integer >= 1, got ${String(opts.kernelSize)}`);
  }
  return (x, rng) => {
    assertImages(x, 'gaussianBlur');
    const [n, h, w] = x.shape;
    const k = opts.kernelSize ?? Math.max(3, 2 * Math.floor(Math.floor(h / 10) / 2) + 1);
    const r = (k - 1) / 2;
    const mask = drawMask(n, p, rng);
    if (!mask.some(Boolean) || r === 0 || r >= Math.min(h, w)) return x.clone();
    const sigmas = mask.map((on) => (on ? rng.range(sigma[0], sigma[1]) : 0));
    return blurWithSigmas(x, sigmas, k);
  };
}

/**
 * Blurs image i of `x` with a Gaussian of σ = `sigmas[i]` pixels (σ = 0: unchanged) and an odd kernel of
 * `kernelSize` taps: the pure part of {@link gaussianBlur}, for callers that draw σ themselves (LooC's
 * atomic "texture" augmentation, which must replay a query's σ on a key). A kernel wider than the image
 * leaves it unchanged (reflect padding needs a radius below the side).
 */
export function blurWithSigmas(x: tf.Tensor4D, sigmas: readonly number[], kernelSize: number): tf.Tensor4D {
  assertImages(x, 'blurWithSigmas');
  const [n, h, w, c] = x.shape;
  if (sigmas.length !== n) throw new RangeError(`blurWithSigmas: sigmas must hold one value per image (${n}), got ${sigmas.length}`);
  if (!Number.isInteger(kernelSize) || kernelSize < 1 || kernelSize % 2 === 0) {
    throw new RangeError(`blurWithSigmas: kernelSize must be an odd integer >= 1, got ${String(kernelSize)}`);
  }
  const k = kernelSize;
  const r = (k - 1) / 2;
  if (sigmas.every((s) => s === 0) || r === 0 || r >= Math.min(h, w)) return x.clone();
  const taps: number[] = [];
  for (const s of sigmas) {
    if (!(s >= 0) || !Number.isFinite(s))
      throw new RangeError(`blurWithSigmas: every sigma must be a finite number >= 0, got ${String(s)}`);
    const g = Array.from({ length: k }, (_, t) => (s === 0 ? (t === r ? 1 : 0) : Math.exp(-((t - r) ** 2) / (2 * s * s))));
    const z = g.reduce((a, b) => a + b, 0);
    for (let ch = 0; ch < c; ch++) taps.push(...g.map((v) => v / z));
  }
  return tf.tidy(() => {
    // kernel taps laid out [k, N·C] then reshaped to depthwise filters.
    const kern = tf.tensor2d(taps, [n * c, k]).transpose();
    const folded = x.transpose([1, 2, 0, 3]).reshape([1, h, w, n * c]) as tf.Tensor4D;
    const padded = tf.mirrorPad(
      folded,
      [
        [0, 0],
        [r, r],
        [r, r],
        [0, 0],
      ],
      'reflect',
    );
    const horiz = tf.depthwiseConv2d(padded, kern.reshape([1, k, n * c, 1]) as tf.Tensor4D, 1, 'valid');
    const both = tf.depthwiseConv2d(horiz, kern.reshape([k, 1, n * c, 1]) as tf.Tensor4D, 1, 'valid');
    return both.reshape([h, w, n, c]).transpose([2, 0, 1, 3]) as tf.Tensor4D;
  });
}
