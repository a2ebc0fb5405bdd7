/**
 * Backend choice inside the worker: WebGPU, then WebGL, then wasm (or one forced). Each backend's package is
 * imported only when it is tried, so the page downloads only the backend it runs on (Vite splits each
 * `import()` into its own chunk). A backend counts as working when it initialises and a small convolution's
 * gradient comes out finite on it: the training step needs exactly that, and some GPUs/drivers initialise
 * a backend they cannot train on.
 */
import * as tf from '@tensorflow/tfjs';
import { registerWasmTrainingKernels } from '@contrastive/core';
import { BACKEND_ORDER, type BackendAttempt, type BackendChoice } from './protocol.js';

interface GpuNavigator {
  gpu?: { requestAdapter(): Promise<unknown | null> };
}

const LOADERS: Record<BackendChoice, (wasmPath: string) => Promise<void>> = {
  webgpu: async () => {
    const gpu = (navigator as GpuNavigator).gpu;
    if (gpu === undefined) throw new Error('this browser has no WebGPU (navigator.gpu is absent)');
    if ((await gpu.requestAdapter()) === null) throw new Error('WebGPU has no adapter on this machine');
    await import('@tensorflow/tfjs-backend-webgpu');
  },
  webgl: async () => {
    if (typeof OffscreenCanvas === 'undefined') throw new Error('no OffscreenCanvas in this worker (WebGL needs one)');
    if (new OffscreenCanvas(1, 1).getContext('webgl2') === null) throw new Error('WebGL 2 is not available');
    await import('@tensorflow/tfjs-backend-webgl');
  },
  wasm: async (wasmPath) => {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    wasm.setWasmPaths(wasmPath);
    // Our training kernels (conv gradients tfjs-backend-wasm lacks, faster matmuls) from @contrastive/core.
    registerWasmTrainingKernels();
  },
};

/** A conv → relu → mean gradient, read back: throws unless the backend can run a training step's kinds of kernel. */
async function probe(): Promise<void> {
  const g = tf.tidy(() => {
    const x = tf.linspace(-1, 1, 2 * 6 * 6).reshape([2, 6, 6, 1]) as tf.Tensor4D;
    const w = tf.fill([3, 3, 1, 2], 0.1) as tf.Tensor4D;
    return tf.grad((k: tf.Tensor) =>
      tf
        .conv2d(x, k as tf.Tensor4D, 1, 'same')
        .relu()
        .maxPool(2, 2, 'valid')
        .mean(),
    )(w);
  });
  const values = await g.data();
  g.dispose();
  if (!values.every(Number.isFinite)) throw new Error('a test gradient came out non-finite');
}

/** Activates the first backend of `choice` that works; throws listing why each failed. */
export async function selectBackend(
  choice: BackendChoice | 'auto',
  wasmPath: string,
): Promise<{ name: BackendChoice; attempts: BackendAttempt[] }> {
  const order: readonly BackendChoice[] = choice === 'auto' ? BACKEND_ORDER : [choice];
  const attempts: BackendAttempt[] = [];
  for (const name of order) {
    try {
      await LOADERS[name](wasmPath);
      if (!(await tf.setBackend(name))) throw new Error(`tfjs could not initialise the ${name} backend`);
      await tf.ready();
      await probe();
      attempts.push({ name });
      return { name, attempts };
    } catch (e) {
      attempts.push({ name, error: (e as Error).message.split('\n')[0]!.slice(0, 200) });
    }
  }
  throw new Error(`no backend could start: ${attempts.map((a) => `${a.name}: ${a.error}`).join('; ')}`);
}
