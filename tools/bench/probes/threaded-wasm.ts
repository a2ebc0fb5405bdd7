/**
 * Loads tfjs-backend-wasm 4.22's multi-threaded SIMD build under Node with `threads` XNNPACK threads.
 * Call before `tf.setBackend('wasm')`; call the returned function after it to undo the shims.
 *
 * Three obstacles, each found by reading `dist/tf-backend-wasm.node.js` and the C++ of that release:
 *
 * 1. `WASM_HAS_MULTITHREAD_SUPPORT` is hard-wired to false when `IS_NODE` (tfjs issue #3830): set it.
 * 2. The Emscripten pthread workers are created from `blob:` URLs (the worker script and the module
 *    factory's source), which Node's `worker_threads` rejects (ERR_WORKER_PATH): `Blob` and
 *    `URL.createObjectURL` are shimmed to write both scripts to a temp folder. The factory source is a
 *    function from a Rollup bundle that refers to the bundle's `require$$0…4` / `commonjsGlobal`
 *    variables, so the module file gets a one-line prelude defining them.
 * 3. The thread count is capped in C++ (`backend.cc`, `init_with_threads_count`):
 *    `min(min(max(requested, 1), 8), num_cores)` with `num_cores = emscripten_num_logical_cores() / 2`
 *    computed when the module starts. Under Node, `emscripten_num_logical_cores()` is
 *    `require('os').cpus().length` (not `navigator.hardwareConcurrency`), so on a 2-vCPU machine
 *    `num_cores` is 1 and `setThreadsCount(2)` still yields a 1-thread pthreadpool. `os.cpus()` is made
 *    to report `2 × threads` entries while the module starts, so the cap becomes `threads`.
 */
import * as tf from '@tensorflow/tfjs';
import * as wasm from '@tensorflow/tfjs-backend-wasm';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The CommonJS `os` module object: the same object the wasm bundle's `require('os')` returned. */
const os = createRequire(import.meta.url)('os') as { cpus(): unknown[] };

export interface ThreadedWasmOptions {
  /** Apply shim 3 (`os.cpus()` reports `2 × threads` during start-up). Default true; false reproduces the 1-thread cap. */
  liftCoreCap?: boolean;
}

export function installThreadedWasm(threads: number, options: ThreadedWasmOptions = {}): () => void {
  if (!Number.isInteger(threads) || threads < 1 || threads > 8) throw new RangeError(`threads must be 1..8, got ${threads}`);
  const dir = mkdtempSync(join(tmpdir(), 'tfjs-wasm-threads-'));
  let n = 0;
  class FileBlob {
    readonly parts: unknown[];
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
  const realBlob = globalThis.Blob;
  const realCreate = URL.createObjectURL;
  const realCpus = os.cpus;
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
  if (options.liftCoreCap !== false) {
    os.cpus = () => {
      const real = realCpus.call(os);
      return Array.from({ length: Math.max(real.length, 2 * threads) }, (_, i) => real[i % real.length]);
    };
  }
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', true);
  wasm.setThreadsCount(threads);
  return () => {
    globalThis.Blob = realBlob;
    URL.createObjectURL = realCreate;
    os.cpus = realCpus;
  };
}

/** XNNPACK's pthreadpool size and the idle Emscripten workers of the active wasm backend. */
export function wasmThreadInfo(): { xnnpackThreads: number; pthreadWorkers: number } {
  const mod = (
    tf.backend() as unknown as {
      wasm: { tfjs: { getThreadsCount(): number }; PThread?: { unusedWorkers: unknown[]; runningWorkers: unknown[] } };
    }
  ).wasm;
  return {
    xnnpackThreads: mod.tfjs.getThreadsCount(),
    pthreadWorkers: (mod.PThread?.unusedWorkers.length ?? 0) + (mod.PThread?.runningWorkers.length ?? 0),
  };
}
