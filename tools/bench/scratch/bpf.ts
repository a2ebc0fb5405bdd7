import * as tf from '@tensorflow/tfjs';
import '../../../packages/core/src/backend/index.js';
await tf.setBackend('wasm');
function t(name: string, f: () => tf.Tensor | tf.Tensor[], n = 3) {
  tf.dispose(f());
  const s = performance.now();
  for (let i = 0; i < n; i++) { const o = f(); (Array.isArray(o) ? o : [o]).forEach((x) => x.dataSync()); tf.dispose(o); }
  console.log(name, ((performance.now() - s) / n).toFixed(1), 'ms');
}
for (const [xs, co] of [[[256, 28, 28, 1], 32], [[256, 14, 14, 32], 64]] as const) {
  const x = tf.randomNormal(xs as unknown as number[]) as tf.Tensor4D;
  const dy = tf.randomNormal([xs[0], xs[1], xs[2], co]) as tf.Tensor4D;
  const M = xs[0] * xs[1] * xs[2];
  t(`bpf ${xs}`, () => tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { strides: 1, pad: 'same', dataFormat: 'NHWC', filterShape: [3, 3, xs[3], co] } as any) as tf.Tensor);
  t(`  transpose dy [${M},${co}]`, () => tf.transpose(dy.reshape([M, co])));
  const cols = tf.randomNormal([M, 9 * xs[3]]);
  const colsT = tf.randomNormal([9 * xs[3], M]);
  const dyT = tf.randomNormal([co, M]);
  t(`  dyT@cols`, () => tf.matMul(dyT, cols));
  t(`  colsT@dy2`, () => tf.matMul(colsT, dy.reshape([M, co])));
  t(`  maxPoolGrad-ish: grad of maxPool`, () => tf.grad((a: tf.Tensor) => tf.maxPool(a as tf.Tensor4D, 2, 2, 'valid'))(dy));
  t(`  sum over rows`, () => dy.reshape([M, co]).sum(0));
  tf.dispose([x, dy, cols, colsT, dyT]);
}
