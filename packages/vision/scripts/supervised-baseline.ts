/**
 * The supervised reference of docs/results-vision.md: the same small CNN the contrastive runs train, plus a
 * linear softmax classifier, trained end to end **with labels** (cross-entropy, Adam 1e-3, batch 128, no
 * augmentation). It shows the ceiling a label-free method is measured against, with the same encoder and the
 * same scoring: test accuracy of the classifier, then weighted kNN and the linear probe on the 128-d
 * encoder output (exactly the CLI's `scoreEncoder`, with the CLI's default k). The seed sets the encoder and classifier
 * initialisation, the batch order and the linear probe.
 *   node --import tsx scripts/supervised-baseline.ts [IDX folder, default: bundled] [epochs, default 3] [seed, default 0]
 */
import * as tf from '@tensorflow/tfjs';
import { createRng, initBackend } from '@contrastive/core';
import { defaultKnnK } from '@contrastive/core/cli';
import { scoreEncoder } from '../src/cli/evaluate.js';
import { buildEncoder } from '../src/encoders/index.js';
import { imageBatches, type ImageDataset } from '../src/io/index.js';
import { BUNDLED_FASHION_MNIST, loadIdxDataset } from '../src/node/index.js';

const dir = !process.argv[2] || process.argv[2] === 'bundled' ? BUNDLED_FASHION_MNIST : process.argv[2];
const epochs = Number(process.argv[3] ?? 3);
const seed = Number(process.argv[4] ?? 0);
if (!(Number.isInteger(epochs) && epochs >= 1)) throw new RangeError(`epochs must be an integer >= 1, got ${process.argv[3]}`);
if (!Number.isInteger(seed)) throw new RangeError(`seed must be an integer, got ${process.argv[4]}`);
await initBackend({ log: false });
const t0 = performance.now();
const train = await loadIdxDataset(dir);
const test = await loadIdxDataset(dir, { split: 'test' });
const numClasses = train.classNames?.length ?? 10;

const encoder = buildEncoder({ name: 'small-cnn', inputShape: [train.height, train.width, train.channels], seed });
const classifier = tf.sequential({
  layers: [
    tf.layers.dense({
      inputShape: [encoder.outputs[0]!.shape[1] as number],
      units: numClasses,
      kernelInitializer: tf.initializers.glorotUniform({ seed }),
      name: 'sup_logits',
    }),
  ],
});
const optimizer = tf.train.adam(1e-3);
const rng = createRng(seed);

/** Labels of a batch as a one-hot `[N, C]` tensor. */
function oneHot(ds: ImageDataset, indices: Int32Array): tf.Tensor2D {
  return tf.tidy(
    () =>
      tf
        .oneHot(
          tf.tensor1d(
            Array.from(indices, (i) => ds.labels![i]!),
            'int32',
          ),
          numClasses,
        )
        .toFloat() as tf.Tensor2D,
  );
}

for (let epoch = 1; epoch <= epochs; epoch += 1) {
  const losses: tf.Scalar[] = [];
  for await (const batch of imageBatches(train, { batchSize: 128, rng, dropLast: true })) {
    const y = oneHot(train, batch.indices);
    const loss = optimizer.minimize(
      () =>
        tf.losses.softmaxCrossEntropy(
          y,
          classifier.apply(encoder.apply(batch.images, { training: true }) as tf.Tensor) as tf.Tensor2D,
        ) as tf.Scalar,
      true,
    );
    losses.push(loss!);
    tf.dispose([batch.images, y]);
  }
  const mean = tf.tidy(() => tf.mean(tf.stack(losses)).arraySync() as number);
  tf.dispose(losses);
  console.error(`epoch ${epoch}/${epochs}  loss ${mean.toFixed(4)}  ${((performance.now() - t0) / 1000).toFixed(0)}s`);
}
const trainSeconds = (performance.now() - t0) / 1000;

// Classifier accuracy on the inference-mode test embeddings scoreEncoder already computed (dataset order).
// The seed reaches the probe too (it was passed as a bare number, which scoreEncoder ignored); k as the CLI picks it.
const scores = await scoreEncoder(encoder, train, test, { seed, knnK: defaultKnnK(train.labels!) });
const pred = tf.tidy(() => tf.argMax(classifier.apply(scores.testEmbeddings) as tf.Tensor2D, 1));
const p = (await pred.data()) as Int32Array;
const correct = p.reduce((c, label, i) => c + (label === test.labels![i] ? 1 : 0), 0);
tf.dispose([pred, scores.testEmbeddings]);
console.log(
  JSON.stringify({
    data: dir,
    epochs,
    seed,
    supervisedTestAccuracy: correct / test.size,
    knnAccuracy: scores.knnAccuracy,
    linearProbeAccuracy: scores.linearProbeAccuracy,
    trainSeconds: Math.round(trainSeconds),
    seconds: Math.round((performance.now() - t0) / 1000),
  }),
);
