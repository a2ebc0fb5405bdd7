/**
 * Child of wasm-threads.test.ts (a process starts the wasm module once, so each thread count needs its own):
 * selects wasm with the thread count from CONTRASTIVE_WASM_THREADS, checks a matmul and a conv2d forward +
 * backward against the cpu backend, and prints one JSON line. It does not call process.exit: the test also
 * checks that the idle pthread workers do not keep the process alive.
 */
import * as tf from '@tensorflow/tfjs';
import { getThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import { createRequire } from 'node:module';
import { initBackend } from '../init-backend.js';

const os = createRequire(import.meta.url)('os') as { cpus(): unknown[] };
const realCpus = os.cpus;
const realBlob = globalThis.Blob;
const realCreate = URL.createObjectURL;

/** A matmul big enough for XNNPACK to split it across threads, and a conv2d with both gradients. */
function compute(): Float32Array[] {
  return tf.tidy(() => {
    const a = tf.randomNormal([256, 256], 0, 1, 'float32', 1);
    const b = tf.randomNormal([256, 256], 0, 1, 'float32', 2);
    const x = tf.randomNormal([8, 14, 14, 16], 0, 1, 'float32', 3) as tf.Tensor4D;
    const w = tf.randomNormal([3, 3, 16, 16], 0, 0.1, 'float32', 4) as tf.Tensor4D;
    const [dx, dw] = tf.grads((x: tf.Tensor, w: tf.Tensor) =>
      tf
        .conv2d(x as tf.Tensor4D, w as tf.Tensor4D, 1, 'same')
        .square()
        .sum(),
    )([x, w]);
    return [tf.matMul(a, b), tf.conv2d(x, w, 1, 'same'), dx!, dw!].map((t) => t.dataSync() as Float32Array);
  });
}

const logs: string[] = [];
const backend = await initBackend({ backend: 'wasm', log: (m) => logs.push(m) });
const threads = getThreadsCount();
const onWasm = compute();
await tf.setBackend('cpu');
const onCpu = compute();
const maxRelErr = onWasm.map((v, i) => {
  const ref = onCpu[i]!;
  let worst = 0;
  const scale = Math.max(...ref.map(Math.abs));
  for (let j = 0; j < v.length; j++) worst = Math.max(worst, Math.abs(v[j]! - ref[j]!) / scale);
  return worst;
});
console.log(
  JSON.stringify({
    backend,
    threads,
    logs,
    maxRelErr,
    restored: os.cpus === realCpus && globalThis.Blob === realBlob && URL.createObjectURL === realCreate,
  }),
);
