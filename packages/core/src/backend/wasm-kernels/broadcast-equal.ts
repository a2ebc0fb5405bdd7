/**
 * A faster broadcasting `Equal` for the wasm backend. Every `max`/`logSumExp` gradient compares
 * x [R, C] with its broadcast row max [R, 1]; the stock kernel's generic broadcast path computes a
 * multi-index per element and took 45% of an NT-Xent forward + backward in our profile
 * (docs/benchmarks.md). This one walks the output once with an odometer over broadcast strides.
 * Same-shape comparisons keep the stock (already vectorised) kernel.
 */
import * as tf from '@tensorflow/tfjs';
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { WasmKernelArgs } from './wasm-util.js';

/** Element strides of `shape` aligned right to `out`, 0 on broadcast axes. */
function broadcastStrides(shape: number[], out: number[]): number[] {
  const strides = new Array<number>(out.length).fill(0);
  let s = 1;
  for (let i = shape.length - 1, j = out.length - 1; i >= 0; i--, j--) {
    strides[j] = shape[i] === 1 ? 0 : s;
    s *= shape[i]!;
  }
  return strides;
}

export function makeEqualWasm(stock: KernelFunc): (args: WasmKernelArgs) => TensorInfo {
  return (args) => {
    const { inputs, backend } = args;
    const a = inputs['a']!;
    const b = inputs['b']!;
    const same = a.shape.length === b.shape.length && a.shape.every((d, i) => d === b.shape[i]);
    if (same || a.dtype !== b.dtype || a.dtype === 'string' || a.dtype === 'complex64') {
      return stock(args as unknown as Parameters<KernelFunc>[0]) as TensorInfo;
    }
    const outShape = tf.broadcast_util.assertAndGetBroadcastShape(a.shape, b.shape);
    const out = backend.makeOutput(outShape, 'bool');
    const o = backend.typedArrayFromHeap(out) as Uint8Array;
    const av = backend.typedArrayFromHeap(a);
    const bv = backend.typedArrayFromHeap(b);
    const sa = broadcastStrides(a.shape, outShape);
    const sb = broadcastStrides(b.shape, outShape);
    const r = outShape.length;
    const inner = outShape[r - 1] ?? 1;
    const ia = sa[r - 1] ?? 0;
    const ib = sb[r - 1] ?? 0;
    const idx = new Array<number>(Math.max(r - 1, 0)).fill(0);
    let pa = 0;
    let pb = 0;
    const total = o.length;
    for (let p = 0; p < total; p += inner) {
      let xa = pa;
      let xb = pb;
      for (let j = 0; j < inner; j++, xa += ia, xb += ib) o[p + j] = av[xa] === bv[xb] ? 1 : 0;
      // advance the odometer over the outer axes
      for (let d = r - 2; d >= 0; d--) {
        idx[d]!++;
        pa += sa[d]!;
        pb += sb[d]!;
        if (idx[d]! < outShape[d]!) break;
        pa -= sa[d]! * outShape[d]!;
        pb -= sb[d]! * outShape[d]!;
        idx[d] = 0;
      }
    }
    return out;
  };
}

/** Kernel config factory: `stock` is wasm's original kernel, used for same-shape inputs. */
export function equalConfig(stock: KernelFunc): KernelConfig {
  return { kernelName: 'Equal', backendName: 'wasm', kernelFunc: makeEqualWasm(stock) as unknown as KernelFunc };
}
