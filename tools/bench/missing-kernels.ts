/**
 * Finds every kernel the wasm backend lacks for training the model families in this monorepo:
 * runs forward + backward of representative ops on `wasm` and records "kernel not registered" errors.
 *
 * Usage: node --import tsx tools/bench/missing-kernels.ts [--raw]
 *   --raw  skip registering our kernels (shows what stock tfjs-backend-wasm lacks)
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';

const raw = process.argv.includes('--raw');
if (!raw) await import('../../packages/core/src/backend/index.js');
await tf.setBackend('wasm');
await tf.ready();

const missing = new Map<string, string[]>();
function probe(name: string, f: () => tf.Tensor | tf.Tensor[]): void {
  // Loop: each failure reveals one missing kernel; fall back to cpu for nothing — just report.
  try {
    tf.tidy(() => {
      const out = f();
      (Array.isArray(out) ? out : [out]).forEach((t) => t.dataSync());
    });
  } catch (e) {
    const msg = (e as Error).message;
    const m = /'(\w+)' not registered for backend 'wasm'|Kernel '(\w+)' not registered/.exec(msg);
    const k = m ? (m[1] ?? m[2] ?? msg) : msg.slice(0, 160);
    missing.set(k, [...(missing.get(k) ?? []), name]);
  }
}
const r = (s: number[]) => tf.randomNormal(s);
const grads = (fn: (...x: tf.Tensor[]) => tf.Tensor, xs: tf.Tensor[]) => tf.grads((...a: tf.Tensor[]) => fn(...a).sum())(xs);

probe('conv2d same s1', () =>
  grads((x, w) => tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, 1, 'same'), [r([2, 8, 8, 3]), r([3, 3, 3, 4])]),
);
probe('conv2d s2 dil', () =>
  grads((x, w) => tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, 1, 'same', 'NHWC', 2), [r([2, 8, 8, 3]), r([3, 3, 3, 4])]),
);
probe('depthwise', () =>
  grads((x, w) => tf.depthwiseConv2d(x as tf.Tensor4D, w as tf.Tensor4D, 1, 'same'), [r([2, 8, 8, 3]), r([3, 3, 3, 2])]),
);
probe('separable', () =>
  grads(
    (x, w, p) => tf.separableConv2d(x as tf.Tensor4D, w as tf.Tensor4D, p as tf.Tensor4D, 1, 'same'),
    [r([2, 8, 8, 3]), r([3, 3, 3, 2]), r([1, 1, 6, 4])],
  ),
);
probe('conv1d', () => grads((x, w) => tf.conv1d(x as tf.Tensor3D, w as tf.Tensor3D, 1, 'same'), [r([2, 8, 3]), r([3, 3, 4])]));
probe('conv2dTranspose', () =>
  grads((x, w) => tf.conv2dTranspose(x as tf.Tensor4D, w as tf.Tensor4D, [2, 16, 16, 3], 2, 'same'), [r([2, 8, 8, 4]), r([3, 3, 3, 4])]),
);
probe('maxPool', () => grads((x) => tf.maxPool(x as tf.Tensor4D, 2, 2, 'valid'), [r([2, 8, 8, 3])]));
probe('avgPool', () => grads((x) => tf.avgPool(x as tf.Tensor4D, 2, 2, 'valid'), [r([2, 8, 8, 3])]));
probe('relu/relu6/elu/leaky/selu', () =>
  grads((x) => tf.relu(x).add(tf.relu6(x)).add(tf.elu(x)).add(tf.leakyRelu(x, 0.1)).add(tf.selu(x)), [r([4, 5])]),
);
probe('sigmoid/tanh/softplus', () => grads((x) => tf.sigmoid(x).add(tf.tanh(x)).add(tf.softplus(x)), [r([4, 5])]));
probe('erf (GELU)', () => grads((x) => x.mul(tf.erf(x.div(Math.SQRT2)).add(1)).mul(0.5), [r([4, 5])]));
probe('gelu tanh', () => grads((x) => x.mul(tf.tanh(x.add(x.pow(3).mul(0.044715)).mul(0.79788456)).add(1)).mul(0.5), [r([4, 5])]));
probe('batchNorm', () =>
  grads(
    (x, g, b) => {
      const m = tf.moments(x, [0, 1, 2]);
      return tf.batchNorm(x, m.mean, m.variance, b, g, 1e-3);
    },
    [r([2, 4, 4, 3]), r([3]), r([3])],
  ),
);
probe('layerNorm', () =>
  grads(
    (x, g, b) => {
      const m = tf.moments(x, -1, true);
      return x.sub(m.mean).div(m.variance.add(1e-5).sqrt()).mul(g).add(b);
    },
    [r([4, 6]), r([6]), r([6])],
  ),
);
probe('softmax/logSoftmax/logSumExp', () =>
  grads((x) => tf.softmax(x).add(tf.logSoftmax(x)).sum().add(tf.logSumExp(x, 1).sum()), [r([4, 6])]),
);
probe('attention (matMul batched)', () =>
  grads((q, k, v) => tf.matMul(tf.softmax(tf.matMul(q, k, false, true).div(2)), v), [r([2, 3, 5, 4]), r([2, 3, 5, 4]), r([2, 3, 5, 4])]),
);
probe('einsum', () => grads((a, b) => tf.einsum('bij,bjk->bik', a, b), [r([2, 3, 4]), r([2, 4, 5])]));
probe('gather', () => grads((x) => tf.gather(x, tf.tensor1d([0, 2, 2, 1], 'int32')), [r([4, 5])]));
probe('gather axis1', () => grads((x) => tf.gather(x, tf.tensor1d([0, 2], 'int32'), 1), [r([4, 5])]));
probe('unsortedSegmentSum', () => grads((x) => tf.unsortedSegmentSum(x, tf.tensor1d([0, 1, 1, 0], 'int32'), 3), [r([4, 5])]));
probe('gatherND', () => grads((x) => tf.gatherND(x, tf.tensor2d([[0], [2]], [2, 1], 'int32')), [r([4, 5])]));
probe('scatterND fwd', () => tf.scatterND(tf.tensor2d([[0], [2]], [2, 1], 'int32'), r([2, 5]), [4, 5]));
probe('segment max (unsortedSegment via gather)', () => tf.unsortedSegmentSum(r([4, 5]), tf.tensor1d([0, 1, 1, 0], 'int32'), 2));
probe('max/min/mean/prod reduce', () => grads((x) => x.max(1).add(x.min(1)).add(x.mean(1)).add(x.prod(1)), [r([4, 5])]));
probe('norm/l2normalize', () => grads((x) => tf.div(x, tf.norm(x, 'euclidean', 1, true)), [r([4, 5])]));
probe('abs/sqrt/rsqrt/exp/log/square/pow', () =>
  grads(
    (x) =>
      tf
        .abs(x)
        .add(tf.sqrt(tf.abs(x).add(1)))
        .add(tf.rsqrt(tf.abs(x).add(1)))
        .add(tf.exp(x))
        .add(tf.log(tf.abs(x).add(1)))
        .add(tf.square(x))
        .add(tf.pow(tf.abs(x).add(1), 1.5)),
    [r([4, 5])],
  ),
);
probe('maximum/minimum/where/clip', () =>
  grads(
    (x, y) =>
      tf
        .maximum(x, y)
        .add(tf.minimum(x, y))
        .add(tf.where(tf.randomNormal([4, 5]).greater(0), x, y))
        .add(tf.clipByValue(x, -0.5, 0.5)),
    [r([4, 5]), r([4, 5])],
  ),
);
probe('concat/slice/stack/split/tile/pad/transpose/reverse', () =>
  grads(
    (x) =>
      tf
        .concat([x.slice([0, 0], [2, 5]), tf.stack([x, x], 1).reshape([8, 5]).slice([0, 0], [2, 5])])
        .add(tf.tile(x, [1, 2]).slice([0, 0], [4, 5]).sum())
        .add(
          tf
            .pad(x, [
              [1, 1],
              [0, 0],
            ])
            .slice([0, 0], [4, 5])
            .sum(),
        )
        .sum()
        .add(tf.reverse(x, 0).transpose().sum())
        .add(tf.split(x, 5, 1)[0]!.sum()),
    [r([4, 5])],
  ),
);
probe('cumsum', () => grads((x) => tf.cumsum(x, 1), [r([4, 5])]));
probe('oneHot/topk', () => {
  const t = r([4, 5]);
  return [tf.oneHot(tf.tensor1d([1, 2], 'int32'), 5), tf.topk(t, 2).values];
});
probe('dropout', () => grads((x) => tf.dropout(x, 0.5), [r([4, 5])]));
probe('sigmoidCrossEntropy/softmaxCE', () =>
  grads(
    (x) =>
      tf.losses
        .sigmoidCrossEntropy(tf.onesLike(x), x)
        .add(tf.losses.softmaxCrossEntropy(tf.oneHot(tf.tensor1d([0, 1, 2, 3], 'int32'), 5), x)),
    [r([4, 5])],
  ),
);
probe('resizeBilinear', () => grads((x) => tf.image.resizeBilinear(x as tf.Tensor4D, [16, 16]), [r([1, 8, 8, 3])]));
probe('resizeNearest', () => grads((x) => tf.image.resizeNearestNeighbor(x as tf.Tensor4D, [16, 16]), [r([1, 8, 8, 3])]));
probe('cos/sin/atan2/mod/floorDiv', () =>
  grads(
    (x) =>
      tf
        .cos(x)
        .add(tf.sin(x))
        .add(tf.atan2(x, tf.onesLike(x))),
    [r([4, 5])],
  ),
);
probe('squaredDifference/isNaN', () => grads((x, y) => tf.squaredDifference(x, y), [r([4, 5]), r([4, 5])]));
probe('globalAvgPool (mean HW)', () => grads((x) => x.mean([1, 2]), [r([2, 4, 4, 3])]));
probe('adam/sgd optimizer', () => {
  const v = tf.variable(r([3, 3]));
  const opt = tf.train.adam(1e-3);
  opt.minimize(() => v.square().sum());
  const o2 = tf.train.sgd(0.1);
  o2.minimize(() => v.square().sum());
  const o3 = tf.train.momentum(0.1, 0.9);
  o3.minimize(() => v.square().sum());
  const out = v.clone();
  opt.dispose();
  o2.dispose();
  o3.dispose();
  v.dispose();
  return out;
});

probe('einsum forward', () => tf.einsum('bij,bjk->bik', r([2, 3, 4]), r([2, 4, 5])));
probe('tf.layers conv+BN+dense+dropout fit step', () => {
  const m = tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [8, 8, 3], filters: 4, kernelSize: 3, padding: 'same' }),
      tf.layers.batchNormalization(),
      tf.layers.activation({ activation: 'relu' }),
      tf.layers.separableConv2d({ filters: 4, kernelSize: 3, padding: 'same' }),
      tf.layers.globalAveragePooling2d({}),
      tf.layers.dropout({ rate: 0.2 }),
      tf.layers.dense({ units: 3, activation: 'softmax' }),
    ],
  });
  const opt = tf.train.adam(1e-3);
  const x = r([4, 8, 8, 3]);
  const y = tf.oneHot(tf.tensor1d([0, 1, 2, 0], 'int32'), 3);
  const loss = opt.minimize(() => tf.losses.softmaxCrossEntropy(y, m.apply(x, { training: true }) as tf.Tensor), true)!;
  opt.dispose();
  m.dispose();
  return loss;
});
probe('layerNormalization + multi-head style attention', () =>
  grads(
    (x, wq) => {
      const ln = tf.layers.layerNormalization({ axis: -1 });
      const h = ln.apply(x) as tf.Tensor;
      const q = tf.matMul(h.reshape([8, 6]), wq).reshape([2, 4, 6]);
      const att = tf.softmax(tf.matMul(q, q, false, true).div(Math.sqrt(6)));
      const out = tf.matMul(att, q);
      ln.dispose();
      return out;
    },
    [r([2, 4, 6]), r([6, 6])],
  ),
);

const kernels = tf
  .getKernelsForBackend('wasm')
  .map((k) => k.kernelName)
  .sort();
console.log(`wasm kernels registered: ${kernels.length}`);
if (missing.size === 0) console.log('No missing kernels for the probed ops.');
for (const [k, who] of missing) console.log(`MISSING ${k}: ${who.join(', ')}`);
