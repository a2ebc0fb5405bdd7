import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { useLeakCheck } from '@contrastive/test-utils';
import '../init-backend.js';
import { expectParity, randn } from '../test-utils/parity.js';
import { wasmTrainingKernelsRegistered } from './register.js';
import { conv2dFilterGrad } from './conv2d-backprop-filter.js';
import type { BackendWasm } from './wasm-util.js';

type Pad = 'same' | 'valid' | number | [[0, 0], [number, number], [number, number], [0, 0]];
interface Case {
  x: [number, number, number, number];
  f: [number, number, number, number];
  s: number | [number, number];
  pad: Pad;
  d?: number | [number, number];
}

const cases: Case[] = [
  { x: [2, 7, 7, 3], f: [3, 3, 3, 4], s: 1, pad: 'same' },
  { x: [2, 7, 7, 3], f: [3, 3, 3, 4], s: 1, pad: 'valid' },
  { x: [2, 8, 8, 3], f: [3, 3, 3, 5], s: 2, pad: 'same' },
  { x: [2, 9, 9, 2], f: [3, 3, 2, 4], s: 2, pad: 'valid' },
  { x: [1, 10, 9, 4], f: [5, 3, 4, 2], s: [2, 3], pad: 'same' },
  { x: [2, 8, 8, 3], f: [1, 1, 3, 6], s: 2, pad: 'valid' },
  { x: [2, 8, 8, 3], f: [1, 1, 3, 6], s: 1, pad: 'same' },
  { x: [2, 9, 9, 3], f: [3, 3, 3, 4], s: 1, pad: 'same', d: 2 },
  { x: [1, 11, 10, 2], f: [3, 2, 2, 3], s: 1, pad: 'valid', d: [2, 3] },
  { x: [2, 6, 6, 3], f: [3, 3, 3, 4], s: 1, pad: 1 },
  {
    x: [2, 7, 6, 3],
    f: [3, 3, 3, 4],
    s: 2,
    pad: [
      [0, 0],
      [1, 2],
      [0, 1],
      [0, 0],
    ],
  },
  { x: [1, 5, 5, 1], f: [5, 5, 1, 2], s: 1, pad: 'valid' },
  { x: [3, 4, 4, 70], f: [3, 3, 70, 8], s: 1, pad: 'same' },
  // strided input gradients go through the polyphase split: phases without taps, crops, odd sizes
  { x: [1, 10, 11, 2], f: [2, 2, 2, 3], s: 3, pad: 'valid' },
  { x: [2, 9, 8, 3], f: [4, 4, 3, 2], s: 2, pad: 'same' },
  {
    x: [1, 7, 9, 2],
    f: [3, 5, 2, 2],
    s: [3, 2],
    pad: [
      [0, 0],
      [2, 0],
      [1, 3],
      [0, 0],
    ],
  },
  { x: [2, 8, 8, 3], f: [1, 1, 3, 4], s: 3, pad: 'same' },
];

const pair = (v: number | [number, number]): [number, number] => (typeof v === 'number' ? [v, v] : v);

/** Insert (d−1) zeros between filter taps: a dilated conv is a plain conv with this filter. */
function expandFilter(w: Float32Array, shape: Case['f'], d: [number, number]): [Float32Array, Case['f']] {
  const [KH, KW, CI, CO] = shape;
  const eh = (KH - 1) * d[0] + 1;
  const ew = (KW - 1) * d[1] + 1;
  const out = new Float32Array(eh * ew * CI * CO);
  for (let kh = 0; kh < KH; kh++)
    for (let kw = 0; kw < KW; kw++)
      out.set(w.subarray((kh * KW + kw) * CI * CO, (kh * KW + kw + 1) * CI * CO), (kh * d[0] * ew + kw * d[1]) * CI * CO);
  return [out, [eh, ew, CI, CO]];
}

function geometry(c: Case): tf.backend_util.Conv2DInfo {
  return tf.backend_util.computeConv2DInfo(c.x, c.f, c.s, c.d ?? 1, c.pad as 'same', undefined, false, 'channelsLast');
}

describe('wasm Conv2DBackpropFilter / Conv2DBackpropInput parity with cpu', () => {
  useLeakCheck({ backend: 'wasm' });

  it('registers our kernels on wasm', () => {
    expect(wasmTrainingKernelsRegistered()).toBe(true);
  });

  it.each(cases.map((c, i) => [i, c] as const))('case %i: filter gradient', async (i, c) => {
    const info = geometry(c);
    const dyShape = info.outShape;
    const xv = randn(
      c.x.reduce((p, q) => p * q),
      10 + i,
    );
    const dyv = randn(
      dyShape.reduce((p, q) => p * q),
      20 + i,
    );
    const d = pair(c.d ?? 1);
    const run = (filterShape: number[], dilations: [number, number]) =>
      tf.engine().runKernel('Conv2DBackpropFilter', { x: tf.tensor(xv, c.x), dy: tf.tensor(dyv, dyShape) }, {
        strides: c.s,
        pad: c.pad,
        dataFormat: 'NHWC',
        dimRoundingMode: undefined,
        filterShape,
        dilations,
      } as unknown as tf.NamedAttrMap) as tf.Tensor;
    // cpu ignores dilations here, so its reference is the plain gradient of the zero-expanded filter, subsampled.
    const eShape = expandFilter(new Float32Array(c.f.reduce((p, q) => p * q)), c.f, d)[1];
    await expectParity(
      () => run(c.f, d),
      1e-4,
      () => tf.stridedSlice(run(eShape, [1, 1]), [0, 0, 0, 0], eShape, [d[0], d[1], 1, 1]),
    );
  });

  it.each(cases.map((c, i) => [i, c] as const))('case %i: input gradient', async (i, c) => {
    const info = geometry(c);
    const dyShape = info.outShape;
    const wv = randn(
      c.f.reduce((p, q) => p * q),
      30 + i,
    );
    const dyv = randn(
      dyShape.reduce((p, q) => p * q),
      40 + i,
    );
    const d = pair(c.d ?? 1);
    const [we, eShape] = expandFilter(wv, c.f, d);
    const run = (w: Float32Array, shape: number[], dilations: [number, number]) =>
      tf.engine().runKernel('Conv2DBackpropInput', { dy: tf.tensor(dyv, dyShape), filter: tf.tensor(w, shape) }, {
        strides: c.s,
        pad: c.pad,
        dataFormat: 'NHWC',
        dimRoundingMode: undefined,
        inputShape: c.x,
        dilations,
      } as unknown as tf.NamedAttrMap) as tf.Tensor;
    await expectParity(
      () => run(wv, c.f, d),
      1e-4,
      () => run(we, eShape, [1, 1]),
    );
  });

  // Large batches are split into chunks of whole images (bounded im2col memory); force tiny chunks.
  const chunked: [Case, number][] = [
    [{ x: [5, 7, 7, 3], f: [3, 3, 3, 4], s: 1, pad: 'same' }, 2], // chunks of 2, 2, 1 images
    [{ x: [4, 8, 8, 3], f: [3, 3, 3, 5], s: 2, pad: 'same' }, 1],
    [
      {
        x: [3, 7, 6, 3],
        f: [3, 3, 3, 4],
        s: 2,
        pad: [
          [0, 0],
          [1, 2],
          [0, 1],
          [0, 0],
        ],
      },
      2,
    ],
  ];
  it.each(chunked.map(([c, n], i) => [i, c, n] as const))('chunked filter gradient %i (%o, %i images per chunk)', async (i, c, n) => {
    const info = geometry(c);
    const xv = randn(
      c.x.reduce((p, q) => p * q),
      50 + i,
    );
    const dyv = randn(
      info.outShape.reduce((p, q) => p * q),
      60 + i,
    );
    const perImage = info.filterHeight * info.filterWidth * info.inChannels * info.outHeight * info.outWidth;
    await expectParity(
      () => {
        const x = tf.tensor(xv, c.x);
        const dy = tf.tensor(dyv, info.outShape);
        const out = conv2dFilterGrad(tf.backend() as unknown as BackendWasm, x, dy, info, perImage * n + perImage - 1);
        return tf.engine().makeTensorFromTensorInfo(out);
      },
      1e-4,
      () =>
        tf.engine().runKernel('Conv2DBackpropFilter', { x: tf.tensor(xv, c.x), dy: tf.tensor(dyv, info.outShape) }, {
          strides: c.s,
          pad: c.pad,
          dataFormat: 'NHWC',
          dimRoundingMode: undefined,
          filterShape: c.f,
          dilations: 1,
        } as unknown as tf.NamedAttrMap) as tf.Tensor,
    );
  });

  it('tf.grad through a small conv net matches cpu (x and filters)', async () => {
    const xv = randn(2 * 12 * 12 * 3, 1);
    const w1v = randn(3 * 3 * 3 * 8, 2);
    const w2v = randn(3 * 3 * 8 * 6, 3);
    await expectParity(() => {
      const x = tf.tensor4d(xv, [2, 12, 12, 3]);
      const w1 = tf.tensor4d(w1v, [3, 3, 3, 8]).mul(0.3) as tf.Tensor4D;
      const w2 = tf.tensor4d(w2v, [3, 3, 8, 6]).mul(0.2) as tf.Tensor4D;
      const g = tf.grads((a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) => {
        let h = tf.relu(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 1, 'same'));
        h = tf.maxPool(h, 2, 2, 'valid');
        h = tf.conv2d(h, c as tf.Tensor4D, 2, 'same');
        return h.square().mean();
      });
      return g([x, w1, w2]);
    });
  });

  it('fused conv2d with bias and relu (tf.layers path) has cpu gradients', async () => {
    const xv = randn(2 * 8 * 8 * 2, 4);
    const wv = randn(3 * 3 * 2 * 4, 5);
    const bv = randn(4, 6);
    await expectParity(() => {
      const x = tf.tensor4d(xv, [2, 8, 8, 2]);
      const w = tf.tensor4d(wv, [3, 3, 2, 4]);
      const b = tf.tensor1d(bv);
      return tf.grads((xx: tf.Tensor, ww: tf.Tensor, bb: tf.Tensor) =>
        tf.fused.conv2d({ x: xx as tf.Tensor4D, filter: ww as tf.Tensor4D, strides: 1, pad: 'same', bias: bb, activation: 'relu' }).sum(),
      )([x, w, b]);
    });
  });
});
