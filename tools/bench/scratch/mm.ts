import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
await tf.setBackend('wasm'); await tf.ready();
function t(name: string, f: () => tf.Tensor, flops: number) {
  f().dispose();
  const s = performance.now(); const n = 3;
  for (let i = 0; i < n; i++) { const o = f(); o.dataSync(); o.dispose(); }
  const ms = (performance.now() - s) / n;
  console.log(name, ms.toFixed(1), 'ms', (flops / ms / 1e6).toFixed(2), 'GFLOP/s');
}
const M = 50176, K = 288, N = 64;
const a = tf.randomNormal([M, K]); const aT = tf.randomNormal([K, M]); const b = tf.randomNormal([M, N]); const w = tf.randomNormal([K, N]);
t('A[M,K]@W[K,N]', () => tf.matMul(a, w), 2 * M * K * N);
t('aT[K,M]@B[M,N]', () => tf.matMul(aT, b), 2 * M * K * N);
t('A^T@B (transposeA)', () => tf.matMul(a, b, true, false), 2 * M * K * N);
t('transpose A', () => tf.transpose(a), M*K);
const x = tf.randomNormal([256, 14, 14, 32]); const f = tf.randomNormal([3, 3, 32, 64]);
t('conv2d 256x14x14x32 -> 64', () => tf.conv2d(x as tf.Tensor4D, f as tf.Tensor4D, 1, 'same'), 2 * 256 * 196 * 288 * 64);
const dy = tf.randomNormal([256, 14, 14, 64]);
t('conv2dBackpropInput', () => tf.conv2dTranspose(dy as tf.Tensor4D, f as tf.Tensor4D, [256, 14, 14, 32], 1, 'same'), 2 * 256 * 196 * 288 * 64);
const x1 = tf.randomNormal([256, 28, 28, 1]); const f1 = tf.randomNormal([3, 3, 1, 32]);
t('conv2d 256x28x28x1 -> 32', () => tf.conv2d(x1 as tf.Tensor4D, f1 as tf.Tensor4D, 1, 'same'), 2 * 256 * 784 * 9 * 32);
const big = tf.randomNormal([256, 3136]); const wd = tf.randomNormal([3136, 128]);
t('dense 256x3136x128', () => tf.matMul(big, wd), 2 * 256 * 3136 * 128);
t('dense dW = X^T dY (transposeA)', () => tf.matMul(big, tf.randomNormal([256,128]), true, false), 2 * 256 * 3136 * 128);
t('dense dX = dY W^T (transposeB)', () => tf.matMul(tf.randomNormal([256,128]), wd, false, true), 2 * 256 * 3136 * 128);
