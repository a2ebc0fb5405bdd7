/**
 * Backend selection for Node and browsers: picks the fastest tfjs backend that actually loads.
 *
 * Order (auto): `tensorflow` (native libtensorflow via `@tensorflow/tfjs-node-gpu`, then
 * `@tensorflow/tfjs-node`; both optional peers, imported dynamically so their absence is not an
 * error) → `wasm` (`@tensorflow/tfjs-backend-wasm`, XNNPACK + SIMD, with our training kernels
 * registered so convnets and GNNs train on it) → `cpu` (pure JS, ~50× slower than wasm for matmuls).
 *
 * Threads: wasm runs single-threaded in Node by default. tfjs-backend-wasm 4.22 never loads its threaded
 * build there (`WASM_HAS_MULTITHREAD_SUPPORT` is hard-wired to false when `IS_NODE`, tfjs issue #3830;
 * its pthread workers start from `blob:` URLs Node rejects), and even when forced to load it, XNNPACK's
 * pthreadpool is capped at `os.cpus().length / 2` threads (backend.cc computes
 * `emscripten_num_logical_cores() / 2`, which Node answers from `os.cpus()`), i.e. 1 thread on a 2-vCPU
 * machine whatever `setThreadsCount` asks. `wasmThreads: n` / `CONTRASTIVE_WASM_THREADS=n` undoes all three
 * (wasm-threads.ts): ~1.9× on a 1024³ matmul and ~1.5× on conv2d forward + backward with 2 threads on 2 idle
 * cores, but slower when the other core is busy, so it stays opt-in (docs/wasm-threads.md).
 */
import * as tf from '@tensorflow/tfjs';
import { assertOneOf } from '../validate.js';
import { removeRethrowingListeners, snapshotProcessListeners } from './emscripten-listeners.js';
import { registerWasmTrainingKernels } from './wasm-kernels/register.js';
import {
  prepareThreadedWasm,
  resetThreadedWasm,
  resolveWasmThreads,
  type WasmThreadsPackage,
  unrefPthreadWorkers,
} from './wasm-threads.js';

/** The backends {@link initBackend} can choose. */
export const BACKENDS = ['tensorflow', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKENDS)[number];

/** What each backend needs installed, for error messages. */
const INSTALL: Record<BackendName, string> = {
  tensorflow: 'npm install @tensorflow/tfjs-node (or @tensorflow/tfjs-node-gpu with CUDA)',
  wasm: 'npm install @tensorflow/tfjs-backend-wasm',
  cpu: 'npm install @tensorflow/tfjs (the cpu backend ships with it)',
};

/** The side-effecting steps of backend selection, injectable so tests can simulate failures. */
export interface BackendLoader {
  /** Dynamically import a module by name (default: `import(name)`). */
  importModule(name: string): Promise<unknown>;
  /** Activate a registered backend; resolves false (or rejects) when it cannot initialise. */
  setBackend(name: string): Promise<boolean>;
}

export interface InitBackendOptions {
  /**
   * Force one backend. Default: the env variable `CONTRASTIVE_BACKEND` if set, otherwise the
   * first of `tensorflow` → `wasm` → `cpu` that loads. A forced backend that cannot load throws.
   */
  backend?: BackendName;
  /** Where to report the choice and skipped backends. Default `console.log`; `false` for silence. */
  log?: ((message: string) => void) | false;
  /** Replace module loading / backend activation (tests). Default: real `import()` and `tf.setBackend`. */
  loader?: BackendLoader;
  /**
   * XNNPACK threads of the wasm backend in Node, 1–8. Default: the env variable `CONTRASTIVE_WASM_THREADS` if
   * set, otherwise 1 (the stock single-threaded build). More than 1 loads tfjs-backend-wasm's threaded build
   * (see wasm-threads.ts); it pays off only when that many cores are idle — do not combine it with
   * data-parallel worker threads. Must be set before anything else starts the wasm backend; if the threaded
   * build fails to start, the single-threaded one is used and the log says why.
   */
  wasmThreads?: number;
}

// Importing the backend module registers our wasm training kernels (idempotent), so code that
// calls tf.setBackend('wasm') itself still gets them.
registerWasmTrainingKernels();

const defaultLoader: BackendLoader = {
  importModule: (name) => import(name),
  setBackend: (name) => tf.setBackend(name),
};

const TF_NODE_PACKAGES = ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node'] as const;

function reason(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  return msg.split('\n')[0]!.slice(0, 200);
}

/**
 * True when `e` says that `pkg` itself is absent, as opposed to an installed package that fails to load (a
 * missing libtensorflow binary or a missing dependency of it names another file or package).
 */
function isNotInstalled(e: unknown, pkg: string): boolean {
  const msg = e instanceof Error ? e.message : String(e);
  const quoted = `['"]${pkg.replace(/[/.-]/g, '\\$&')}['"]`;
  // Node (ESM, CJS), browsers, then Vite/esbuild and webpack (a bundled or tested build).
  const phrases = ['Cannot find package', 'Cannot find module', 'Failed to resolve module specifier', 'Could not resolve', "Can't resolve"];
  return new RegExp(`(${phrases.join('|')}) ${quoted}`).test(msg);
}

/** "tfjs-node not installed" for an absent package; its first error line otherwise. */
function importFailure(e: unknown, pkg: string): string {
  return isNotInstalled(e, pkg) ? `${pkg.replace('@tensorflow/', '')} not installed` : `${pkg}: ${reason(e)}`;
}

/**
 * Start the wasm backend (after `prepare`, whose returned undo runs however the start ends); null on success.
 * The module starts inside setBackend; its Emscripten glue then installs process handlers that turn every
 * later uncaught error of the program into exit code 7 (see emscripten-listeners.ts): removed here.
 */
async function startWasm(loader: BackendLoader, prepare?: () => () => void): Promise<string | null> {
  const before = snapshotProcessListeners();
  let undo: (() => void) | undefined;
  try {
    undo = prepare?.();
    return (await loader.setBackend('wasm')) ? null : `wasm: backend 'wasm' did not initialise`;
  } catch (e) {
    return `wasm: ${reason(e)}`;
  } finally {
    undo?.();
    removeRethrowingListeners(before);
  }
}

/**
 * Try one backend; returns null on success or a short reason on failure: "tfjs-node not installed" for an
 * absent optional package, the real error for one that is installed and fails. Only a wasm thread request
 * that cannot be honoured throws (the wasm backend already runs with another thread count). Notes about
 * the backend that started (its thread count) go to `notes`.
 */
async function tryBackend(name: BackendName, loader: BackendLoader, wasmThreads = 1, notes: string[] = []): Promise<string | null> {
  if (name === 'tensorflow') {
    const why: string[] = [];
    for (const pkg of TF_NODE_PACKAGES) {
      try {
        await loader.importModule(pkg);
        if (await loader.setBackend('tensorflow')) return null;
        why.push(`${pkg} loaded but backend 'tensorflow' did not initialise`);
      } catch (e) {
        why.push(importFailure(e, pkg));
      }
    }
    return why.join('; ');
  }
  if (name === 'wasm') {
    const pkg = '@tensorflow/tfjs-backend-wasm';
    let mod: unknown;
    try {
      mod = await loader.importModule(pkg);
    } catch (e) {
      return importFailure(e, pkg);
    }
    registerWasmTrainingKernels();
    const wasm = mod as Partial<WasmThreadsPackage>;
    const threadable = wasmThreads > 1 && typeof wasm.setThreadsCount === 'function' && typeof wasm.getThreadsCount === 'function';
    const threadsNote = (): string => `${wasm.getThreadsCount!()} XNNPACK threads`;
    if (threadable && tf.findBackend('wasm') !== null && wasm.getThreadsCount!() !== wasmThreads) {
      // The module starts once per process: its thread count cannot change afterwards.
      throw new Error(
        `wasmThreads ${wasmThreads} was requested but the wasm backend already runs with ${wasm.getThreadsCount!()} thread(s); set it before anything selects the wasm backend`,
      );
    }
    if (threadable && tf.findBackend('wasm') === null) {
      const threaded = await startWasm(loader, () => prepareThreadedWasm(wasmThreads, wasm as WasmThreadsPackage));
      if (threaded === null) {
        unrefPthreadWorkers(tf.findBackend('wasm'));
        notes.push(threadsNote());
        return null;
      }
      resetThreadedWasm(wasm as WasmThreadsPackage);
      notes.push(`threaded build failed (${threaded}), single-threaded`);
      return startWasm(loader);
    }
    const why = await startWasm(loader);
    if (why === null && threadable) notes.push(threadsNote());
    return why;
  }
  try {
    return (await loader.setBackend(name)) ? null : `${name}: backend '${name}' did not initialise`;
  } catch (e) {
    return `${name}: ${reason(e)}`;
  }
}

/**
 * Select and activate the fastest available tfjs backend, log which one was taken, and resolve
 * to its name. Importing this module already registered our wasm training kernels.
 *
 * @example
 * ```ts
 * const backend = await initBackend();              // 'wasm' on a machine without libtensorflow
 * await initBackend({ backend: 'cpu', log: false }); // force one
 * // CONTRASTIVE_BACKEND=cpu node train.js          // or from the environment
 * await initBackend({ wasmThreads: 2 });             // wasm with 2 XNNPACK threads (Node; only on idle cores)
 * // CONTRASTIVE_WASM_THREADS=2 node train.js
 * ```
 * @throws Error naming the npm package to install when a forced backend cannot load, or
 *   RangeError when the requested name is not one of `tensorflow`, `wasm`, `cpu` or the thread count is not
 *   an integer from 1 to 8, or Error when a thread count is requested after the wasm backend started with another.
 */
export async function initBackend(options: InitBackendOptions = {}): Promise<BackendName> {
  const loader = options.loader ?? defaultLoader;
  const log = options.log === false ? () => {} : (options.log ?? ((m: string) => console.log(m)));
  const envOf = (name: string): string | undefined => (typeof process !== 'undefined' ? process.env?.[name] : undefined);
  const env = envOf('CONTRASTIVE_BACKEND');
  const forced = options.backend ?? (env !== undefined && env !== '' ? env : undefined);
  const wasmThreads = resolveWasmThreads(options.wasmThreads, envOf('CONTRASTIVE_WASM_THREADS'));
  const notes: string[] = [];
  if (forced !== undefined) {
    assertOneOf(forced, BACKENDS, options.backend !== undefined ? 'options.backend' : 'CONTRASTIVE_BACKEND');
    const why = await tryBackend(forced, loader, wasmThreads, notes);
    if (why !== null) {
      throw new Error(`Backend '${forced}' was requested but is not available (${why}). Install it with: ${INSTALL[forced]}`);
    }
    log(`[contrastive] backend: ${forced} (${['forced', ...notes].join('; ')})`);
    return forced;
  }
  const skipped: string[] = [];
  for (const name of BACKENDS) {
    const why = await tryBackend(name, loader, wasmThreads, notes);
    if (why === null) {
      // e.g. "[contrastive] backend: wasm (tfjs-node-gpu not installed; tfjs-node not installed)"
      const extra = [...notes, ...skipped];
      log(`[contrastive] backend: ${name}${extra.length ? ` (${extra.join('; ')})` : ''}`);
      return name;
    }
    skipped.push(why);
  }
  throw new Error(`No tfjs backend could be initialised: ${skipped.join('; ')}`);
}
