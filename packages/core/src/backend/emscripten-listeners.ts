/**
 * tfjs-backend-wasm's Emscripten glue installs two process-wide handlers in Node when its module starts
 * (`process.on('uncaughtException', ex => { throw ex })` and `process.on('unhandledRejection', r => { throw r })`).
 * A handler that throws is fatal in Node with exit code 7, so once the wasm backend was chosen any uncaught
 * error of the *user's* program exited 7 instead of 1, printed from inside `tf-backend-wasm.node.js`. tfjs
 * 4.22 has no option to stop it (Emscripten's `NODEJS_CATCH_EXIT` / `NODEJS_CATCH_REJECTION` are build-time
 * settings), and its own `_dispose` cleanup runs only when the backend is disposed. So {@link initBackend}
 * takes a snapshot of the listeners before the module starts and removes the ones the glue added after it.
 *
 * Browser-safe: without a Node `process` (or with `proc` null) every function here does nothing.
 */

type Listener = (...args: never[]) => unknown;

/** The part of Node's `process` used here. */
export interface ProcessListeners {
  listeners(event: string): unknown[];
  removeListener(event: string, listener: Listener): unknown;
}

const EVENTS = ['uncaughtException', 'unhandledRejection'] as const;

/** The listeners of both events at one moment. */
export type ListenerSnapshot = Record<(typeof EVENTS)[number], readonly unknown[]>;

function nodeProcess(): ProcessListeners | null {
  const p = (globalThis as { process?: unknown }).process as Partial<ProcessListeners> | undefined;
  return typeof p?.listeners === 'function' && typeof p.removeListener === 'function' ? (p as ProcessListeners) : null;
}

/** The current `uncaughtException` / `unhandledRejection` listeners (`null` outside Node). */
export function snapshotProcessListeners(proc: ProcessListeners | null = nodeProcess()): ListenerSnapshot | null {
  if (proc === null) return null;
  return { uncaughtException: proc.listeners('uncaughtException'), unhandledRejection: proc.listeners('unhandledRejection') };
}

/**
 * Removes the listeners added since `before` whose source contains `throw` (Emscripten's two do). Only what was
 * added while the wasm module started is a candidate, and of that only a rethrowing handler, so a listener the
 * program had before, or one that only logs, stays. Returns how many it removed.
 */
export function removeRethrowingListeners(before: ListenerSnapshot | null, proc: ProcessListeners | null = nodeProcess()): number {
  if (before === null || proc === null) return 0;
  let removed = 0;
  for (const event of EVENTS) {
    for (const listener of proc.listeners(event)) {
      if (typeof listener !== 'function' || before[event].includes(listener)) continue;
      if (!/\bthrow\b/.test(Function.prototype.toString.call(listener))) continue;
      proc.removeListener(event, listener as Listener);
      removed++;
    }
  }
  return removed;
}
