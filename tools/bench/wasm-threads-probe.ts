/**
 * Probe: can tfjs-backend-wasm's multi-threaded SIMD build run under Node (worker threads)?
 *
 *   node --import tsx tools/bench/wasm-threads-probe.ts            # stock: threads flag off in Node
 *   THREADS=1 node --import tsx tools/bench/wasm-threads-probe.ts   # force the threaded build
 *
 * tfjs 4.22 hard-wires WASM_HAS_MULTITHREAD_SUPPORT=false under Node (tfjs issue #3830). Forcing it
 * on fails because the Emscripten pthread workers are created from `blob:` URLs, which Node's
 * `worker_threads` rejects (ERR_WORKER_PATH). With THREADS=1 this probe shims `Blob` /
 * `URL.createObjectURL` to write the worker and module scripts to temp files (adding the bundler
 * globals `require$$0…` and `commonjsGlobal` the node bundle's factory source refers to); the
 * threaded build then loads and spawns its 8 pthread workers, and the script reports XNNPACK's
 * threadpool size and a 1024³ matmul time for comparison with the single-threaded build.
 */
import * as tf from '@tensorflow/tfjs';
import * as wasm from '@tensorflow/tfjs-backend-wasm';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const threaded = Boolean(process.env['THREADS']);
const RealBlob = globalThis.Blob;
const realCreate = URL.createObjectURL;
if (threaded) {
  const dir = mkdtempSync(join(tmpdir(), 'tfjs-wasm-threads-'));
  let n = 0;
  class FileBlob {
    parts: unknown[];
    path?: string;
    constructor(parts: unknown[]) {
      this.parts = parts;
      const text = parts.map(String).join('');
      if (text.startsWith('var WasmBackendModuleThreadedSimd')) {
        this.path = join(dir, 'module.js');
        const prelude =
          "var require$$0 = require('fs'), require$$1 = require('path'), require$$3 = require('perf_hooks'), require$$4 = require('os'), commonjsGlobal = globalThis;\n";
        writeFileSync(this.path, prelude + text);
      }
    }
  }
  (globalThis as unknown as { Blob: unknown }).Blob = FileBlob;
  URL.createObjectURL = ((b: FileBlob) => {
    const p = join(dir, `worker${n++}.js`);
    const src = b.parts
      .map(String)
      .join('')
      .replace('URL.createObjectURL(e.data.urlOrBlob)', 'e.data.urlOrBlob.path')
      .replace('URL.revokeObjectURL(objectUrl)', 'void 0');
    writeFileSync(p, src);
    return p;
  }) as unknown as typeof URL.createObjectURL;
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', true);
  wasm.setThreadsCount(2);
}
const t0 = performance.now();
const ok = await tf.setBackend('wasm');
globalThis.Blob = RealBlob;
URL.createObjectURL = realCreate;
const mod = (tf.backend() as unknown as { wasm: { tfjs: { getThreadsCount(): number }; PThread?: { unusedWorkers: unknown[] } } }).wasm;
console.log(
  JSON.stringify({
    threadedBuildRequested: threaded,
    initialised: ok,
    initMs: Math.round(performance.now() - t0),
    xnnpackThreads: ok ? mod.tfjs.getThreadsCount() : null,
    pthreadWorkers: mod?.PThread?.unusedWorkers.length ?? 0,
  }),
);
if (ok) {
  const a = tf.randomNormal([1024, 1024]);
  const b = tf.randomNormal([1024, 1024]);
  tf.matMul(a, b).dispose();
  const s = performance.now();
  for (let i = 0; i < 5; i++) {
    const c = tf.matMul(a, b);
    c.dataSync();
    c.dispose();
  }
  const ms = (performance.now() - s) / 5;
  console.log(JSON.stringify({ matmul1024Ms: Math.round(ms), gflops: Math.round((2 * 1024 ** 3) / ms / 1e5) / 10 }));
}
process.exit(0);
