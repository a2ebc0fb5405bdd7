/**
 * The raw-pixel baseline of docs/results-vision.md: weighted kNN (k = 200, τ = 0.1) and the linear probe
 * on the flattened pixels, with the same core functions the CLI uses.
 *   node --import tsx scripts/raw-pixel-baseline.ts [IDX folder, default: the bundled subset]
 */
import type * as tf from '@tensorflow/tfjs';
import { initBackend, knnAccuracy, linearProbe } from '@contrastive/core';
import { BUNDLED_FASHION_MNIST, loadIdxDataset, readAll } from '../src/io/index.js';

const dir = process.argv[2] ?? BUNDLED_FASHION_MNIST;
await initBackend({ log: false });
const t0 = performance.now();
const train = await loadIdxDataset(dir);
const test = await loadIdxDataset(dir, { split: 'test' });
const x = (await readAll(train)).reshape([train.size, -1]) as tf.Tensor2D;
const y = (await readAll(test)).reshape([test.size, -1]) as tf.Tensor2D;
const knn = knnAccuracy(x, train.labels!, y, test.labels!, { k: 200, temperature: 0.1 });
const probe = linearProbe(x, train.labels!, y, test.labels!, { seed: 0 });
console.log(JSON.stringify({ data: dir, rawPixelsKnn: knn, rawPixelsLinearProbe: probe.accuracy, seconds: (performance.now() - t0) / 1000 }));
