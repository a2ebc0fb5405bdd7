/**
 * Trains, once, the small Fashion-MNIST classifier whose penultimate features define fid-fmnist / kid-fmnist and
 * whose softmax defines is-fmnist (see src/metrics and src/node/metric-classifier.ts). No ImageNet Inception
 * weights are available offline, so these metrics are *not* the published FID / KID / IS: they are the same
 * formulas in the feature space of this network, comparable only with each other.
 *
 * Network (≈ 141k parameters, ≈ 0.56 MB of float32 weights), input [N, 28, 28, 1] in [0, 1]:
 *   conv 3×3×32 same + ReLU → max-pool 2 → conv 3×3×64 same + ReLU → max-pool 2 → conv 3×3×32 valid + ReLU
 *   → flatten (5·5·32 = 800) → dense 128 + ReLU (`features`, the metric's feature space) → dense 10 (`logits`).
 * Training: full train split (60,000 images), Adam with a cosine learning-rate schedule from 1e-3 to 0 over
 * all steps, batch 128, cross-entropy, no augmentation, seeded initialisers and batch order, wasm backend
 * (single-threaded in Node; see core's initBackend). A first run with a 2·2·64 bottleneck and a constant
 * 1e-3 for 4 epochs reached 0.8907 test accuracy, below the 0.90 target; this one is the committed one.
 *
 *   node --import tsx scripts/train-metric-classifier.ts [IDX folder, default /usr/share/datasets/fashion-mnist] [epochs, default 5] [seed, default 0] [out dir]
 *
 * Writes assets/fmnist-classifier/{model.json, weights.bin, metadata.json} (or the given out dir, e.g. to check that
 * a rerun reproduces the committed weights), replacing a previous copy.
 */
import { rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { createRng, initBackend } from '@contrastive/core';
import { fileSystemHandler, writeFileAtomic } from '@contrastive/core/node';
import { loadIdxDataset } from '@contrastive/vision/node';

const dir = process.argv[2] && process.argv[2] !== 'default' ? process.argv[2] : '/usr/share/datasets/fashion-mnist';
const epochs = Number(process.argv[3] ?? 5);
const seed = Number(process.argv[4] ?? 0);
if (!(Number.isInteger(epochs) && epochs >= 1)) throw new RangeError(`epochs must be an integer >= 1, got ${process.argv[3]}`);
if (!Number.isInteger(seed)) throw new RangeError(`seed must be an integer, got ${process.argv[4]}`);
const outDir = process.argv[5]
  ? `${process.argv[5].replace(/\/$/, '')}/`
  : fileURLToPath(new URL('../assets/fmnist-classifier/', import.meta.url));
const batchSize = 128;
const learningRate = 1e-3;

await initBackend({ backend: 'wasm', log: false });
const t0 = performance.now();
const train = await loadIdxDataset(dir);
const test = await loadIdxDataset(dir, { split: 'test' });
if (!train.labels || !test.labels) throw new Error(`${dir} has no labels files`);

/** The classifier; layer names are part of the asset format (`features` is read by loadMetricClassifier). */
function buildClassifier(s: number): tf.LayersModel {
  // Initialiser seeds start at 1: tfjs treats a seed of 0 as absent (`seed ? seed : Math.random()` in its
  // random generators), which made a first version of this script non-reproducible.
  let k = s * 100 + 1;
  const init = () => tf.initializers.heNormal({ seed: k++ });
  return tf.sequential({
    name: 'fmnist_metric_classifier',
    layers: [
      tf.layers.conv2d({
        inputShape: [28, 28, 1],
        filters: 32,
        kernelSize: 3,
        padding: 'same',
        activation: 'relu',
        kernelInitializer: init(),
        name: 'conv1',
      }),
      tf.layers.maxPooling2d({ poolSize: 2, name: 'pool1' }),
      tf.layers.conv2d({ filters: 64, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: init(), name: 'conv2' }),
      tf.layers.maxPooling2d({ poolSize: 2, name: 'pool2' }),
      tf.layers.conv2d({ filters: 32, kernelSize: 3, padding: 'valid', activation: 'relu', kernelInitializer: init(), name: 'conv3' }),
      tf.layers.flatten({ name: 'flatten' }),
      tf.layers.dense({ units: 128, activation: 'relu', kernelInitializer: init(), name: 'features' }),
      tf.layers.dense({ units: 10, kernelInitializer: tf.initializers.glorotUniform({ seed: k++ }), name: 'logits' }),
    ],
  });
}

const model = buildClassifier(seed);
const optimizer = tf.train.adam(learningRate);
const rng = createRng(seed);
const stepsPerEpoch = Math.floor(train.size / batchSize);

for (let epoch = 1; epoch <= epochs; epoch += 1) {
  const order = rng.permutation(train.size);
  let sum = 0;
  let count = 0;
  for (let start = 0; start + batchSize <= train.size; start += batchSize) {
    const idx = order.subarray(start, start + batchSize);
    const x = await train.read(idx);
    const y = tf.tidy(() =>
      tf
        .oneHot(
          tf.tensor1d(
            Array.from(idx, (i) => train.labels![i]!),
            'int32',
          ),
          10,
        )
        .toFloat(),
    );
    const step = (epoch - 1) * stepsPerEpoch + count;
    (optimizer as unknown as { learningRate: number }).learningRate =
      0.5 * learningRate * (1 + Math.cos((Math.PI * step) / (epochs * stepsPerEpoch)));
    const loss = optimizer.minimize(
      () => tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true }) as tf.Tensor2D) as tf.Scalar,
      true,
    );
    sum += (await loss!.data())[0]!;
    count += 1;
    tf.dispose([x, y, loss!]);
    if (count % 100 === 0)
      console.error(`  epoch ${epoch} batch ${count}  loss ${(sum / count).toFixed(4)}  ${((performance.now() - t0) / 1000).toFixed(0)}s`);
  }
  console.error(`epoch ${epoch}/${epochs}  loss ${(sum / count).toFixed(4)}  ${((performance.now() - t0) / 1000).toFixed(0)}s`);
}
const trainSeconds = (performance.now() - t0) / 1000;

let correct = 0;
for (let start = 0; start < test.size; start += 500) {
  const idx = Int32Array.from({ length: Math.min(500, test.size - start) }, (_, i) => start + i);
  const x = await test.read(idx);
  const pred = tf.tidy(() => (model.predict(x) as tf.Tensor).argMax(-1));
  const p = await pred.data();
  p.forEach((c, i) => {
    if (c === test.labels![idx[i]!]) correct += 1;
  });
  tf.dispose([x, pred]);
}
const testAccuracy = correct / test.size;
console.error(`test accuracy ${testAccuracy.toFixed(4)}${testAccuracy >= 0.9 ? '' : '  (below the 0.90 target)'}`);

await rm(outDir, { recursive: true, force: true });
await model.save(fileSystemHandler(outDir));
const metadata = {
  name: 'fmnist-metric-classifier',
  purpose:
    'feature space (layer "features", 128-d, post-ReLU) of fid-fmnist / kid-fmnist and class probabilities (softmax of "logits") of is-fmnist',
  input:
    '[N, 28, 28, 1] float32 in [0, 1] (Fashion-MNIST pixels / 255; other sizes are resized bilinearly to 28, RGB is converted by luminance)',
  dataset: dir,
  trainSize: train.size,
  testSize: test.size,
  testAccuracy,
  seed,
  epochs,
  batchSize,
  optimizer: `adam, cosine learning rate ${learningRate} → 0 over ${epochs * stepsPerEpoch} steps`,
  backend: tf.getBackend(),
  command: `node --import tsx scripts/train-metric-classifier.ts ${process.argv.slice(2).join(' ')}`.trim(),
  date: new Date().toISOString(),
  trainWallSeconds: Math.round(trainSeconds),
  totalWallSeconds: Math.round((performance.now() - t0) / 1000),
  parameters: model.countParams(),
};
await writeFileAtomic(`${outDir}metadata.json`, `${JSON.stringify(metadata, null, 2)}\n`);
optimizer.dispose();
model.dispose();
console.log(JSON.stringify(metadata, null, 2));
