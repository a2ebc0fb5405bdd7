/**
 * `Conv2DBackpropFilter` for the wasm backend (missing in tfjs-backend-wasm 4.22), so that
 * `tf.conv2d` / `tf.layers.conv2d` can be trained on wasm.
 *
 * dW[kh, kw, ci, co] = Σ_{b, oh, ow} x[b, oh·s + kh·d − padTop, ow·s + kw·d − padLeft, ci] · dy[b, oh, ow, co]
 *
 * Computed as an im2col GEMM: the patch matrix `cols` [B·OH·OW, KH·KW·CI] is written straight
 * into the wasm heap (contiguous `KW·CI` runs are block-copied), then
 * dWᵀ = dyᵀ [CO, B·OH·OW] · cols on XNNPACK's untransposed fully-connected path (the stock wasm
 * BatchMatMul falls back to a scalar loop for any transpose, ~10× slower), and the small
 * [CO, KH·KW·CI] result is transposed back. Only NHWC is supported (as for wasm's own Conv2D).
 */
import * as tf from '@tensorflow/tfjs';
import type { KernelConfig, TensorInfo } from '@tensorflow/tfjs-core';
import { f32, matMul2d, release, reshape, transposeLast2 } from './wasm-util.js';
import type { BackendWasm, WasmKernelArgs } from './wasm-util.js';

/** Fill `cols` [B·OH·OW, KH·KW·CI] with the input patches of `x` (zeros where padded). */
export function im2col(
  x: Float32Array,
  cols: Float32Array,
  info: tf.backend_util.Conv2DInfo,
): void {
  const { batchSize: B, inHeight: H, inWidth: W, inChannels: C, outHeight: OH, outWidth: OW } = info;
  const { filterHeight: KH, filterWidth: KW, strideHeight: sh, strideWidth: sw } = info;
  const { dilationHeight: dh, dilationWidth: dw } = info;
  const pt = info.padInfo.top;
  const pl = info.padInfo.left;
  const rowLen = KW * C;
  const K = KH * rowLen;
  let dst = 0;
  for (let b = 0; b < B; b++) {
    const xb = b * H * W * C;
    for (let oh = 0; oh < OH; oh++) {
      const ih0 = oh * sh - pt;
      for (let ow = 0; ow < OW; ow++) {
        const iw0 = ow * sw - pl;
        // A whole filter row is one contiguous run of x when dilation is 1 and it lies inside.
        const rowInside = dw === 1 && iw0 >= 0 && iw0 + KW <= W;
        for (let kh = 0; kh < KH; kh++) {
          const ih = ih0 + kh * dh;
          if (ih < 0 || ih >= H) {
            cols.fill(0, dst, dst + rowLen);
            dst += rowLen;
            continue;
          }
          const xrow = xb + ih * W * C;
          if (rowInside) {
            let src = xrow + iw0 * C;
            if (rowLen >= 64) cols.set(x.subarray(src, src + rowLen), dst);
            else for (let i = 0; i < rowLen; i++) cols[dst + i] = x[src++]!;
            dst += rowLen;
            continue;
          }
          for (let kw = 0; kw < KW; kw++) {
            const iw = iw0 + kw * dw;
            if (iw < 0 || iw >= W) cols.fill(0, dst, dst + C);
            else {
              const src = xrow + iw * C;
              for (let c = 0; c < C; c++) cols[dst + c] = x[src + c]!;
            }
            dst += C;
          }
        }
      }
    }
  }
  if (dst !== B * OH * OW * K) throw new Error(`im2col wrote ${dst} values, expected ${B * OH * OW * K}`);
}

export function conv2DBackpropFilterWasm(args: WasmKernelArgs): TensorInfo {
  const { inputs, backend, attrs = {} } = args;
  const x = inputs['x']!;
  const dy = inputs['dy']!;
  const { strides, pad, dataFormat, dimRoundingMode, filterShape } = attrs as unknown as {
    strides: number | [number, number];
    pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
    dataFormat: 'NHWC' | 'NCHW';
    dimRoundingMode?: 'floor' | 'round' | 'ceil';
    filterShape: [number, number, number, number];
  };
  if (dataFormat === 'NCHW') {
    throw new Error("wasm Conv2DBackpropFilter supports dataFormat 'NHWC' only (as does wasm Conv2D).");
  }
  const dilations = ((attrs as { dilations?: number | [number, number] }).dilations ?? 1) as number | [number, number];
  const info = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number], filterShape, strides, dilations, pad, dimRoundingMode,
    false, 'channelsLast',
  );
  return conv2dFilterGrad(backend, x, dy, info);
}

/** dW from `x` and `dy` for a given conv geometry (shared with tests and other kernels). */
export function conv2dFilterGrad(
  backend: BackendWasm,
  x: TensorInfo,
  dy: TensorInfo,
  info: tf.backend_util.Conv2DInfo,
): TensorInfo {
  const M = info.batchSize * info.outHeight * info.outWidth;
  const K = info.filterHeight * info.filterWidth * info.inChannels;
  const CO = info.outChannels;
  const cols = backend.makeOutput([M, K], 'float32');
  im2col(f32(backend, x), f32(backend, cols), info);
  const dy2 = reshape(backend, dy, [M, CO]);
  const dyT = transposeLast2(backend, dy2); // [CO, M]
  const dwT = matMul2d(backend, dyT, cols); // [CO, K]
  const dw = transposeLast2(backend, dwT); // [K, CO]
  release(backend, cols, dy2, dyT, dwT);
  const out = reshape(backend, dw, [info.filterHeight, info.filterWidth, info.inChannels, CO]);
  release(backend, dw);
  return out;
}

export const conv2DBackpropFilterConfig: KernelConfig = {
  kernelName: 'Conv2DBackpropFilter',
  backendName: 'wasm',
  kernelFunc: conv2DBackpropFilterWasm as unknown as KernelConfig['kernelFunc'],
};
