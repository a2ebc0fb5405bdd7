import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runIsolated } from '@contrastive/test-utils';
import { describe, expect, it } from 'vitest';
import { type ProcessListeners, removeRethrowingListeners, snapshotProcessListeners } from './emscripten-listeners.js';

const CHILD = path.join(path.dirname(fileURLToPath(import.meta.url)), 'test-utils', 'throw-after-wasm.child.ts');

/** A process with listener lists only. */
function fakeProcess(): ProcessListeners & { on(event: string, f: (...args: never[]) => unknown): void } {
  const lists = new Map<string, unknown[]>();
  const list = (e: string) => lists.get(e) ?? lists.set(e, []).get(e)!;
  return {
    listeners: (e) => [...list(e)],
    removeListener: (e, f) =>
      lists.set(
        e,
        list(e).filter((g) => g !== f),
      ),
    on: (e, f) => void list(e).push(f),
  };
}

describe('the wasm backend does not take over uncaught errors (Emscripten process handlers)', () => {
  it.each([
    ['throw', 'user error after wasm'],
    ['reject', 'user rejection after wasm'],
  ])('an uncaught error after initBackend() chose wasm (%s) exits 1 with the user error on stderr', async (mode, message) => {
    const r = await runIsolated(CHILD, { args: [mode], env: { CONTRASTIVE_BACKEND: '' } });
    expect(r.stdout).toContain('backend wasm');
    expect(r.stderr).toContain(message);
    expect(r.stderr).not.toContain('tf-backend-wasm');
    expect(r.exitCode).toBe(1);
  });

  it('a program that does not fail still exits 0', async () => {
    const r = await runIsolated(CHILD, { args: ['ok'] });
    expect(r.stdout).toContain('backend wasm');
    expect(r.exitCode).toBe(0);
  });

  it('removes only the rethrowing listeners added after the snapshot', () => {
    const proc = fakeProcess();
    const usersBefore = (e: unknown) => {
      throw e;
    };
    proc.on('uncaughtException', usersBefore);
    const before = snapshotProcessListeners(proc);
    const rethrow = (ex: unknown) => {
      throw ex;
    };
    const logger = (ex: unknown) => console.error(ex);
    const rejection = (reason: unknown) => {
      throw reason;
    };
    proc.on('uncaughtException', rethrow);
    proc.on('uncaughtException', logger);
    proc.on('unhandledRejection', rejection);
    expect(removeRethrowingListeners(before, proc)).toBe(2);
    expect(proc.listeners('uncaughtException')).toEqual([usersBefore, logger]);
    expect(proc.listeners('unhandledRejection')).toEqual([]);
  });

  it('does nothing without a Node process (browsers)', () => {
    expect(snapshotProcessListeners(null)).toBeNull();
    expect(removeRethrowingListeners(null, null)).toBe(0);
  });
});
