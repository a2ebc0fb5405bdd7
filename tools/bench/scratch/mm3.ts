import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
await tf.setBackend('wasm'); await tf.ready();
const K = 288, N = 64;
for (const M of [1024, 4096]) {
  const a = tf.randomNormal([M, K]); const w = tf.randomNormal([K, N]);
  a.dataSync(); w.dataSync();
  for (let i = 0; i < 3; i++) {
    const s = performance.now(); const o = tf.matMul(a, w); const t1 = performance.now(); o.dataSync(); const t2 = performance.now();
    console.log(M, 'kernel', (t1 - s).toFixed(1), 'read', (t2 - t1).toFixed(1)); o.dispose();
  }
  const w2 = tf.randomNormal([K, N]);
  let s = performance.now(); tf.matMul(a, w2).dispose(); console.log('new weights', (performance.now() - s).toFixed(1));
  const a1 = tf.randomNormal([M, K]).dataSync(); const b1 = await w.data();
  s = performance.now(); const out = new Float32Array(M * N);
  for (let i = 0; i < M; i++) for (let k = 0; k < K; k++) { const av = a1[i * K + k]!; for (let j = 0; j < N; j++) out[i * N + j]! += av * b1[k * N + j]!; }
  console.log('plain JS', (performance.now() - s).toFixed(1));
}
