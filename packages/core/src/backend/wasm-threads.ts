/**
 * Opt-in multi-threaded XNNPACK for the wasm backend under Node (`initBackend({ wasmThreads: n })` or
 * `CONTRASTIVE_WASM_THREADS=n`). tfjs-backend-wasm 4.22 ships a threaded SIMD build but never uses it in
 * Node, for three reasons, each undone here while the module starts (and put back right after):
 *
 * 1. `WASM_HAS_MULTITHREAD_SUPPORT` is hard-wired to false when `IS_NODE` (tfjs issue #3830): set to true.
 * 2. The Emscripten pthread workers are created from `blob:` URLs (the worker script and the module factory's
 *    source), which Node's `worker_threads` rejects: `Blob` / `URL.createObjectURL` are replaced so both
 *    scripts are written to a temporary folder (removed when the process exits). The factory source comes
 *    from a Rollup bundle and refers to the bundle's `require$$0…4` and `commonjsGlobal`; the module file
 *    gets a one-line prelude defining them.
 * 3. The C++ caps the thread count (`init_with_threads_count` in backend.cc):
 *    `min(min(max(requested, 1), 8), num_cores)` with `num_cores = emscripten_num_logical_cores() / 2`,
 *    computed when the module starts; under Node that is `require('os').cpus().length / 2` (not
 *    `navigator.hardwareConcurrency`), so on a 2-vCPU machine every request gives 1 thread. `os.cpus()`
 *    reports `2 × n` entries while the module starts, so the cap becomes `n`.
 *
 * Node builtins come from `process.getBuiltinModule` (Node ≥ 20.16), so this file imports no `node:`
 * module and core's root entry stays browser-safe. Measured in docs/wasm-threads.md: about 1.9× on a
 * 1024³ matmul and 1.5× on a conv2d forward + backward with 2 threads on 2 idle cores, slower when the
 * second core is busy — hence off by default (data-parallel worker threads would oversubscribe the cores).
 */
import * as tf from '@tensorflow/tfjs';

/** XNNPACK's ceiling in tfjs-backend-wasm 4.22 (backend.cc `max_num_threads`, and 8 pre-spawned workers). */
export const MAX_WASM_THREADS = 8;

/** The part of `@tensorflow/tfjs-backend-wasm` used here. */
export interface WasmThreadsPackage {
  setThreadsCount(n: number): void;
  getThreadsCount(): number;
}

interface Builtins {
  fs: {
    mkdtempSync(prefix: string): string;
    writeFileSync(path: string, data: string): void;
    rmSync(path: string, opts: { recursive: boolean; force: boolean }): void;
  };
  os: { cpus(): unknown[]; tmpdir(): string };
  path: { join(...parts: string[]): string };
  process: { once(event: 'exit', f: () => void): unknown };
}

function nodeBuiltins(): Builtins | null {
  const p = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  if (typeof p?.getBuiltinModule !== 'function') return null;
  const get = p.getBuiltinModule.bind(p);
  return { fs: get('fs'), os: get('os'), path: get('path'), process: p } as Builtins;
}

/**
 * The XNNPACK thread count to use: `option`, else the env variable `CONTRASTIVE_WASM_THREADS`, else 1
 * (single-threaded, the stock build). Throws a RangeError naming the source for anything but an integer
 * in 1..{@link MAX_WASM_THREADS}.
 */
export function resolveWasmThreads(option: number | undefined, env: string | undefined): number {
  const fromEnv = option === undefined && env !== undefined && env !== '';
  const value = option ?? (fromEnv ? Number(env) : 1);
  if (!Number.isInteger(value) || value < 1 || value > MAX_WASM_THREADS) {
    const name = fromEnv ? 'CONTRASTIVE_WASM_THREADS' : 'options.wasmThreads';
    throw new RangeError(`${name} must be an integer from 1 to ${MAX_WASM_THREADS}, got '${fromEnv ? env : String(option)}'`);
  }
  return value;
}

/**
 * Prepares the next start of the wasm module to use the threaded build with `threads` XNNPACK threads
 * (the three steps above). Returns the function that puts `Blob`, `URL.createObjectURL` and `os.cpus` back;
 * call it once the backend has started or failed. Throws outside Node (or on Node < 20.16).
 */
export function prepareThreadedWasm(threads: number, wasm: WasmThreadsPackage): () => void {
  const node = nodeBuiltins();
  if (node === null) {
    throw new Error(
      'wasmThreads needs Node >= 20.16 (process.getBuiltinModule); in browsers tfjs-backend-wasm picks its threaded build itself (tf.wasm.setThreadsCount)',
    );
  }
  const { fs, os, path } = node;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'contrastive-wasm-threads-'));
  // Workers read these files when the module starts, and again if Emscripten ever spawns a new worker.
  node.process.once('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
  let n = 0;
  class FileBlob {
    /** The text of a worker script (read by createObjectURL); empty for the module, which is written at once. */
    readonly text: string = '';
    /** Where the module factory was written: the pthread workers load it from here (`urlOrBlob.path`). */
    readonly path?: string;
    constructor(parts: unknown[]) {
      const text = parts.map(String).join('');
      if (text.startsWith('var WasmBackendModuleThreadedSimd')) {
        this.path = path.join(dir, 'module.js');
        const prelude =
          "var require$$0 = require('fs'), require$$1 = require('path'), require$$3 = require('perf_hooks'), require$$4 = require('os'), commonjsGlobal = globalThis;\n";
        fs.writeFileSync(this.path, prelude + text);
      } else {
        this.text = text;
      }
    }
  }
  const realBlob = globalThis.Blob;
  const realCreate = URL.createObjectURL;
  const realCpus = os.cpus;
  (globalThis as { Blob: unknown }).Blob = FileBlob;
  URL.createObjectURL = ((b: FileBlob) => {
    const file = path.join(dir, `worker${n++}.js`);
    const src = b.text
      .replace('URL.createObjectURL(e.data.urlOrBlob)', 'e.data.urlOrBlob.path')
      .replace('URL.revokeObjectURL(objectUrl)', 'void 0');
    fs.writeFileSync(file, src);
    return file;
  }) as unknown as typeof URL.createObjectURL;
  os.cpus = () => {
    const real = realCpus.call(os);
    return Array.from({ length: Math.max(real.length, 2 * threads) }, (_, i) => real[i % real.length]);
  };
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', true);
  wasm.setThreadsCount(threads);
  return () => {
    globalThis.Blob = realBlob;
    URL.createObjectURL = realCreate;
    os.cpus = realCpus;
  };
}

/** After a failed threaded start: the next start loads the stock single-threaded build. */
export function resetThreadedWasm(wasm: WasmThreadsPackage): void {
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  wasm.setThreadsCount(-1);
}

/**
 * Lets the process exit while XNNPACK's pthreads idle. Emscripten `ref()`s a worker while it runs a pthread,
 * and pthreadpool's threads run until the pool is destroyed, so without this a program that finished its
 * work would never exit. The main thread waits for the workers synchronously (Atomics.wait) whenever it runs
 * an op, so an unref'ed worker still does its share.
 */
export function unrefPthreadWorkers(backend: unknown): number {
  const workers =
    (backend as { wasm?: { PThread?: { runningWorkers?: { unref?(): void }[] } } } | null)?.wasm?.PThread?.runningWorkers ?? [];
  for (const w of workers) w.unref?.();
  return workers.length;
}
