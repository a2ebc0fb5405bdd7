import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { initBackend } from './init-backend.js';
import type { BackendLoader } from './init-backend.js';
import { wasmTrainingKernelsRegistered } from './wasm-kernels/register.js';

/** A loader that records calls; modules in `missing` fail to import, backends in `broken` fail to start. */
function fakeLoader(missing: string[], broken: string[] = []): BackendLoader & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    async importModule(name) {
      calls.push(`import ${name}`);
      if (missing.includes(name)) throw new Error(`Cannot find module '${name}'`);
      return {};
    },
    async setBackend(name) {
      calls.push(`set ${name}`);
      if (broken.includes(name)) return false;
      if (name === 'tensorflow') return true; // simulated native backend
      return tf.setBackend(name);
    },
  };
}

const TF_NODE = ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node'];

describe('initBackend', () => {
  let envBefore: string | undefined;
  let tensorsBefore = 0;
  beforeEach(async () => {
    envBefore = process.env['CONTRASTIVE_BACKEND'];
    delete process.env['CONTRASTIVE_BACKEND'];
    await tf.setBackend('cpu');
    tensorsBefore = tf.memory().numTensors;
  });
  afterEach(() => {
    if (envBefore === undefined) delete process.env['CONTRASTIVE_BACKEND'];
    else process.env['CONTRASTIVE_BACKEND'] = envBefore;
    expect(tf.memory().numTensors).toBe(tensorsBefore);
  });

  it('with the real loader on this machine (no tfjs-node) falls back to wasm without crashing', async () => {
    const logs: string[] = [];
    const name = await initBackend({ log: (m) => logs.push(m) });
    expect(name).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(logs).toEqual(['[contrastive] backend: wasm (tfjs-node-gpu not installed; tfjs-node not installed)']);
    expect(wasmTrainingKernelsRegistered()).toBe(true);
  });

  it('prefers tensorflow when tfjs-node loads', async () => {
    const loader = fakeLoader([]);
    const logs: string[] = [];
    expect(await initBackend({ loader, log: (m) => logs.push(m) })).toBe('tensorflow');
    expect(loader.calls).toEqual(['import @tensorflow/tfjs-node-gpu', 'set tensorflow']);
    expect(logs[0]).toBe('[contrastive] backend: tensorflow');
  });

  it('tries tfjs-node after tfjs-node-gpu is missing', async () => {
    const loader = fakeLoader(['@tensorflow/tfjs-node-gpu']);
    expect(await initBackend({ loader, log: false })).toBe('tensorflow');
    expect(loader.calls).toEqual(['import @tensorflow/tfjs-node-gpu', 'import @tensorflow/tfjs-node', 'set tensorflow']);
  });

  it('skips a tensorflow install that imports but does not initialise (broken libtensorflow)', async () => {
    const loader = fakeLoader([], ['tensorflow']);
    expect(await initBackend({ loader, log: false })).toBe('wasm');
    expect(loader.calls).toContain('set wasm');
  });

  it('falls back to cpu when wasm fails to initialise too', async () => {
    const loader = fakeLoader(TF_NODE, ['wasm']);
    const logs: string[] = [];
    expect(await initBackend({ loader, log: (m) => logs.push(m) })).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
    expect(logs[0]).toBe(
      "[contrastive] backend: cpu (tfjs-node-gpu not installed; tfjs-node not installed; wasm: backend 'wasm' did not initialise)",
    );
  });

  it('falls back to cpu when the wasm package is missing', async () => {
    const loader = fakeLoader([...TF_NODE, '@tensorflow/tfjs-backend-wasm']);
    const logs: string[] = [];
    expect(await initBackend({ loader, log: (m) => logs.push(m) })).toBe('cpu');
    expect(logs[0]).toBe(
      '[contrastive] backend: cpu (tfjs-node-gpu not installed; tfjs-node not installed; tfjs-backend-wasm not installed)',
    );
  });

  it('keeps the real error of a native backend that is installed but fails to load', async () => {
    const missingBinary = "Cannot find module '/x/node_modules/@tensorflow/tfjs-node/lib/napi-v8/tfjs_binding.node'";
    const loader: BackendLoader = {
      async importModule(name) {
        if (name === '@tensorflow/tfjs-node-gpu') throw new Error(`Cannot find package '${name}' imported from /x/init-backend.js`);
        if (name === '@tensorflow/tfjs-node') throw new Error(`${missingBinary}\nRequire stack:\n- /x/index.js`);
        return {};
      },
      setBackend: (name) => tf.setBackend(name),
    };
    const logs: string[] = [];
    expect(await initBackend({ loader, log: (m) => logs.push(m) })).toBe('wasm');
    expect(logs[0]).toBe(`[contrastive] backend: wasm (tfjs-node-gpu not installed; @tensorflow/tfjs-node: ${missingBinary})`);
  });

  it('a package that is absent is told apart from one whose dependency is absent', async () => {
    const loader: BackendLoader = {
      async importModule(name) {
        // tfjs-node is installed, but the tfjs-core it imports is not: that is a real error, not "not installed".
        throw new Error(`Cannot find package '@tensorflow/tfjs-core' imported from /x/node_modules/${name}/dist/index.js`);
      },
      setBackend: (name) => tf.setBackend(name),
    };
    const logs: string[] = [];
    await initBackend({ loader, log: (m) => logs.push(m) });
    expect(logs[0]).toContain("@tensorflow/tfjs-node: Cannot find package '@tensorflow/tfjs-core'");
    expect(logs[0]).not.toContain('not installed');
  });

  it('CONTRASTIVE_BACKEND forces a backend, and the option wins over the env', async () => {
    process.env['CONTRASTIVE_BACKEND'] = 'cpu';
    const logs: string[] = [];
    expect(await initBackend({ log: (m) => logs.push(m) })).toBe('cpu');
    expect(logs[0]).toBe('[contrastive] backend: cpu (forced)');
    expect(await initBackend({ backend: 'wasm', log: false })).toBe('wasm');
  });

  it('a forced but unavailable backend is an error naming the package to install', async () => {
    await expect(initBackend({ backend: 'tensorflow', log: false })).rejects.toThrow(
      /Backend 'tensorflow' was requested but is not available .*npm install @tensorflow\/tfjs-node/,
    );
    const loader = fakeLoader(['@tensorflow/tfjs-backend-wasm']);
    await expect(initBackend({ backend: 'wasm', loader, log: false })).rejects.toThrow(/npm install @tensorflow\/tfjs-backend-wasm/);
  });

  it('an unknown backend name is rejected with the valid values', async () => {
    process.env['CONTRASTIVE_BACKEND'] = 'webgpu';
    await expect(initBackend({ log: false })).rejects.toThrow(
      /CONTRASTIVE_BACKEND must be one of 'tensorflow', 'wasm', 'cpu', got 'webgpu'/,
    );
  });
});
