import * as tf from '@tensorflow/tfjs';
import * as wasm from '@tensorflow/tfjs-backend-wasm';
tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', true);
wasm.setThreadsCount(2);
const t0 = performance.now();
const ok = await Promise.race([tf.setBackend('wasm'), new Promise((r) => setTimeout(() => r('timeout'), 20000))]);
console.log('setBackend ->', ok, (performance.now() - t0).toFixed(0), 'ms');
if (ok === true) {
  console.log('threads', wasm.getThreadsCount());
  const a = tf.randomNormal([1024, 1024]); const b = tf.randomNormal([1024, 1024]);
  const s = performance.now(); for (let i = 0; i < 5; i++) { const c = tf.matMul(a, b); c.dataSync(); c.dispose(); }
  console.log('matmul 1024^3 x5', (performance.now() - s).toFixed(0), 'ms');
}
process.exit(0);
