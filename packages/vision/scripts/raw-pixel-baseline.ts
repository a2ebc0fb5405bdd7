/**
 * The raw-pixel baseline of docs/results-vision.md: weighted kNN (k = 200, τ = 0.1) and the linear probe
 * on the flattened pixels, with the same core functions and data readers the CLI uses.
 *   node --import tsx scripts/raw-pixel-baseline.ts [DATA [EVAL_DATA [IMAGE_SIZE]]]
 * DATA / EVAL_DATA as the CLI's --data / --eval-data: an IDX folder (default: the bundled subset; its
 * t10k-* files when EVAL_DATA is omitted) or labeled image folders (resized to IMAGE_SIZE, default 32, RGB).
 */
import type * as tf from '@tensorflow/tfjs';
import { initBackend, knnAccuracy, linearProbe } from '@contrastive/core';
import { openData } from '../src/cli/data.js';
import { readAll } from '../src/io/index.js';

const [data = 'bundled', evalData = data, size] = process.argv.slice(2);
const imageSize = size === undefined ? undefined : Number(size);
await initBackend({ log: false });
const t0 = performance.now();
const train = await openData('data', data, 'train', { imageSize });
const test = await openData('eval-data', evalData, 'test', { imageSize });
if (!train.labels || !test.labels) throw new Error('raw-pixel-baseline: both datasets need labels');
const x = (await readAll(train)).reshape([train.size, -1]) as tf.Tensor2D;
const y = (await readAll(test)).reshape([test.size, -1]) as tf.Tensor2D;
const knn = knnAccuracy(x, train.labels, y, test.labels, { k: 200, temperature: 0.1 });
const probe = linearProbe(x, train.labels, y, test.labels, { seed: 0 });
console.log(JSON.stringify({ data, evalData, rawPixelsKnn: knn, rawPixelsLinearProbe: probe.accuracy, seconds: (performance.now() - t0) / 1000 }));
