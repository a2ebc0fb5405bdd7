/**
 * Faster `Sum` and `Mean` over leading axes for the wasm backend. The stock kernels reduce only
 * innermost axes, so `sum(dy, [0, 1, 2])` (every conv/dense bias gradient) and `mean(x, [0, 1, 2])`
 * (batch-norm moments and their gradients) first transpose the whole tensor; in our small-CNN profile
 * that was ~7% of a training step, in a ResNet-18 (width 0.25, batch 256) step ~15% for both. One
 * pass over the rows instead (see {@link sumLeadingRows}). Other reductions use the stock kernels.
 */
import * as tf from '@tensorflow/tfjs';
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { f32 } from './wasm-util.js';
import type { WasmKernelArgs } from './wasm-util.js';

/**
 * Column sums of `src` read as a row-major [rows, inner] matrix, accumulated in float64.
 *
 * Rows are taken in blocks of about 16 K values (L1/L2-resident); inside a block, four columns at a
 * time are summed into local doubles down the rows. The plain row loop (`acc[j] += src[r·inner + j]`)
 * spends its time loading and storing `acc` and was 2–6× slower for inner = 16…4,096 (measured in
 * a throwaway Node 20 micro-benchmark: 100,352 × 16 floats 7.8–8.4 ms → 1.3–1.9 ms).
 */
export function sumLeadingRows(src: Float32Array, rows: number, inner: number): Float64Array {
  const acc = new Float64Array(inner);
  const block = Math.max(16, Math.floor(16384 / inner));
  for (let r0 = 0; r0 < rows; r0 += block) {
    const start = r0 * inner;
    const end = Math.min(rows, r0 + block) * inner;
    let j = 0;
    for (; j + 4 <= inner; j += 4) {
      let a = 0;
      let b = 0;
      let c = 0;
      let d = 0;
      for (let o = start + j; o < end; o += inner) {
        a += src[o]!;
        b += src[o + 1]!;
        c += src[o + 2]!;
        d += src[o + 3]!;
      }
      acc[j]! += a;
      acc[j + 1]! += b;
      acc[j + 2]! += c;
      acc[j + 3]! += d;
    }
    for (; j < inner; j++) {
      let a = 0;
      for (let o = start + j; o < end; o += inner) a += src[o]!;
      acc[j]! += a;
    }
  }
  return acc;
}

/** Sum (`mean = false`) or Mean over the leading axes of a float32 tensor; other cases go to `stock`. */
function makeLeadingReduce(stock: KernelFunc, mean: boolean): (args: WasmKernelArgs) => TensorInfo {
  return (args) => {
    const { inputs, backend, attrs = {} } = args;
    const x = inputs['x']!;
    const { axis, keepDims } = attrs as unknown as { axis: number | number[]; keepDims: boolean };
    const axes = tf.util.parseAxisParam(axis, x.shape).sort((p, q) => p - q);
    const k = axes.length;
    const leading = k > 0 && k < x.shape.length && axes.every((v, i) => v === i);
    if (!leading || x.dtype !== 'float32') return stock(args as unknown as Parameters<KernelFunc>[0]) as TensorInfo;
    const rows = x.shape.slice(0, k).reduce((p, q) => p * q, 1);
    const inner = x.shape.slice(k).reduce((p, q) => p * q, 1);
    const outShape = keepDims ? x.shape.map((d, i) => (i < k ? 1 : d)) : x.shape.slice(k);
    const out = backend.makeOutput(outShape, 'float32');
    const acc = sumLeadingRows(f32(backend, x), rows, inner);
    if (mean) for (let j = 0; j < inner; j++) acc[j]! /= rows;
    f32(backend, out).set(acc);
    return out;
  };
}

/** Kernel config factory: `stock` is wasm's original kernel, used for all other reductions. */
export function sumConfig(stock: KernelFunc): KernelConfig {
  return { kernelName: 'Sum', backendName: 'wasm', kernelFunc: makeLeadingReduce(stock, false) as unknown as KernelFunc };
}

/** `Mean` over leading axes (batch-norm moments); `stock` handles the rest. */
export function meanConfig(stock: KernelFunc): KernelConfig {
  return { kernelName: 'Mean', backendName: 'wasm', kernelFunc: makeLeadingReduce(stock, true) as unknown as KernelFunc };
}
