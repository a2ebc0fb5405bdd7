/**
 * `UnsortedSegmentSum` for the wasm backend (missing in tfjs-backend-wasm 4.22). Graph message
 * passing scatters messages onto nodes with it, and it is the gradient of `tf.gather`, so
 * without it no embedding table or GNN trains on wasm.
 *
 *   out[s, …] = Σ_{i : segmentIds[i] = s} x[i, …]      (ids outside [0, numSegments) are dropped, as in TF)
 *
 * One pass over the wasm heap: each row of `x` is added into its segment's row, row-contiguous.
 */
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { WasmKernelArgs } from './wasm-util.js';

export function unsortedSegmentSumWasm(args: WasmKernelArgs): TensorInfo {
  const { inputs, backend, attrs = {} } = args;
  const x = inputs['x']!;
  const ids = inputs['segmentIds']!;
  const numSegments = (attrs as { numSegments: number }).numSegments;
  const idRank = ids.shape.length;
  const rows = ids.shape.reduce((p, q) => p * q, 1);
  const inner = x.shape.slice(idRank).reduce((p, q) => p * q, 1);
  const outShape = [numSegments, ...x.shape.slice(idRank)];
  const out = backend.makeOutput(outShape, x.dtype);
  const o = backend.typedArrayFromHeap(out) as Float32Array | Int32Array;
  const xs = backend.typedArrayFromHeap(x) as Float32Array | Int32Array;
  const seg = backend.typedArrayFromHeap(ids) as Int32Array;
  o.fill(0);
  for (let i = 0; i < rows; i++) {
    const s = seg[i]!;
    if (s < 0 || s >= numSegments) continue;
    const d = s * inner;
    const src = i * inner;
    for (let j = 0; j < inner; j++) o[d + j]! += xs[src + j]!;
  }
  return out;
}

export const unsortedSegmentSumConfig: KernelConfig = {
  kernelName: 'UnsortedSegmentSum',
  backendName: 'wasm',
  kernelFunc: unsortedSegmentSumWasm as unknown as KernelFunc,
};
