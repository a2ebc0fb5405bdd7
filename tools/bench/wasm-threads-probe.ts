/**
 * Probe: does tfjs-backend-wasm's multi-threaded SIMD build speed up training ops under Node?
 * One process runs one mode and prints one JSON line (the mode, thread counts, load average, timings):
 *
 *   node --import tsx tools/bench/wasm-threads-probe.ts                 # stock single-threaded SIMD build
 *   WASM_THREADS=2 node --import tsx tools/bench/wasm-threads-probe.ts  # threaded build, 2 XNNPACK threads
 *   WASM_THREADS=2 NO_CAP_LIFT=1 node --import tsx tools/bench/wasm-threads-probe.ts  # threaded, cap kept
 *   BACKEND=cpu node --import tsx tools/bench/wasm-threads-probe.ts     # pure-JS reference
 *   ONLY=matmul,conv,adds,tape ...                                      # a subset of the workloads
 *
 * tools/bench/probes/ab.ts runs the modes interleaved in fresh processes; docs/wasm-threads.md has the
 * results and why the stock shim ran 1 thread (tools/bench/probes/threaded-wasm.ts).
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { loadavg } from 'node:os';
// Our training kernels (Conv2DBackpropFilter is missing from tfjs-backend-wasm 4.22), from source.
import { registerWasmTrainingKernels } from '../../packages/core/src/backend/wasm-kernels/register.js';
import { installThreadedWasm, wasmThreadInfo } from './probes/threaded-wasm.js';
import { conv2d3x3, matmul1024, tapeChain, tinyAdds } from './probes/workloads.js';

const threads = Number(process.env['WASM_THREADS'] ?? 0);
const backend = process.env['BACKEND'] ?? 'wasm';
const only = new Set((process.env['ONLY'] ?? 'matmul,conv,adds,tape').split(','));
registerWasmTrainingKernels();
const restore = backend === 'wasm' && threads > 0 ? installThreadedWasm(threads, { liftCoreCap: !process.env['NO_CAP_LIFT'] }) : null;
const t0 = performance.now();
const ok = await tf.setBackend(backend);
restore?.();
if (!ok) throw new Error(`backend ${backend} did not initialise`);
const mode = backend !== 'wasm' ? backend : threads > 0 ? `wasm-threads${threads}${process.env['NO_CAP_LIFT'] ? '-capped' : ''}` : 'wasm';
const out: Record<string, unknown> = {
  mode,
  initMs: Math.round(performance.now() - t0),
  ...(backend === 'wasm' ? wasmThreadInfo() : {}),
  load1: loadavg()[0]!.toFixed(2),
};
if (only.has('matmul')) out['matmul1024'] = matmul1024();
if (only.has('conv')) out['conv2d'] = conv2d3x3();
if (only.has('adds')) out['tinyAdd'] = tinyAdds();
if (only.has('tape')) out['tape100'] = await tapeChain();
out['load1End'] = loadavg()[0]!.toFixed(2);
console.log(JSON.stringify(out));
// The idle pthread workers are unref'ed, but exit explicitly so a stuck worker cannot hold the probe open.
process.exit(0);
