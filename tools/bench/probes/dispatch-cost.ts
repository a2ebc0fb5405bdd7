/**
 * Where the per-op cost of a tiny op goes: `tf.add` of two [4] tensors through the engine, against the
 * registered `Add` kernel function called directly (no engine: no tensor bookkeeping, no tape check, no
 * kernel lookup). The difference is the engine's share; the rest is the backend's (for wasm: output
 * allocation in the wasm heap, the XNNPACK operator's reshape / setup / run, the JS ↔ wasm calls).
 *
 *   node --import tsx tools/bench/probes/dispatch-cost.ts            # wasm
 *   BACKEND=cpu node --import tsx tools/bench/probes/dispatch-cost.ts
 *   node --cpu-prof --cpu-prof-dir=/tmp/prof --import tsx tools/bench/probes/dispatch-cost.ts  # then read the profile
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import type { KernelBackend, TensorInfo } from '@tensorflow/tfjs';
import { loadavg } from 'node:os';

const backendName = process.env['BACKEND'] ?? 'wasm';
const n = Number(process.env['N'] ?? 200_000);
if (!(await tf.setBackend(backendName))) throw new Error(`backend ${backendName} did not initialise`);
const a = tf.tensor1d([1, 2, 3, 4]);
const b = tf.tensor1d([4, 3, 2, 1]);
const backend = tf.backend() as KernelBackend;
const kernel = tf.getKernel('Add', backendName);
if (!kernel) throw new Error(`no Add kernel for ${backendName}`);
const kernelFunc = kernel.kernelFunc as (args: { inputs: object; backend: KernelBackend; attrs: object }) => TensorInfo;

function usPerOp(run: () => void): number {
  for (let i = 0; i < n / 10; i++) run();
  const t = performance.now();
  for (let i = 0; i < n; i++) run();
  return Math.round(((performance.now() - t) * 1000 * 100) / n) / 100;
}

const load1 = loadavg()[0]!.toFixed(2);
const engine = usPerOp(() => tf.add(a, b).dispose());
const direct = usPerOp(() => {
  const out = kernelFunc({ inputs: { a, b }, backend, attrs: {} });
  backend.disposeData(out.dataId);
});
// The same through the engine while a gradient tape records (the forward pass of tf.grad), 1,000 ops per
// tape as in a training step (the adds do not reach the output, so the backward pass skips them).
const perTape = 1000;
const g = tf.grad((x: tf.Tensor) => {
  for (let i = 0; i < perTape; i++) tf.add(x, b).dispose();
  return tf.sum(x);
});
const gradOnly = tf.grad((x: tf.Tensor) => tf.sum(x));
const tapeCalls = (f: (x: tf.Tensor) => tf.Tensor): number => {
  const t = performance.now();
  for (let i = 0; i < n / perTape; i++) f(a).dispose();
  return performance.now() - t;
};
tapeCalls(g);
const taped = Math.round(((tapeCalls(g) - tapeCalls(gradOnly)) * 1000 * 100) / n) / 100;
tf.dispose([a, b]);
console.log(
  JSON.stringify({
    backend: backendName,
    n,
    load1,
    engineUsPerOp: engine,
    kernelOnlyUsPerOp: direct,
    engineShareUs: Math.round((engine - direct) * 100) / 100,
    underTapeUsPerOp: taped,
    load1End: loadavg()[0]!.toFixed(2),
  }),
);
