/**
 * A faster `Conv2DBackpropInput` for the wasm backend. The stock kernel is a scalar C++ loop
 * (measured ~7× slower than the forward XNNPACK convolution of the same size); we rewrite the
 * input gradient as a forward convolution and run it on XNNPACK through wasm's own `Conv2D`:
 *
 *   dx = conv2d(dy↑s, rot180(W)ᵀ, stride 1, dilation d, pad = [(KH−1)·d − padTop, IH + padTop − OH↑],
 *                                                              [(KW−1)·d − padLeft, IW + padLeft − OW↑])
 *
 * where dy↑s inserts s−1 zeros between rows/columns when the forward stride s > 1 (OH↑ = (OH−1)·s + 1)
 * and rot180(W)ᵀ flips the filter spatially and swaps its in/out channels. Falls back to the stock
 * kernel for NCHW or if a rewritten padding would be negative.
 */
import * as tf from '@tensorflow/tfjs';
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { f32, release, runWasm } from './wasm-util.js';
import type { BackendWasm, WasmKernelArgs } from './wasm-util.js';

/** rot180(W)ᵀ: [KH, KW, CI, CO] → [KH, KW, CO, CI], flipped in both spatial axes. */
function flipFilter(backend: BackendWasm, w: TensorInfo): TensorInfo {
  const [KH, KW, CI, CO] = w.shape as [number, number, number, number];
  const out = backend.makeOutput([KH, KW, CO, CI], 'float32');
  const src = f32(backend, w);
  const dst = f32(backend, out);
  for (let kh = 0; kh < KH; kh++) {
    for (let kw = 0; kw < KW; kw++) {
      const s0 = (kh * KW + kw) * CI * CO;
      const d0 = ((KH - 1 - kh) * KW + (KW - 1 - kw)) * CO * CI;
      for (let ci = 0; ci < CI; ci++) for (let co = 0; co < CO; co++) dst[d0 + co * CI + ci] = src[s0 + ci * CO + co]!;
    }
  }
  return out;
}

/** Insert (s−1) zeros between spatial positions of dy [B, OH, OW, C]. */
function dilateSpatial(backend: BackendWasm, dy: TensorInfo, sh: number, sw: number): TensorInfo {
  const [B, OH, OW, C] = dy.shape as [number, number, number, number];
  const H = (OH - 1) * sh + 1;
  const W = (OW - 1) * sw + 1;
  const out = backend.makeOutput([B, H, W, C], 'float32');
  const src = f32(backend, dy);
  const dst = f32(backend, out);
  dst.fill(0);
  for (let b = 0; b < B; b++) {
    for (let oh = 0; oh < OH; oh++) {
      for (let ow = 0; ow < OW; ow++) {
        const s = ((b * OH + oh) * OW + ow) * C;
        const d = ((b * H + oh * sh) * W + ow * sw) * C;
        for (let c = 0; c < C; c++) dst[d + c] = src[s + c]!;
      }
    }
  }
  return out;
}

export function makeConv2DBackpropInputWasm(stock: KernelFunc): (args: WasmKernelArgs) => TensorInfo {
  return (args) => {
    const { inputs, backend, attrs = {} } = args;
    const dy = inputs['dy']!;
    const filter = inputs['filter']!;
    const a = attrs as unknown as {
      strides: number | [number, number];
      pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
      dataFormat: 'NHWC' | 'NCHW';
      dimRoundingMode?: 'floor' | 'round' | 'ceil';
      inputShape: [number, number, number, number];
      dilations?: number | [number, number];
    };
    const fallback = () => stock(args as unknown as Parameters<KernelFunc>[0]) as TensorInfo;
    if (a.dataFormat === 'NCHW') return fallback();
    const info = tf.backend_util.computeConv2DInfo(
      a.inputShape, filter.shape as [number, number, number, number], a.strides, a.dilations ?? 1, a.pad,
      a.dimRoundingMode, false, 'channelsLast',
    );
    const { strideHeight: sh, strideWidth: sw, dilationHeight: dh, dilationWidth: dw } = info;
    const OHu = (info.outHeight - 1) * sh + 1;
    const OWu = (info.outWidth - 1) * sw + 1;
    const pt = (info.filterHeight - 1) * dh - info.padInfo.top;
    const pb = info.inHeight + info.padInfo.top - OHu;
    const pl = (info.filterWidth - 1) * dw - info.padInfo.left;
    const pr = info.inWidth + info.padInfo.left - OWu;
    if (pt < 0 || pb < 0 || pl < 0 || pr < 0) return fallback();
    const dyU = sh > 1 || sw > 1 ? dilateSpatial(backend, dy, sh, sw) : undefined;
    const wF = flipFilter(backend, filter);
    const dx = runWasm('Conv2D', backend, { x: dyU ?? dy, filter: wF }, {
      strides: [1, 1],
      pad: [[0, 0], [pt, pb], [pl, pr], [0, 0]],
      dataFormat: 'NHWC',
      dilations: [dh, dw],
      dimRoundingMode: undefined,
    } as unknown as Record<string, never>);
    release(backend, dyU, wF);
    return dx;
  };
}

/** Kernel config factory: `stock` is wasm's original kernel, used as the fallback. */
export function conv2DBackpropInputConfig(stock: KernelFunc): KernelConfig {
  return {
    kernelName: 'Conv2DBackpropInput',
    backendName: 'wasm',
    kernelFunc: makeConv2DBackpropInputWasm(stock) as unknown as KernelFunc,
  };
}
