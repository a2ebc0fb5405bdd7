/**
 * A faster `BatchMatMul` for the wasm backend. tfjs-backend-wasm 4.22 sends a matmul to
 * XNNPACK only when neither operand is transposed and both batch sizes are 1; every other case
 * (including dX = dY·Wᵀ and dW = Xᵀ·dY in every dense layer's backward pass, and batched
 * attention products) runs a scalar blocked loop that we measured at ~10× slower.
 * This override materialises transposes with wasm's Transpose kernel (choosing the cheaper
 * side) and loops batched products over XNNPACK, keeping the stock kernel for tiny products
 * where its lower overhead wins.
 */
import * as tf from '@tensorflow/tfjs';
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { f32, matMul2d, release, reshape, transposeLast2 } from './wasm-util.js';
import type { BackendWasm, WasmKernelArgs } from './wasm-util.js';

/** Below this many multiply-adds per batch entry the stock kernel is used unchanged. */
const MIN_MACS = 32 * 32 * 32;

/** C = op(A)·op(B) for 2-D a, b using only XNNPACK's untransposed path. */
function matMulNoTranspose(backend: BackendWasm, a: TensorInfo, b: TensorInfo, tA: boolean, tB: boolean): TensorInfo {
  const [ar, ac] = a.shape as [number, number];
  const bc = b.shape[1]!;
  if (!tA && !tB) return matMul2d(backend, a, b);
  if (!tA && tB) {
    const bT = transposeLast2(backend, b);
    const c = matMul2d(backend, a, bT);
    release(backend, bT);
    return c;
  }
  if (tA && tB) {
    // Aᵀ·Bᵀ = (B·A)ᵀ
    const ba = matMul2d(backend, b, a);
    const c = transposeLast2(backend, ba);
    release(backend, ba);
    return c;
  }
  // Aᵀ·B with A [M, K], B [M, N]: transpose A (M·K moves) or compute (Bᵀ·A)ᵀ (M·N + N·K moves).
  const M = ar,
    K = ac,
    N = bc;
  if (M * K <= M * N + N * K) {
    const aT = transposeLast2(backend, a);
    const c = matMul2d(backend, aT, b);
    release(backend, aT);
    return c;
  }
  const bT = transposeLast2(backend, b);
  const ct = matMul2d(backend, bT, a);
  const c = transposeLast2(backend, ct);
  release(backend, bT, ct);
  return c;
}

/** Copy `len` floats of `src` starting at `off` into a fresh tensor of `shape`. */
function sliceCopy(backend: BackendWasm, src: TensorInfo, off: number, shape: number[]): TensorInfo {
  const out = backend.makeOutput(shape, 'float32');
  const len = shape.reduce((p, q) => p * q, 1);
  f32(backend, out).set(f32(backend, src).subarray(off, off + len));
  return out;
}

export function makeBatchMatMulWasm(stock: KernelFunc): (args: WasmKernelArgs) => TensorInfo {
  return (args) => {
    const { inputs, backend, attrs = {} } = args;
    const a = inputs['a']!;
    const b = inputs['b']!;
    const tA = Boolean((attrs as { transposeA?: boolean }).transposeA);
    const tB = Boolean((attrs as { transposeB?: boolean }).transposeB);
    const ra = a.shape.length;
    const rb = b.shape.length;
    const batchA = a.shape.slice(0, -2).reduce((p, q) => p * q, 1);
    const batchB = b.shape.slice(0, -2).reduce((p, q) => p * q, 1);
    const aRows = a.shape[ra - 2]!,
      aCols = a.shape[ra - 1]!;
    const bRows = b.shape[rb - 2]!,
      bCols = b.shape[rb - 1]!;
    const M = tA ? aCols : aRows;
    const K = tA ? aRows : aCols;
    const N = tB ? bRows : bCols;
    const simple = !tA && !tB && batchA === 1 && batchB === 1;
    const outerA = a.shape.slice(0, -2).join(',');
    const outerB = b.shape.slice(0, -2).join(',');
    // Broadcasting other than "one side has no batch" is left to the stock kernel.
    const plainBatch = outerA === outerB || batchA === 1 || batchB === 1;
    if (simple || !plainBatch || M * K * N < MIN_MACS || a.dtype !== 'float32' || b.dtype !== 'float32') {
      return stock(args as unknown as Parameters<KernelFunc>[0]) as TensorInfo;
    }
    const batch = Math.max(batchA, batchB);
    const outShape = tf.broadcast_util.assertAndGetBroadcastShape(a.shape.slice(0, -2), b.shape.slice(0, -2)).concat([M, N]);
    if (batch === 1) {
      const a2 = reshape(backend, a, [aRows, aCols]);
      const b2 = reshape(backend, b, [bRows, bCols]);
      const c = matMulNoTranspose(backend, a2, b2, tA, tB);
      release(backend, a2, b2);
      const out = reshape(backend, c, outShape);
      release(backend, c);
      return out;
    }
    const out = backend.makeOutput(outShape, 'float32');
    const a2 = batchA === 1 ? reshape(backend, a, [aRows, aCols]) : undefined;
    const b2 = batchB === 1 ? reshape(backend, b, [bRows, bCols]) : undefined;
    for (let i = 0; i < batch; i++) {
      const ai = a2 ?? sliceCopy(backend, a, i * aRows * aCols, [aRows, aCols]);
      const bi = b2 ?? sliceCopy(backend, b, i * bRows * bCols, [bRows, bCols]);
      const ci = matMulNoTranspose(backend, ai, bi, tA, tB);
      f32(backend, out).set(f32(backend, ci), i * M * N);
      release(backend, ci);
      if (ai !== a2) release(backend, ai);
      if (bi !== b2) release(backend, bi);
    }
    release(backend, a2, b2);
    return out;
  };
}

/** Kernel config factory: `stock` is wasm's original kernel, used for the cases it does well. */
export function batchMatMulConfig(stock: KernelFunc): KernelConfig {
  return {
    kernelName: 'BatchMatMul',
    backendName: 'wasm',
    kernelFunc: makeBatchMatMulWasm(stock) as unknown as KernelFunc,
  };
}
