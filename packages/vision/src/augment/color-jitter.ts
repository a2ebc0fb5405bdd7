import * as tf from '@tensorflow/tfjs';
import type { ViewMaker } from '@contrastive/core';
import { assertImages, assertProbability } from './apply.js';
import { toLuma } from './grayscale.js';

/** Options for {@link colorJitter}. Factors follow torchvision's `ColorJitter`. */
export interface ColorJitterOptions {
  /** Brightness: factor ~ U[max(0, 1−b), 1+b], `x·f` (SimCLR v2 / torchvision; v1 was additive). Default 0.4. */
  brightness?: number;
  /** Contrast: factor ~ U[max(0, 1−c), 1+c], `(x − mean)·f + mean`, mean of the image's luma. Default 0.4. */
  contrast?: number;
  /** Saturation: factor ~ U[max(0, 1−s), 1+s], blends with the luma. RGB only. Default 0.4. */
  saturation?: number;
  /** Hue: shift ~ U[−h, h] of a full turn, h ≤ 0.5. RGB only. Default 0.1. */
  hue?: number;
  /** Probability of jittering an image at all. Default 0.8 (SimCLR, MoCo v2, BYOL). */
  p?: number;
  /** Applies the four adjustments in a random order per image (SimCLR, torchvision). Default true. */
  randomOrder?: boolean;
}

type Op = 'brightness' | 'contrast' | 'saturation' | 'hue';
const OPS: readonly Op[] = ['brightness', 'contrast', 'saturation', 'hue'];

/**
 * Colour jitter (Howard 2013; strength-s recipe of SimCLR: 0.8s, 0.8s, 0.8s, 0.2s with p = 0.8). Each
 * image draws its own factors and its own order; the batch is processed as four slots, and in each slot
 * every adjustment is applied with the identity factor for the images that do not use it there. Values
 * are clipped to [0, 1] after each adjustment, as SimCLR's code does.
 *
 * Grayscale inputs (C = 1): saturation and hue do not apply (a gray image has none), so only brightness
 * and contrast are used. Hue is a rotation in YIQ chroma space (a linear approximation of torchvision's
 * HSV hue shift that keeps luma exact; chosen because it is one batched matrix product per image).
 */
export function colorJitter(opts: ColorJitterOptions = {}): ViewMaker<tf.Tensor4D> {
  const { brightness = 0.4, contrast = 0.4, saturation = 0.4, hue = 0.1, p = 0.8, randomOrder = true } = opts;
  for (const [k, v] of Object.entries({ brightness, contrast, saturation })) {
    if (!(v >= 0) || !Number.isFinite(v)) throw new RangeError(`colorJitter: ${k} must be a finite number >= 0, got ${String(v)}`);
  }
  if (!(hue >= 0 && hue <= 0.5)) throw new RangeError(`colorJitter: hue must be in [0, 0.5], got ${String(hue)}`);
  assertProbability(p, 'colorJitter: p');
  const strength: Record<Op, number> = { brightness, contrast, saturation, hue };
  return (x, rng) => {
    assertImages(x, 'colorJitter');
    const n = x.shape[0];
    const rgb = x.shape[3] === 3;
    const active = OPS.filter((op) => strength[op] > 0 && (rgb || op === 'brightness' || op === 'contrast'));
    // Per image: whether jittered, its order and its factors (identity when not jittered).
    const order: Op[][] = [];
    const factor: Record<Op, number[]> = { brightness: [], contrast: [], saturation: [], hue: [] };
    for (let i = 0; i < n; i++) {
      const on = p >= 1 || (p > 0 && rng.bernoulli(p));
      const ops = on ? (randomOrder ? rng.shuffle([...active]) : [...active]) : [];
      order.push(ops);
      for (const op of OPS) {
        const s = strength[op];
        const used = ops.includes(op);
        factor[op].push(!used ? (op === 'hue' ? 0 : 1) : op === 'hue' ? rng.range(-s, s) : rng.range(Math.max(0, 1 - s), 1 + s));
      }
    }
    if (active.length === 0) return x.clone();
    return tf.tidy(() => {
      let y: tf.Tensor4D = x;
      for (let slot = 0; slot < active.length; slot++) {
        for (const op of active) {
          const f = order.map((ops, i) => (ops[slot] === op ? factor[op][i]! : op === 'hue' ? 0 : 1));
          if (f.every((v) => v === (op === 'hue' ? 0 : 1))) continue;
          y = adjust(op, y, f);
        }
      }
      return y === x ? x.clone() : y;
    });
  };
}

/**
 * One adjustment with per-image factors `f`, clipped to [0, 1] (call inside tidy). Shared with LooC's atomic
 * colour (`applyColor` in atomic.ts), which applies the same steps with explicit parameters.
 */
export function adjust(op: Op, x: tf.Tensor4D, f: number[]): tf.Tensor4D {
  const n = x.shape[0];
  const fac = tf.tensor1d(f).reshape([n, 1, 1, 1]);
  let y: tf.Tensor;
  if (op === 'brightness') {
    y = x.mul(fac);
  } else if (op === 'contrast') {
    const mean = toLuma(x).mean([1, 2, 3], true);
    y = x.sub(mean).mul(fac).add(mean);
  } else if (op === 'saturation') {
    const gray = toLuma(x);
    y = x.sub(gray).mul(fac).add(gray);
  } else {
    y = hueRotate(x, f);
  }
  return tf.clipByValue(y, 0, 1) as tf.Tensor4D;
}

// RGB ↔ YIQ (NTSC), the matrices used by tf.image's old adjust_hue fast path.
const RGB2YIQ = [
  [0.299, 0.587, 0.114],
  [0.595716, -0.274453, -0.321263],
  [0.211456, -0.522591, 0.311135],
];
const YIQ2RGB = [
  [1, 0.9563, 0.621],
  [1, -0.2721, -0.6474],
  [1, -1.107, 1.7046],
];

/** Rotates the chroma (I, Q) of each image by `2π·shift`. */
function hueRotate(x: tf.Tensor4D, shift: number[]): tf.Tensor4D {
  const [n, h, w] = x.shape;
  // Per-image 3×3 matrix M = YIQ2RGB · R(θ) · RGB2YIQ, applied as pixel-row × Mᵀ.
  const mats = shift.map((s) => {
    const t = 2 * Math.PI * s;
    const [c, sn] = [Math.cos(t), Math.sin(t)];
    const r = [
      [1, 0, 0],
      [0, c, -sn],
      [0, sn, c],
    ];
    const m = matmul(YIQ2RGB, matmul(r, RGB2YIQ));
    return [0, 1, 2].flatMap((i) => [0, 1, 2].map((j) => m[j]![i]!)); // transposed
  });
  const mt = tf.tensor3d(mats.flat(), [n, 3, 3]);
  return tf.matMul(x.reshape([n, h * w, 3]), mt).reshape([n, h, w, 3]) as tf.Tensor4D;
}

function matmul(a: number[][], b: number[][]): number[][] {
  return a.map((row) => b[0]!.map((_, j) => row.reduce((s, v, k) => s + v * b[k]![j]!, 0)));
}
