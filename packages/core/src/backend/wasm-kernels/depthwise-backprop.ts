/**
 * `DepthwiseConv2dNativeBackpropFilter` and `DepthwiseConv2dNativeBackpropInput` for the wasm
 * backend (both missing in tfjs-backend-wasm 4.22). Depthwise convolutions have no channel
 * mixing, so there is no GEMM to hand to XNNPACK; these are direct loops over the wasm heap with
 * the channel loop innermost (contiguous in NHWC), O(B·OH·OW·KH·KW·C·multiplier).
 *
 *   dW[kh, kw, c, q] = Σ_{b,oh,ow} x[b, oh·s + kh·d − pt, ow·s + kw·d − pl, c] · dy[b, oh, ow, c·m + q]
 *   dx[b, ih, iw, c] = Σ_{kh,kw,q : ih = oh·s + kh·d − pt, …} dy[b, oh, ow, c·m + q] · W[kh, kw, c, q]
 */
import * as tf from '@tensorflow/tfjs';
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { f32 } from './wasm-util.js';
import type { WasmKernelArgs } from './wasm-util.js';

interface DepthwiseAttrs {
  strides: number | [number, number];
  dilations: number | [number, number];
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  filterShape?: [number, number, number, number];
  inputShape?: [number, number, number, number];
}

/** Visit every (b, oh, ow, kh, kw) with an in-bounds input pixel; offsets are NHWC element offsets. */
function forEachTap(info: tf.backend_util.Conv2DInfo, visit: (xOff: number, dyOff: number, wOff: number) => void): void {
  const { batchSize: B, inHeight: H, inWidth: W, inChannels: C, outHeight: OH, outWidth: OW } = info;
  const { filterHeight: KH, filterWidth: KW, strideHeight: sh, strideWidth: sw } = info;
  const { dilationHeight: dh, dilationWidth: dw, outChannels: CO } = info;
  const pt = info.padInfo.top;
  const pl = info.padInfo.left;
  for (let b = 0; b < B; b++) {
    for (let oh = 0; oh < OH; oh++) {
      for (let ow = 0; ow < OW; ow++) {
        const dyOff = ((b * OH + oh) * OW + ow) * CO;
        for (let kh = 0; kh < KH; kh++) {
          const ih = oh * sh + kh * dh - pt;
          if (ih < 0 || ih >= H) continue;
          for (let kw = 0; kw < KW; kw++) {
            const iw = ow * sw + kw * dw - pl;
            if (iw < 0 || iw >= W) continue;
            visit(((b * H + ih) * W + iw) * C, dyOff, (kh * KW + kw) * CO);
          }
        }
      }
    }
  }
}

function depthwiseInfo(xShape: number[], wShape: number[], a: DepthwiseAttrs): tf.backend_util.Conv2DInfo {
  return tf.backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    wShape as [number, number, number, number],
    a.strides,
    a.dilations ?? 1,
    a.pad,
    a.dimRoundingMode,
    true,
    'channelsLast',
  );
}

export function depthwiseBackpropFilterWasm(args: WasmKernelArgs): TensorInfo {
  const { inputs, backend, attrs = {} } = args;
  const x = inputs['x']!;
  const dyT = inputs['dy']!;
  const a = attrs as unknown as DepthwiseAttrs;
  const info = depthwiseInfo(x.shape, a.filterShape!, a);
  const out = backend.makeOutput(a.filterShape!, 'float32');
  const dw = f32(backend, out);
  const xs = f32(backend, x);
  const dy = f32(backend, dyT);
  dw.fill(0);
  const C = info.inChannels;
  const m = info.outChannels / C;
  forEachTap(info, (xOff, dyOff, wOff) => {
    for (let c = 0; c < C; c++) {
      const xv = xs[xOff + c]!;
      for (let q = 0; q < m; q++) dw[wOff + c * m + q]! += xv * dy[dyOff + c * m + q]!;
    }
  });
  return out;
}

export function depthwiseBackpropInputWasm(args: WasmKernelArgs): TensorInfo {
  const { inputs, backend, attrs = {} } = args;
  const dyT = inputs['dy']!;
  const filter = inputs['filter']!;
  const a = attrs as unknown as DepthwiseAttrs;
  const info = depthwiseInfo(a.inputShape!, filter.shape, a);
  const out = backend.makeOutput(a.inputShape!, 'float32');
  const dx = f32(backend, out);
  const w = f32(backend, filter);
  const dy = f32(backend, dyT);
  dx.fill(0);
  const C = info.inChannels;
  const m = info.outChannels / C;
  forEachTap(info, (xOff, dyOff, wOff) => {
    for (let c = 0; c < C; c++) {
      let s = 0;
      for (let q = 0; q < m; q++) s += dy[dyOff + c * m + q]! * w[wOff + c * m + q]!;
      dx[xOff + c]! += s;
    }
  });
  return out;
}

export const depthwiseBackpropFilterConfig: KernelConfig = {
  kernelName: 'DepthwiseConv2dNativeBackpropFilter',
  backendName: 'wasm',
  kernelFunc: depthwiseBackpropFilterWasm as unknown as KernelFunc,
};

export const depthwiseBackpropInputConfig: KernelConfig = {
  kernelName: 'DepthwiseConv2dNativeBackpropInput',
  backendName: 'wasm',
  kernelFunc: depthwiseBackpropInputWasm as unknown as KernelFunc,
};
