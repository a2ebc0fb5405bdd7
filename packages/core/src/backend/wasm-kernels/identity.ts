/**
 * `Identity` and same-dtype `Cast` for the wasm backend without a copy. The stock wasm kernels
 * allocate a new heap block and copy the whole tensor (the cpu backend shares the data and bumps a
 * reference count instead). Training calls them on every activation (tf.layers' input
 * handling, gradient pass-throughs, `tf.cast` to the same dtype), so the copies, kept alive by the
 * tape, were a large part of the wasm heap: a ResNet-18 step at batch 64 × 2 exceeded the 4 GB heap
 * with ~1.2 GB of such copies. Sharing is safe because no kernel writes into its inputs (as on cpu,
 * whose Identity and Cast do the same).
 */
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { WasmKernelArgs } from './wasm-util.js';

function share(args: WasmKernelArgs): TensorInfo {
  const x = args.inputs['x']!;
  args.backend.incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
}

export function makeIdentityWasm(stock: KernelFunc): (args: WasmKernelArgs) => TensorInfo {
  return (args) => {
    if (args.inputs['x']!.dtype === 'string') return stock(args as unknown as Parameters<KernelFunc>[0]) as TensorInfo;
    return share(args);
  };
}

export function makeCastWasm(stock: KernelFunc): (args: WasmKernelArgs) => TensorInfo {
  return (args) => {
    const x = args.inputs['x']!;
    const dtype = (args.attrs as { dtype?: string } | undefined)?.dtype;
    if (dtype !== x.dtype || x.dtype === 'string') return stock(args as unknown as Parameters<KernelFunc>[0]) as TensorInfo;
    return share(args);
  };
}

/** Kernel config factories: `stock` is wasm's original kernel (strings, dtype changes). */
export function identityConfig(stock: KernelFunc): KernelConfig {
  return { kernelName: 'Identity', backendName: 'wasm', kernelFunc: makeIdentityWasm(stock) as unknown as KernelFunc };
}
export function castConfig(stock: KernelFunc): KernelConfig {
  return { kernelName: 'Cast', backendName: 'wasm', kernelFunc: makeCastWasm(stock) as unknown as KernelFunc };
}
