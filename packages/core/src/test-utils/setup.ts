import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, afterEach, beforeAll, beforeEach, expect } from 'vitest';

/**
 * Test-file setup shared by core's tests: run on the `cpu` backend and assert after every test that
 * `tf.memory().numTensors` is back to where it was before it (no tensor leaks).
 */
export function useCpuLeakCheck(): void {
  let before = 0;
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });
  beforeEach(() => {
    before = tf.memory().numTensors;
  });
  afterEach(() => {
    expect(tf.memory().numTensors).toBe(before);
  });
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
