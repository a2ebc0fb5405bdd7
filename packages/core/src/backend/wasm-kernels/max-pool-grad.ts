/**
 * A faster `MaxPoolGrad` for the wasm backend: the stock kernel took ~20% of a small-CNN SimCLR
 * step in our profile (docs/benchmarks.md). One pass over the wasm heap: for every output
 * position the first maximum of its window (row-major scan, the same tie rule as the cpu
 * backend and PyTorch) receives dy, with the channel loop innermost (contiguous in NHWC).
 * Ties matter: after a ReLU many windows are all zeros.
 */
import * as tf from '@tensorflow/tfjs';
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { f32 } from './wasm-util.js';
import type { WasmKernelArgs } from './wasm-util.js';

export function makeMaxPoolGradWasm(stock: KernelFunc): (args: WasmKernelArgs) => TensorInfo {
  return (args) => {
    const { inputs, backend, attrs = {} } = args;
    const dyT = inputs['dy']!;
    const input = inputs['input']!;
    const a = attrs as unknown as {
      filterSize: number | [number, number];
      strides: number | [number, number];
      pad: 'valid' | 'same' | number;
      dimRoundingMode?: 'floor' | 'round' | 'ceil';
    };
    if (input.dtype !== 'float32' || input.shape.length !== 4) {
      return stock(args as unknown as Parameters<KernelFunc>[0]) as TensorInfo;
    }
    const info = tf.backend_util.computePool2DInfo(
      input.shape as [number, number, number, number],
      a.filterSize,
      a.strides,
      1,
      a.pad,
      a.dimRoundingMode,
    );
    const { batchSize: B, inHeight: H, inWidth: W, inChannels: C, outHeight: OH, outWidth: OW } = info;
    const { filterHeight: KH, filterWidth: KW, strideHeight: sh, strideWidth: sw } = info;
    const pt = info.padInfo.top;
    const pl = info.padInfo.left;
    const out = backend.makeOutput(input.shape, 'float32');
    const dx = f32(backend, out);
    const x = f32(backend, input);
    const dy = f32(backend, dyT);
    dx.fill(0);
    const best = new Float32Array(C);
    const pos = new Int32Array(C);
    for (let b = 0; b < B; b++) {
      for (let oh = 0; oh < OH; oh++) {
        const h0 = Math.max(0, oh * sh - pt);
        const h1 = Math.min(H, oh * sh - pt + KH);
        for (let ow = 0; ow < OW; ow++) {
          const w0 = Math.max(0, ow * sw - pl);
          const w1 = Math.min(W, ow * sw - pl + KW);
          best.fill(-Infinity);
          pos.fill(-1);
          for (let ih = h0; ih < h1; ih++) {
            for (let iw = w0; iw < w1; iw++) {
              const o = ((b * H + ih) * W + iw) * C;
              for (let c = 0; c < C; c++) {
                const v = x[o + c]!;
                if (v > best[c]!) {
                  best[c] = v;
                  pos[c] = o + c;
                }
              }
            }
          }
          const g = ((b * OH + oh) * OW + ow) * C;
          for (let c = 0; c < C; c++) {
            const p = pos[c]!;
            if (p >= 0) dx[p]! += dy[g + c]!;
          }
        }
      }
    }
    return out;
  };
}

/** Kernel config factory: `stock` is wasm's original kernel, kept for non-float32 / non-4D input. */
export function maxPoolGradConfig(stock: KernelFunc): KernelConfig {
  return { kernelName: 'MaxPoolGrad', backendName: 'wasm', kernelFunc: makeMaxPoolGradWasm(stock) as unknown as KernelFunc };
}
