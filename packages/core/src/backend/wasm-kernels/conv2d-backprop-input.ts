/**
 * A faster `Conv2DBackpropInput` for the wasm backend. The stock kernel is a scalar C++ loop
 * (measured ~7× slower than the forward XNNPACK convolution of the same size); we rewrite the
 * input gradient as a forward convolution and run it on XNNPACK through wasm's own `Conv2D`:
 *
 *   dx = conv2d(dy↑s, rot180(W)ᵀ, stride 1, dilation d, pad = [(KH−1)·d − padTop, IH + padTop − OH↑],
 *                                                              [(KW−1)·d − padLeft, IW + padLeft − OW↑])
 *
 * where rot180(W)ᵀ flips the filter spatially and swaps its in/out channels. For stride s > 1 with
 * dilation 1 the work is split into s² stride-1 phase convolutions (see `polyphaseInputGrad`); with
 * both stride and dilation > 1, dy↑s inserts s−1 zeros between rows/columns (OH↑ = (OH−1)·s + 1). Falls back to the stock
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

/**
 * Strided (dilation 1) input gradient by polyphase decomposition: the dx positions with
 * (ih + padTop) ≡ a (mod sh) and (iw + padLeft) ≡ b (mod sw) only receive the filter taps
 * kh = a + sh·j, kw = b + sw·k, so each of the sh·sw phases is a stride-1 XNNPACK convolution of dy
 * with that sub-filter (flipped, channels swapped), scattered back into dx. No multiply-add is
 * wasted, unlike convolving a zero-upsampled dy (which wastes 1 − 1/(sh·sw) of them).
 */
function polyphaseInputGrad(backend: BackendWasm, dy: TensorInfo, filter: TensorInfo, info: tf.backend_util.Conv2DInfo): TensorInfo {
  const { batchSize: B, inHeight: IH, inWidth: IW, inChannels: CI, outHeight: OH, outWidth: OW, outChannels: CO } = info;
  const { filterHeight: KH, filterWidth: KW, strideHeight: sh, strideWidth: sw } = info;
  const pt = info.padInfo.top;
  const pl = info.padInfo.left;
  const dx = backend.makeOutput([B, IH, IW, CI], 'float32');
  backend.typedArrayFromHeap(dx).fill(0);
  for (let a = 0; a < sh; a++) {
    const Ka = Math.max(0, Math.ceil((KH - a) / sh));
    const uLo = Math.ceil((pt - a) / sh);
    const uHi = Math.floor((IH - 1 + pt - a) / sh);
    if (Ka === 0 || uHi < uLo) continue;
    for (let b = 0; b < sw; b++) {
      const Kb = Math.max(0, Math.ceil((KW - b) / sw));
      const vLo = Math.ceil((pl - b) / sw);
      const vHi = Math.floor((IW - 1 + pl - b) / sw);
      if (Kb === 0 || vHi < vLo) continue;
      // Sub-filter V[m, n, co, ci] = W[a + sh·(Ka−1−m), b + sw·(Kb−1−n), ci, co].
      const sub = backend.makeOutput([Ka, Kb, CO, CI], 'float32');
      const w = f32(backend, filter);
      const v = f32(backend, sub);
      for (let m = 0; m < Ka; m++) {
        for (let n = 0; n < Kb; n++) {
          const s0 = ((a + sh * (Ka - 1 - m)) * KW + (b + sw * (Kb - 1 - n))) * CI * CO;
          const d0 = (m * Kb + n) * CO * CI;
          for (let ci = 0; ci < CI; ci++) for (let co = 0; co < CO; co++) v[d0 + co * CI + ci] = w[s0 + ci * CO + co]!;
        }
      }
      // Input rows u−(Ka−1) … u for u in [uLo, uHi]; negative padding becomes a crop of dy.
      let padT = Ka - 1 - uLo;
      let padB = uHi - (OH - 1);
      let padL = Kb - 1 - vLo;
      let padR = vHi - (OW - 1);
      const cropT = Math.max(0, -padT);
      const cropB = Math.max(0, -padB);
      const cropL = Math.max(0, -padL);
      const cropR = Math.max(0, -padR);
      let src = dy;
      let cropped: TensorInfo | undefined;
      if (cropT || cropB || cropL || cropR) {
        cropped = runWasm(
          'Slice',
          backend,
          { x: dy },
          {
            begin: [0, cropT, cropL, 0],
            size: [B, OH - cropT - cropB, OW - cropL - cropR, CO],
          },
        );
        src = cropped;
        padT += cropT;
        padB += cropB;
        padL += cropL;
        padR += cropR;
      }
      const z = runWasm('Conv2D', backend, { x: src, filter: sub }, {
        strides: [1, 1],
        pad: [
          [0, 0],
          [padT, padB],
          [padL, padR],
          [0, 0],
        ],
        dataFormat: 'NHWC',
        dilations: [1, 1],
        dimRoundingMode: undefined,
      } as unknown as Record<string, never>);
      release(backend, sub, cropped);
      const nU = uHi - uLo + 1;
      const nV = vHi - vLo + 1;
      const zv = f32(backend, z);
      const out = f32(backend, dx);
      for (let bb = 0; bb < B; bb++) {
        for (let u = 0; u < nU; u++) {
          const ih = sh * (u + uLo) + a - pt;
          for (let q = 0; q < nV; q++) {
            const iw = sw * (q + vLo) + b - pl;
            out.set(zv.subarray(((bb * nU + u) * nV + q) * CI, ((bb * nU + u) * nV + q + 1) * CI), ((bb * IH + ih) * IW + iw) * CI);
          }
        }
      }
      release(backend, z);
    }
  }
  return dx;
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
      a.inputShape,
      filter.shape as [number, number, number, number],
      a.strides,
      a.dilations ?? 1,
      a.pad,
      a.dimRoundingMode,
      false,
      'channelsLast',
    );
    const { strideHeight: sh, strideWidth: sw, dilationHeight: dh, dilationWidth: dw } = info;
    const OHu = (info.outHeight - 1) * sh + 1;
    const OWu = (info.outWidth - 1) * sw + 1;
    const pt = (info.filterHeight - 1) * dh - info.padInfo.top;
    const pb = info.inHeight + info.padInfo.top - OHu;
    const pl = (info.filterWidth - 1) * dw - info.padInfo.left;
    const pr = info.inWidth + info.padInfo.left - OWu;
    if (pt < 0 || pb < 0 || pl < 0 || pr < 0) return fallback();
    if ((sh > 1 || sw > 1) && dh === 1 && dw === 1) return polyphaseInputGrad(backend, dy, filter, info);
    const dyU = sh > 1 || sw > 1 ? dilateSpatial(backend, dy, sh, sw) : undefined;
    const wF = flipFilter(backend, filter);
    const dx = runWasm('Conv2D', backend, { x: dyU ?? dy, filter: wF }, {
      strides: [1, 1],
      pad: [
        [0, 0],
        [pt, pb],
        [pl, pr],
        [0, 0],
      ],
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
