/**
 * Backend selection for Node and browsers: picks the fastest tfjs backend that actually loads.
 *
 * Order (auto): `tensorflow` (native libtensorflow via `@tensorflow/tfjs-node-gpu`, then
 * `@tensorflow/tfjs-node`; both optional peers, imported dynamically so their absence is not an
 * error) → `wasm` (`@tensorflow/tfjs-backend-wasm`, XNNPACK + SIMD, with our training kernels
 * registered so convnets and GNNs train on it) → `cpu` (pure JS, ~50× slower than wasm for matmuls).
 *
 * Threads: tfjs-backend-wasm 4.22 disables its multi-threaded build under Node
 * (`WASM_HAS_MULTITHREAD_SUPPORT` is hard-wired to false when `IS_NODE`, tfjs issue #3830). We
 * measured that forcing it on fails (Node workers cannot load `blob:` URLs); with a shim that
 * writes the worker and module scripts to files the threaded build does load and spawns its
 * 8 pthread workers, but XNNPACK's pthreadpool still reports 1 thread and matmul throughput is
 * unchanged. So wasm runs single-threaded in Node; see docs/benchmarks.md.
 */
import * as tf from '@tensorflow/tfjs';
import { assertOneOf } from '../validate.js';
import { removeRethrowingListeners, snapshotProcessListeners } from './emscripten-listeners.js';
import { registerWasmTrainingKernels } from './wasm-kernels/register.js';

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
 * Try one backend; returns null on success or a short reason on failure (never throws): "tfjs-node not
 * installed" for an absent optional package, the real error for one that is installed and fails.
 */
async function tryBackend(name: BackendName, loader: BackendLoader): Promise<string | null> {
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
    try {
      await loader.importModule(pkg);
    } catch (e) {
      return importFailure(e, pkg);
    }
    registerWasmTrainingKernels();
    // The wasm module starts inside setBackend; its Emscripten glue then installs process handlers that turn
    // every later uncaught error of the program into exit code 7 (see emscripten-listeners.ts): removed here.
    const before = snapshotProcessListeners();
    try {
      return (await loader.setBackend('wasm')) ? null : `wasm: backend 'wasm' did not initialise`;
    } catch (e) {
      return `wasm: ${reason(e)}`;
    } finally {
      removeRethrowingListeners(before);
    }
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
 * ```
 * @throws Error naming the npm package to install when a forced backend cannot load, or
 *   RangeError when the requested name is not one of `tensorflow`, `wasm`, `cpu`.
 */
export async function initBackend(options: InitBackendOptions = {}): Promise<BackendName> {
  const loader = options.loader ?? defaultLoader;
  const log = options.log === false ? () => {} : (options.log ?? ((m: string) => console.log(m)));
  const env = typeof process !== 'undefined' ? process.env?.['CONTRASTIVE_BACKEND'] : undefined;
  const forced = options.backend ?? (env !== undefined && env !== '' ? env : undefined);
  if (forced !== undefined) {
    assertOneOf(forced, BACKENDS, options.backend !== undefined ? 'options.backend' : 'CONTRASTIVE_BACKEND');
    const why = await tryBackend(forced, loader);
    if (why !== null) {
      throw new Error(`Backend '${forced}' was requested but is not available (${why}). Install it with: ${INSTALL[forced]}`);
    }
    log(`[contrastive] backend: ${forced} (forced)`);
    return forced;
  }
  const skipped: string[] = [];
  for (const name of BACKENDS) {
    const why = await tryBackend(name, loader);
    if (why === null) {
      // e.g. "[contrastive] backend: wasm (tfjs-node-gpu not installed; tfjs-node not installed)"
      log(`[contrastive] backend: ${name}${skipped.length ? ` (${skipped.join('; ')})` : ''}`);
      return name;
    }
    skipped.push(why);
  }
  throw new Error(`No tfjs backend could be initialised: ${skipped.join('; ')}`);
}
