/**
 * Diagnoses Wu et al.'s NCE on small data: per step, the loss, the mean cosine of the features with
 * their own bank row (positive) and with the sampled noise rows, and the mean pairwise cosine of the batch.
 *   node --import tsx scripts/instdisc-diagnose.ts [nce|softmax] [epochs] [lr]
 */
import * as tf from '@tensorflow/tfjs';
import { createRng, initBackend, l2Normalize } from '@contrastive/core';
import { imageBatches } from '../src/io/index.js';
import { BUNDLED_FASHION_MNIST, loadIdxDataset } from '../src/node/index.js';
import { buildEncoder } from '../src/encoders/registry.js';
import { InstDisc } from '../src/methods/instdisc.js';
import { forward } from '../src/methods/common.js';

const objective = (process.argv[2] ?? 'nce') as 'nce' | 'softmax';
const epochs = Number(process.argv[3] ?? 2);
const lr = Number(process.argv[4] ?? 1e-3);
await initBackend({ log: false });
const ds = await loadIdxDataset(BUNDLED_FASHION_MNIST);
const encoder = buildEncoder({ name: 'small-cnn', inputShape: [28, 28, 1], seed: 0 });
const m = new InstDisc({ encoder, datasetSize: ds.size, negatives: 1024, objective, learningRate: lr, seed: 0 });
const rng = createRng(0);
let step = 0;
for (let e = 0; e < epochs; e++) {
  for await (const b of imageBatches(ds, { batchSize: 256, rng, dropLast: true })) {
    const stats = tf.tidy(() => {
      const f = l2Normalize(forward(m.projector, forward(m.encoder, b.images))) as tf.Tensor2D;
      const pos = m.bank.rows(b.indices);
      const neg = m.bank.sample(64, { n: b.indices.length, rng: createRng(step) });
      const posSim = tf.mean(tf.sum(tf.mul(f, pos), 1));
      const negSim = tf.mean(tf.sum(tf.mul(tf.expandDims(f, 1), neg), 2));
      const pair = tf.mean(tf.matMul(f, f, false, true));
      return [posSim, negSim, pair].map((t) => t.dataSync()[0]!.toFixed(3));
    });
    // One generator for the batches and the steps, as before core's StepInfo (this script is not resumable).
    const loss = m.step(b, { epoch: e, step, globalStep: step, totalSteps: undefined, rng });
    console.log(
      `epoch ${e} step ${step} loss ${loss.dataSync()[0]!.toFixed(3)} cos(f,own row) ${stats[0]} cos(f,noise) ${stats[1]} cos(f,f') ${stats[2]}`,
    );
    loss.dispose();
    b.images.dispose();
    step++;
  }
}
