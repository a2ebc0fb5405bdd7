/**
 * Registers our wasm training kernels with tfjs (idempotent; safe to call many times and before
 * or after the wasm backend initialises).
 *
 * Added (missing in tfjs-backend-wasm 4.22): Conv2DBackpropFilter,
 * DepthwiseConv2dNativeBackpropFilter, DepthwiseConv2dNativeBackpropInput, UnsortedSegmentSum,
 * Einsum. Replaced for speed (stock version kept as fallback): BatchMatMul (transposed and
 * batched products on XNNPACK), Conv2DBackpropInput (as an XNNPACK forward convolution),
 * MaxPoolGrad (one heap pass instead of the stock loop), Sum and Mean over leading axes (no transpose),
 * broadcasting Equal (the gradient of every max / logSumExp), Tile (block copies; batch-norm
 * gradients), Identity and same-dtype Cast (share the data instead of copying it). Also replaces
 * the FusedBatchNorm gradient (same math, frees its activation-sized temporaries).
 */
import * as tf from '@tensorflow/tfjs';
import type { KernelConfig, KernelFunc } from '@tensorflow/tfjs-core';
import { batchMatMulConfig } from './batch-mat-mul.js';
import { conv2DBackpropFilterConfig } from './conv2d-backprop-filter.js';
import { conv2DBackpropInputConfig } from './conv2d-backprop-input.js';
import { depthwiseBackpropFilterConfig, depthwiseBackpropInputConfig } from './depthwise-backprop.js';
import { registerFusedBatchNormGrad } from './batch-norm-grad.js';
import { registerTileGrad } from './tile-grad.js';
import { equalConfig } from './broadcast-equal.js';
import { castConfig, identityConfig } from './identity.js';
import { einsumConfig } from './einsum.js';
import { maxPoolGradConfig } from './max-pool-grad.js';
import { meanConfig, sumConfig } from './sum.js';
import { tileConfig } from './tile.js';
import { unsortedSegmentSumConfig } from './unsorted-segment-sum.js';
import { captureOriginal } from './wasm-util.js';

/** Kernels that tfjs-backend-wasm 4.22 does not have at all. */
export const ADDED_WASM_KERNELS = [
  'Conv2DBackpropFilter',
  'DepthwiseConv2dNativeBackpropFilter',
  'DepthwiseConv2dNativeBackpropInput',
  'UnsortedSegmentSum',
  'Einsum',
] as const;

/** Stock wasm kernels we replace with faster versions (the stock one remains the fallback). */
export const REPLACED_WASM_KERNELS = [
  'BatchMatMul',
  'Conv2DBackpropInput',
  'MaxPoolGrad',
  'Sum',
  'Mean',
  'Equal',
  'Tile',
  'Identity',
  'Cast',
] as const;

const MARK = Symbol.for('@contrastive/core/wasm-kernel');
const marked = (k: KernelConfig | undefined): boolean => Boolean(k && (k.kernelFunc as unknown as Record<symbol, boolean>)[MARK]);

function install(config: KernelConfig, stock?: KernelConfig): void {
  (config.kernelFunc as unknown as Record<symbol, boolean>)[MARK] = true;
  if (stock) {
    tf.unregisterKernel(config.kernelName, 'wasm');
    // Keep the stock setupFunc: it binds the C++ entry point our fallback calls.
    tf.registerKernel({ ...config, setupFunc: stock.setupFunc });
  } else {
    tf.registerKernel(config);
  }
}

/**
 * Register (or confirm) our kernels on the `wasm` backend. Returns the names newly installed by
 * this call (empty when already done).
 *
 * This module deliberately does not import `@tensorflow/tfjs-backend-wasm`: importing it registers
 * wasm as the highest-priority backend, which would make every program that imports
 * `@contrastive/core` without awaiting `tf.ready()` fail. The added kernels can be registered before
 * the backend exists; the replacements need the stock kernels, so they are installed once
 * tfjs-backend-wasm has been loaded — `initBackend()` calls this again after importing it. If you
 * call `tf.setBackend('wasm')` yourself, call this function afterwards to get the faster kernels.
 */
export function registerWasmTrainingKernels(): string[] {
  const done: string[] = [];
  // Not a kernel: tfjs's FusedBatchNorm gradient keeps two activation-sized temporaries alive for
  // the whole backward pass (see batch-norm-grad.ts); same math, less memory, on every backend.
  if (registerFusedBatchNormGrad()) done.push('FusedBatchNorm gradient');
  // Also not a kernel: tfjs's Tile gradient is one Slice + Add per repeat (see tile-grad.ts).
  if (registerTileGrad()) done.push('Tile gradient');
  const added: KernelConfig[] = [
    conv2DBackpropFilterConfig,
    depthwiseBackpropFilterConfig,
    depthwiseBackpropInputConfig,
    unsortedSegmentSumConfig,
    einsumConfig,
  ];
  for (const config of added) {
    const existing = tf.getKernel(config.kernelName, 'wasm');
    if (existing) continue; // ours already, or a future tfjs that ships it natively
    install(config);
    done.push(config.kernelName);
  }
  const replaced: [string, (stock: KernelFunc) => KernelConfig][] = [
    ['BatchMatMul', batchMatMulConfig],
    ['Conv2DBackpropInput', conv2DBackpropInputConfig],
    ['MaxPoolGrad', maxPoolGradConfig],
    ['Sum', sumConfig],
    ['Mean', meanConfig],
    ['Equal', equalConfig],
    ['Tile', tileConfig],
    ['Identity', identityConfig],
    ['Cast', castConfig],
  ];
  for (const [name, make] of replaced) {
    const stock = tf.getKernel(name, 'wasm');
    if (!stock || marked(stock)) continue;
    const stockFunc = captureOriginal(name)!;
    install(make(stockFunc), stock);
    done.push(name);
  }
  // Capture the stock kernels our code calls, before anyone else can override them.
  for (const name of ['Conv2D', 'Transpose', 'Reshape', 'Multiply']) captureOriginal(name);
  return done;
}

/** True when every kernel we add or replace is ours on the wasm backend. */
export function wasmTrainingKernelsRegistered(): boolean {
  return [...ADDED_WASM_KERNELS, ...REPLACED_WASM_KERNELS].every((n) => marked(tf.getKernel(n, 'wasm')));
}
