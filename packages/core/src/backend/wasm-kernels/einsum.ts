/**
 * `Einsum` for the wasm backend (missing in tfjs-backend-wasm 4.22). Same algorithm as the cpu
 * backend's kernel (tfjs-core's `backend_util` einsum helpers: permute each operand to the
 * common axis order, broadcast-multiply, sum out contracted axes step by step), but each step
 * runs on wasm's own Transpose / Multiply / Sum kernels. Intermediates are released as it goes.
 */
import * as tf from '@tensorflow/tfjs';
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { release, reshape, runWasm } from './wasm-util.js';
import type { WasmKernelArgs } from './wasm-util.js';

export function einsumWasm(args: WasmKernelArgs): TensorInfo {
  const { inputs, backend, attrs = {} } = args;
  const equation = (attrs as { equation: string }).equation;
  const tensors = Object.keys(inputs)
    .sort((p, q) => Number(p) - Number(q))
    .map((k) => inputs[k]!) as TensorInfo[];
  const bu = tf.backend_util;
  const { allDims, summedDims, idDims } = bu.decodeEinsumEquation(equation, tensors.length);
  bu.checkEinsumDimSizes(allDims.length, idDims, tensors as unknown as tf.Tensor[]);
  const { path, steps } = bu.getEinsumComputePath(summedDims, idDims);
  let out: TensorInfo | null = null;
  let remaining = allDims.length;
  const temps: TensorInfo[] = [];
  for (let i = 0; i < steps.length; i++) {
    for (const term of steps[i]!) {
      const { permutationIndices: perm, expandDims } = bu.getEinsumPermutation(remaining, idDims[term]!);
      let x = tensors[term]!;
      if (!bu.isIdentityPermutation(perm)) {
        x = runWasm('Transpose', backend, { x }, { perm });
        temps.push(x);
      }
      const target = x.shape.slice();
      for (const d of expandDims) target.splice(d, 0, 1);
      if (target.join(',') !== x.shape.join(',')) {
        x = reshape(backend, x, target);
        temps.push(x);
      }
      if (out === null) out = x;
      else {
        out = runWasm('Multiply', backend, { a: x, b: out });
        temps.push(out);
      }
    }
    if (i < steps.length - 1) {
      if (path[i]! >= 0) {
        out = runWasm('Sum', backend, { x: out! }, { axis: path[i]! - (allDims.length - remaining), keepDims: false });
        temps.push(out);
      }
      remaining--;
    }
  }
  if (out === null) throw new Error(`einsum: equation '${equation}' produced no output`);
  // A pass-through operand must come back as a new reference, not the caller's tensor.
  if (!temps.includes(out)) out = reshape(backend, out, out.shape);
  release(backend, ...temps.filter((t) => t !== out));
  return out;
}

export const einsumConfig: KernelConfig = {
  kernelName: 'Einsum',
  backendName: 'wasm',
  kernelFunc: einsumWasm as unknown as KernelFunc,
};
