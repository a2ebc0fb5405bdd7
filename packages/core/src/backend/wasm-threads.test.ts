import * as path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import * as wasmPackage from '@tensorflow/tfjs-backend-wasm';
import { runIsolated, useCpuLeakCheck } from '@contrastive/test-utils';
import { describe, expect, it } from 'vitest';
import { initBackend } from './init-backend.js';
import type { BackendLoader } from './init-backend.js';
import { MAX_WASM_THREADS, resolveWasmThreads } from './wasm-threads.js';

const CHILD = path.join(path.dirname(fileURLToPath(import.meta.url)), 'test-utils', 'wasm-threads.child.ts');

interface ChildReport {
  backend: string;
  threads: number;
  logs: string[];
  maxRelErr: number[];
  restored: boolean;
}

async function runChild(env: Record<string, string>): Promise<ChildReport> {
  const r = await runIsolated(CHILD, { env: { CONTRASTIVE_BACKEND: '', ...env }, timeoutMs: 90_000 });
  // No process.exit in the child: a pthread worker that kept the process alive would time out here.
  expect(r.timedOut, r.stderr.slice(-2000)).toBe(false);
  expect(r.exitCode, r.stderr.slice(-2000)).toBe(0);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as ChildReport;
}

describe('wasm threads (Node)', () => {
  useCpuLeakCheck();

  it('CONTRASTIVE_WASM_THREADS=2 starts the threaded build with 2 XNNPACK threads, matches cpu, and exits', async () => {
    const r = await runChild({ CONTRASTIVE_WASM_THREADS: '2' });
    expect(r.backend).toBe('wasm');
    expect(r.threads).toBe(2);
    expect(r.logs).toEqual(['[contrastive] backend: wasm (forced; 2 XNNPACK threads)']);
    // matmul, conv2d, dx, dw against the cpu backend, relative to each result's largest magnitude.
    expect(r.maxRelErr).toHaveLength(4);
    for (const e of r.maxRelErr) expect(e).toBeLessThan(1e-4);
    expect(r.restored).toBe(true);
  });

  it('by default wasm stays single-threaded', async () => {
    const r = await runChild({ CONTRASTIVE_WASM_THREADS: '' });
    expect(r.threads).toBe(1);
    expect(r.logs).toEqual(['[contrastive] backend: wasm (forced)']);
    expect(r.restored).toBe(true);
  });

  it('resolveWasmThreads: option over env, default 1, integers 1..8 only', () => {
    expect(resolveWasmThreads(undefined, undefined)).toBe(1);
    expect(resolveWasmThreads(undefined, '')).toBe(1);
    expect(resolveWasmThreads(undefined, '3')).toBe(3);
    expect(resolveWasmThreads(2, '3')).toBe(2);
    expect(MAX_WASM_THREADS).toBe(8);
    expect(() => resolveWasmThreads(0, undefined)).toThrow("options.wasmThreads must be an integer from 1 to 8, got '0'");
    expect(() => resolveWasmThreads(9, undefined)).toThrow(RangeError);
    expect(() => resolveWasmThreads(1.5, undefined)).toThrow(RangeError);
    expect(() => resolveWasmThreads(undefined, 'two')).toThrow("CONTRASTIVE_WASM_THREADS must be an integer from 1 to 8, got 'two'");
  });

  it('initBackend rejects a bad thread count before touching any backend', async () => {
    const calls: string[] = [];
    const loader: BackendLoader = {
      importModule: async (name) => void calls.push(name),
      setBackend: async (name) => {
        calls.push(name);
        return true;
      },
    };
    await expect(initBackend({ wasmThreads: 0, loader, log: false })).rejects.toThrow(RangeError);
    expect(calls).toEqual([]);
  });

  // These two share this file's process: the first starts the (single-threaded) wasm module for real.
  it('a threaded start that fails falls back to the single-threaded build and says so; shims are undone', async () => {
    const os = createRequire(import.meta.url)('os') as { cpus(): unknown[] };
    const before = { cpus: os.cpus, blob: globalThis.Blob, create: URL.createObjectURL };
    let wasmStarts = 0;
    const loader: BackendLoader = {
      importModule: (name) => import(name),
      // The first start (the threaded one) fails the way a broken worker script would.
      setBackend: async (name) => (name === 'wasm' && wasmStarts++ === 0 ? false : tf.setBackend(name)),
    };
    const logs: string[] = [];
    expect(await initBackend({ backend: 'wasm', wasmThreads: 2, loader, log: (m) => logs.push(m) })).toBe('wasm');
    expect(wasmStarts).toBe(2);
    expect(logs).toEqual([
      "[contrastive] backend: wasm (forced; threaded build failed (wasm: backend 'wasm' did not initialise), single-threaded)",
    ]);
    expect(wasmPackage.getThreadsCount()).toBe(1);
    expect(tf.env().getBool('WASM_HAS_MULTITHREAD_SUPPORT')).toBe(false);
    expect({ cpus: os.cpus, blob: globalThis.Blob, create: URL.createObjectURL }).toEqual(before);
    const x = tf.tensor2d([1, 2, 3, 4], [2, 2]);
    const y = tf.matMul(x, x);
    expect(Array.from(await y.data())).toEqual([7, 10, 15, 22]);
    tf.dispose([x, y]);
  });

  it('asking for threads once wasm already runs single-threaded throws instead of silently ignoring it', async () => {
    await tf.setBackend('wasm');
    await expect(initBackend({ backend: 'wasm', wasmThreads: 2, log: false })).rejects.toThrow(
      'wasmThreads 2 was requested but the wasm backend already runs with 1 thread(s)',
    );
    // Without a thread request the running backend is simply taken.
    expect(await initBackend({ backend: 'wasm', log: false })).toBe('wasm');
  });
});
