import * as tf from '@tensorflow/tfjs';
import type { ViewMaker } from '@contrastive/core';
import { assertImages, assertInterval, assertProbability, drawMask, perImage, selectPerImage } from './apply.js';
import { LUMA_WEIGHTS, luma } from './grayscale.js';

/** Options of {@link differentiableColorJitter}; factor ranges as the code's `ColorJitterLayer._check_input`. */
export interface DifferentiableColorJitterOptions {
  /** Brightness (the code: HSV value × f_v), f_v ~ U[max(0, 1−b), 1+b]. Default `0.4`. */
  brightness?: number;
  /** Contrast, f ~ U[max(0, 1−c), 1+c]: `(x − mean)·f + mean`, mean per image **and channel** (the code). Default `0.4`. */
  contrast?: number;
  /** Saturation (HSV saturation × f_s), f_s ~ U[max(0, 1−s), 1+s]. RGB only. Default `0.4`. */
  saturation?: number;
  /** Hue shift h ~ U[−hue, hue], applied as the code does: `H += h·255/360` of a turn. RGB only, hue ≤ 0.5. Default `0.1`. */
  hue?: number;
  /** Probability of jittering an image (`RandomApply(ColorJitterLayer(), p=0.8)` in the "simclr" preset). Default `0.8`. */
  p?: number;
}

// YIQ: Y is the BT.601 luma; rotating (I, Q) turns the hue and keeps the luma. The inverse is computed, so a
// zero rotation is the identity to float precision.
const RGB2YIQ = [[...LUMA_WEIGHTS], [0.595716, -0.274453, -0.321263], [0.211456, -0.522591, 0.311135]];
const YIQ2RGB = invert3(RGB2YIQ);

/**
 * Colour jitter that back-propagates to the image, following ContraD's `augment/color_jitter.py::ColorJitterLayer`
 * under `RandomApply(p)`: per batch, a coin decides the order of two blocks — contrast, and the HSV block (hue,
 * saturation, value = brightness) — each image draws its own factors, values are clamped to [0, 1] after each
 * block, and only the images chosen with probability `p` are changed.
 *
 * Departure (gradients): the code's `RandomHSVFunction` converts to HSV and back in its forward and uses a
 * **straight-through** (identity) gradient in its backward. Here the HSV block is built from differentiable RGB
 * formulas and gets its true gradient: hue is a rotation of the YIQ chroma plane (luma kept), saturation a blend
 * with the luma (`gray + f_s·(x − gray)`), value a product `x·f_v` — close to, not equal to, the HSV forward
 * (HSV keeps max(R, G, B) as the value; clamping per channel after ×f_v can shift the hue of bright pixels).
 *
 * On 1-channel images saturation and hue are identities (a gray pixel has neither; the factors are still drawn,
 * so the `rng` stream does not depend on the channel count): only contrast and brightness apply.
 */
export function differentiableColorJitter(opts: DifferentiableColorJitterOptions = {}): ViewMaker<tf.Tensor4D> {
  const { brightness = 0.4, contrast = 0.4, saturation = 0.4, hue = 0.1, p = 0.8 } = opts;
  for (const [k, v] of Object.entries({ brightness, contrast, saturation })) {
    if (typeof v !== 'number' || !(v >= 0) || !Number.isFinite(v)) {
      throw new RangeError(`differentiableColorJitter: ${k} must be a finite number >= 0, got ${String(v)}`);
    }
  }
  assertInterval([0, hue], 'differentiableColorJitter: [0, hue]', 0, 0.5);
  assertProbability(p, 'differentiableColorJitter: p');
  const range = (s: number): [number, number] => [Math.max(0, 1 - s), 1 + s];
  return (x, rng) => {
    assertImages(x, 'differentiableColorJitter');
    const n = x.shape[0];
    const mask = drawMask(n, p, rng);
    const contrastFirst = rng.uniform() > 0.5; // the code: `if np.random.rand() > 0.5: [contrast, hsv]`
    const draw = ([lo, hi]: [number, number]) => Array.from({ length: n }, () => rng.range(lo, hi));
    const fc = draw(range(contrast));
    const fh = draw([-hue, hue]);
    const fs = draw(range(saturation));
    const fv = draw(range(brightness));
    return tf.tidy(() => {
      if (!mask.some(Boolean)) return x.clone();
      const contrastBlock = (y: tf.Tensor4D): tf.Tensor4D => {
        const mean = tf.mean(y, [1, 2], true);
        return tf.clipByValue(tf.add(tf.mul(tf.sub(y, mean), perImage(fc)), mean), 0, 1) as tf.Tensor4D;
      };
      const hsvBlock = (y: tf.Tensor4D): tf.Tensor4D => {
        let z = y;
        if (y.shape[3] === 3) {
          z = hueRotate(
            z,
            fh.map((h) => (h * 255) / 360),
          );
          const gray = luma(z);
          z = tf.add(gray, tf.mul(tf.sub(z, gray), perImage(fs))) as tf.Tensor4D;
        }
        return tf.clipByValue(tf.mul(z, perImage(fv)), 0, 1) as tf.Tensor4D;
      };
      const jittered = contrastFirst ? hsvBlock(contrastBlock(x)) : contrastBlock(hsvBlock(x));
      return selectPerImage(mask, jittered, x).clone();
    });
  };
}

/** Rotates the YIQ chroma of each image by `2π·turns[i]` (one batched 3×3 product per image). Call inside tidy. */
function hueRotate(x: tf.Tensor4D, turns: readonly number[]): tf.Tensor4D {
  const [n, h, w] = x.shape;
  const mats = turns.map((s) => {
    const [c, sn] = [Math.cos(2 * Math.PI * s), Math.sin(2 * Math.PI * s)];
    const rot = [
      [1, 0, 0],
      [0, c, -sn],
      [0, sn, c],
    ];
    const m = matmul(YIQ2RGB, matmul(rot, RGB2YIQ)); // rgb' = m · rgb
    return [0, 1, 2].flatMap((i) => [0, 1, 2].map((j) => m[j]![i]!)); // row-vector form: rgbᵀ · mᵀ
  });
  return tf.reshape(tf.matMul(tf.reshape(x, [n, h * w, 3]), tf.tensor3d(mats.flat(), [n, 3, 3])), [n, h, w, 3]) as tf.Tensor4D;
}

function matmul(a: number[][], b: number[][]): number[][] {
  return a.map((row) => b[0]!.map((_, j) => row.reduce((s, v, k) => s + v * b[k]![j]!, 0)));
}

function invert3(m: number[][]): number[][] {
  const [[a, b, c], [d, e, f], [g, h, i]] = m as [[number, number, number], [number, number, number], [number, number, number]];
  const A = e * i - f * h;
  const B = -(d * i - f * g);
  const C = d * h - e * g;
  const det = a * A + b * B + c * C;
  return [
    [A / det, -(b * i - c * h) / det, (b * f - c * e) / det],
    [B / det, (a * i - c * g) / det, -(a * f - c * d) / det],
    [C / det, -(a * h - b * g) / det, (a * e - b * d) / det],
  ];
}
