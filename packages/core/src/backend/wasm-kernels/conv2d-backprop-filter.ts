/**
 * `Conv2DBackpropFilter` for the wasm backend (missing in tfjs-backend-wasm 4.22), so that
 * `tf.conv2d` / `tf.layers.conv2d` can be trained on wasm.
 *
 * dW[kh, kw, ci, co] = Σ_{b, oh, ow} x[b, oh·s + kh·d − padTop, ow·s + kw·d − padLeft, ci] · dy[b, oh, ow, co]
 *
 * Computed as an im2col GEMM: the transposed patch matrix `colsT` [KH·KW·CI, B·OH·OW] is written
 * straight into the wasm heap, then dW = colsT · dy [B·OH·OW, CO] runs on XNNPACK's untransposed
 * fully-connected path (the stock wasm BatchMatMul falls back to a scalar loop for any transpose,
 * ~10× slower). XNNPACK re-packs its "weights" operand on every call, so the smaller operand (dy)
 * is put there: measured 5× cheaper than packing the patch matrix. Only NHWC is supported (as for
 * wasm's own Conv2D).
 */
import * as tf from '@tensorflow/tfjs';
import type { KernelConfig, TensorInfo } from '@tensorflow/tfjs-core';
import { f32, matMul2d, release, reshape } from './wasm-util.js';
import type { BackendWasm, WasmKernelArgs } from './wasm-util.js';

/**
 * Fill `colsT` [KH·KW·CI, B·OH·OW] with the input patches of `x` (zeros where padded). Loops run
 * per output row (b, oh) so that the input rows it reads stay in L1 while every (kh, kw, ci) row
 * of `colsT` receives one contiguous run of OW values; the valid `ow` range per `kw` is computed
 * once so the inner loop has no bounds test. (Row-at-a-time over the whole batch was 2–3× slower.)
 */
export function im2colT(x: Float32Array, colsT: Float32Array, info: tf.backend_util.Conv2DInfo): void {
  const { batchSize: B, inHeight: H, inWidth: W, inChannels: C, outHeight: OH, outWidth: OW } = info;
  const { filterHeight: KH, filterWidth: KW, strideHeight: sh, strideWidth: sw } = info;
  const { dilationHeight: dh, dilationWidth: dw } = info;
  const pt = info.padInfo.top;
  const pl = info.padInfo.left;
  const M = B * OH * OW;
  const owLo = new Int32Array(KW);
  const owHi = new Int32Array(KW);
  for (let kw = 0; kw < KW; kw++) {
    const off = kw * dw - pl; // ow valid iff 0 <= ow·sw + off < W
    owLo[kw] = Math.min(OW, Math.max(0, Math.ceil(-off / sw)));
    owHi[kw] = Math.max(owLo[kw]!, Math.min(OW, Math.floor((W - 1 - off) / sw) + 1));
  }
  const step = sw * C;
  let m0 = 0;
  for (let b = 0; b < B; b++) {
    for (let oh = 0; oh < OH; oh++, m0 += OW) {
      for (let kh = 0; kh < KH; kh++) {
        const ih = oh * sh - pt + kh * dh;
        const inside = ih >= 0 && ih < H;
        for (let kw = 0; kw < KW; kw++) {
          const lo = owLo[kw]!;
          const hi = owHi[kw]!;
          const off = kw * dw - pl;
          let d = (kh * KW + kw) * C * M + m0;
          for (let ci = 0; ci < C; ci++, d += M) {
            if (!inside) {
              colsT.fill(0, d, d + OW);
              continue;
            }
            for (let ow = 0; ow < lo; ow++) colsT[d + ow] = 0;
            let src = ((b * H + ih) * W + lo * sw + off) * C + ci;
            for (let ow = lo; ow < hi; ow++, src += step) colsT[d + ow] = x[src]!;
            for (let ow = hi; ow < OW; ow++) colsT[d + ow] = 0;
          }
        }
      }
    }
  }
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
    x.shape as [number, number, number, number],
    filterShape,
    strides,
    dilations,
    pad,
    dimRoundingMode,
    false,
    'channelsLast',
  );
  return conv2dFilterGrad(backend, x, dy, info);
}

/**
 * Upper bound on the im2col patch matrix of one chunk, in float32 elements (4 Mi = 16 MB).
 * Larger batches are split into chunks of whole images whose partial dW are summed, so the extra
 * wasm memory of this kernel stays small: a ResNet-18 layer-1 call at batch 64 would otherwise
 * allocate a 151 MB patch matrix, and such big short-lived blocks fragment the 4 GB heap.
 */
export const IM2COL_CHUNK_ELEMENTS = 4 * 2 ** 20;

/** dW from `x` and `dy` for a given conv geometry (shared with tests and other kernels). */
export function conv2dFilterGrad(
  backend: BackendWasm,
  x: TensorInfo,
  dy: TensorInfo,
  info: tf.backend_util.Conv2DInfo,
  chunkElements: number = IM2COL_CHUNK_ELEMENTS,
): TensorInfo {
  const B = info.batchSize;
  const P = info.outHeight * info.outWidth; // rows of colsT per image
  const K = info.filterHeight * info.filterWidth * info.inChannels;
  const CO = info.outChannels;
  const perChunk = Math.max(1, Math.min(B, Math.floor(chunkElements / (K * P))));
  if (perChunk >= B) {
    const M = B * P;
    const colsT = backend.makeOutput([K, M], 'float32');
    im2colT(f32(backend, x), f32(backend, colsT), info);
    // dW = colsT · dy: dy (the smaller operand) is what XNNPACK packs as "weights"; no transposes.
    const dy2 = reshape(backend, dy, [M, CO]);
    const dw = matMul2d(backend, colsT, dy2); // [K, CO]
    release(backend, colsT, dy2);
    const out = reshape(backend, dw, [info.filterHeight, info.filterWidth, info.inChannels, CO]);
    release(backend, dw);
    return out;
  }
  // Chunked: dW = Σ_chunks colsT_c · dy_c, accumulated outside the heap (K·CO floats).
  const xPer = info.inHeight * info.inWidth * info.inChannels;
  const acc = new Float32Array(K * CO);
  for (let b0 = 0; b0 < B; b0 += perChunk) {
    const nb = Math.min(perChunk, B - b0);
    const Mc = nb * P;
    const colsT = backend.makeOutput([K, Mc], 'float32');
    const dyc = backend.makeOutput([Mc, CO], 'float32');
    // Views only after both allocations (an allocation may grow and detach the heap).
    const xv = f32(backend, x);
    im2colT(xv.subarray(b0 * xPer, (b0 + nb) * xPer), f32(backend, colsT), { ...info, batchSize: nb });
    f32(backend, dyc).set(f32(backend, dy).subarray(b0 * P * CO, (b0 + nb) * P * CO));
    const part = matMul2d(backend, colsT, dyc); // [K, CO]
    release(backend, colsT, dyc);
    const pv = f32(backend, part);
    for (let i = 0; i < acc.length; i++) acc[i] = acc[i]! + pv[i]!;
    release(backend, part);
  }
  const out = backend.makeOutput([info.filterHeight, info.filterWidth, info.inChannels, CO], 'float32');
  f32(backend, out).set(acc);
  return out;
}

export const conv2DBackpropFilterConfig: KernelConfig = {
  kernelName: 'Conv2DBackpropFilter',
  backendName: 'wasm',
  kernelFunc: conv2DBackpropFilterWasm as unknown as KernelConfig['kernelFunc'],
};
