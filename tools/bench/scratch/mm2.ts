import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
await tf.setBackend('wasm'); await tf.ready();
function t(name: string, f: () => tf.Tensor, flops: number) {
  tf.tidy(() => f().dataSync());
  const s = performance.now(); const n = 3;
  for (let i = 0; i < n; i++) tf.tidy(() => f().dataSync());
  const ms = (performance.now() - s) / n;
  console.log(name, ms.toFixed(1), 'ms', (flops / ms / 1e6).toFixed(2), 'GFLOP/s');
}
const K = 288, N = 64;
for (const M of [1024, 4096, 16384]) {
  const a = tf.randomNormal([M, K]); const w = tf.randomNormal([K, N]); const aT = tf.randomNormal([K, M]); const b = tf.randomNormal([M, N]);
  t(`M=${M} A@W`, () => tf.matMul(a, w), 2 * M * K * N);
  t(`M=${M} aT@B`, () => tf.matMul(aT, b), 2 * M * K * N);
  t(`M=${M} A^T@B`, () => tf.matMul(a, b, true), 2 * M * K * N);
}
