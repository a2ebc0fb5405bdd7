import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, afterEach, beforeAll, beforeEach, expect } from 'vitest';

/** Options of {@link useLeakCheck}. */
export interface LeakCheckOptions {
  /**
   * Backend set (and asserted active) once before the first test of the file, or of the `describe` block
   * the call sits in. Default `'cpu'`. It must be registered already: for `'wasm'` the test file imports
   * `@tensorflow/tfjs-backend-wasm` (or core's `backend/init-backend.js`).
   */
  backend?: 'cpu' | 'wasm';
}

/**
 * Test-file setup shared by the tests: run on `backend` and assert after every test that
 * `tf.memory().numTensors` is back to where it was before it (no tensor leaks). The count is engine-wide,
 * so a test may switch backends in between; the backend is set only once, not reset before each test.
 */
export function useLeakCheck({ backend = 'cpu' }: LeakCheckOptions = {}): void {
  let before = 0;
  beforeAll(async () => {
    expect(await tf.setBackend(backend), `tf.setBackend('${backend}')`).toBe(true);
    await tf.ready();
    expect(tf.getBackend()).toBe(backend);
  });
  beforeEach(() => {
    before = tf.memory().numTensors;
  });
  afterEach(() => {
    expect(tf.memory().numTensors, 'tensors alive after the test (leak)').toBe(before);
  });
}

/** {@link useLeakCheck} on the `cpu` backend (core's, vision's, text's and graph's default). */
export function useCpuLeakCheck(): void {
  useLeakCheck({ backend: 'cpu' });
}

/**
 * A fresh temporary folder for the test file (created before the first test, removed after the last).
 * Returns a function joining path parts under it: `tmp('run', 'checkpoint.json')`.
 */
export function useTempDir(prefix: string): (...parts: string[]) => string {
  let root = '';
  beforeAll(async () => {
    root = await fs.mkdtemp(path.join(os.tmpdir(), prefix));
  });
  afterAll(async () => {
    await fs.rm(root, { recursive: true, force: true });
  });
  return (...parts) => {
    if (!root) throw new Error('useTempDir: the folder exists only while tests run');
    return path.join(root, ...parts);
  };
}
