/**
 * Small helpers shared by our wasm training kernels: call the wasm backend's own kernels
 * (XNNPACK matmul / conv, transpose) and read or write tensors directly in the wasm heap.
 *
 * Heap views (`Float32Array` over `wasm.HEAPU8.buffer`) are invalidated whenever the wasm
 * memory grows, i.e. by any allocation. Every kernel here therefore allocates all of its
 * outputs first and only then takes views.
 */
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { KernelFunc, NamedAttrMap, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs-core';

export type { BackendWasm, TensorInfo };

/** The argument object tfjs passes to a kernel function on the wasm backend. */
export interface WasmKernelArgs {
  inputs: NamedTensorInfoMap;
  backend: BackendWasm;
  attrs?: NamedAttrMap;
}

/**
 * Stock wasm kernel functions captured before we override any of them, so that our overrides
 * (and our new kernels) can call the originals, e.g. XNNPACK's untransposed BatchMatMul.
 */
const originals = new Map<string, KernelFunc>();

/** Remember the stock wasm kernel `name` (first capture wins; later overrides do not replace it). */
export function captureOriginal(name: string): KernelFunc | undefined {
  const known = originals.get(name);
  if (known) return known;
  const k = tf.getKernel(name, 'wasm');
  if (!k) return undefined;
  originals.set(name, k.kernelFunc);
  return k.kernelFunc;
}

/** Run the stock wasm kernel `name` (never one of our overrides). */
export function runWasm(name: string, backend: BackendWasm, inputs: NamedTensorInfoMap, attrs: NamedAttrMap = {}): TensorInfo {
  const f = originals.get(name) ?? captureOriginal(name);
  if (!f) throw new Error(`wasm kernel '${name}' is not registered; is @tensorflow/tfjs-backend-wasm loaded?`);
  return f({ inputs, backend, attrs } as unknown as Parameters<KernelFunc>[0]) as TensorInfo;
}

/** Release intermediate tensor infos created inside a kernel. */
export function release(backend: BackendWasm, ...infos: (TensorInfo | undefined)[]): void {
  for (const t of infos) if (t) backend.disposeData(t.dataId);
}

/** A Float32Array view of a float32 tensor's memory in the wasm heap (valid until the next allocation). */
export function f32(backend: BackendWasm, t: TensorInfo): Float32Array {
  return backend.typedArrayFromHeap(t) as Float32Array;
}

/** Swap the last two axes with the wasm Transpose kernel. */
export function transposeLast2(backend: BackendWasm, t: TensorInfo): TensorInfo {
  const r = t.shape.length;
  const perm = [...Array(r).keys()];
  perm[r - 2] = r - 1;
  perm[r - 1] = r - 2;
  return runWasm('Transpose', backend, { x: t }, { perm });
}

/** Reshape without copying (shares the data id; release the result when done). */
export function reshape(backend: BackendWasm, t: TensorInfo, shape: number[]): TensorInfo {
  return runWasm('Reshape', backend, { x: t }, { shape });
}

/** `a @ b` for 2-D float32 `a` [M, K] and `b` [K, N] on XNNPACK's fast (untransposed) path. */
export function matMul2d(backend: BackendWasm, a: TensorInfo, b: TensorInfo): TensorInfo {
  return runWasm('BatchMatMul', backend, { a, b }, { transposeA: false, transposeB: false });
}
