import * as tf from '@tensorflow/tfjs';
import '../../../packages/core/src/backend/index.js';
await tf.setBackend('wasm');
function t(name: string, f: () => tf.Tensor | tf.Tensor[], n = 3) {
  tf.dispose(f());
  const s = performance.now();
  for (let i = 0; i < n; i++) { const o = f(); (Array.isArray(o) ? o : [o]).forEach((x) => x.dataSync()); tf.dispose(o); }
  console.log(name, ((performance.now() - s) / n).toFixed(1), 'ms');
}
const M = 50176, K = 288, CO = 64;
const cols = tf.randomNormal([M, K]); const colsT = tf.randomNormal([K, M]); const dy = tf.randomNormal([M, CO]); const dyT = tf.randomNormal([CO, M]);
t('clone cols (copy 14.4M)', () => cols.clone().add(0));
t('clone dy (copy 3.2M)', () => dy.clone().add(0));
t('dyT@fresh cols', () => { const c = cols.add(0); const o = tf.matMul(dyT, c); c.dispose(); return o; });
t('fresh colsT@dy', () => { const d = dy.add(0); const o = tf.matMul(colsT, d); d.dispose(); return o; });
t('cached dyT@cols', () => tf.matMul(dyT, cols));
t('cached colsT@dy', () => tf.matMul(colsT, dy));
// chunked: split M into chunks of 4096 as batch dimension? cols chunk as A (input) and dy chunk... no
