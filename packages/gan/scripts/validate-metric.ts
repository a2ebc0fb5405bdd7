/**
 * The large-set validation of fid-fmnist / kid-fmnist / is-fmnist (the unit test, src/node/score-images.test.ts,
 * runs the same checks on 300 images). Reference: the first N Fashion-MNIST train images (N = 5,000 by
 * default); scored sets: the first N test images, N uniform-noise images, N train images of one class
 * (Sneaker), and the N test images box-blurred with kernels 1 (none), 3, 5, 7. Also the full test split
 * (10,000) against the full train split (60,000) for fid-fmnist and is-fmnist (KID on 1,000-subsets). wasm backend.
 *
 *   node --import tsx scripts/validate-metric.ts [N, default 5000] [KID subsets, default 100] [seed, default 0] [nofull: skip the 10,000 vs 60,000 row]
 */
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '@contrastive/core';
import { loadIdxDataset } from '@contrastive/vision/node';
import { loadMetricClassifier, referenceFeatures, scoreImages, type ImageScores } from '../src/node/index.js';
import { boxBlur, classIndices, span, take, uniformNoise } from '../src/node/test-utils/metric-sets.js';

const n = Number(process.argv[2] ?? 5000);
const subsets = Number(process.argv[3] ?? 100);
const seed = Number(process.argv[4] ?? 0);
const full = process.argv[5] !== 'nofull';
const FMNIST = '/usr/share/datasets/fashion-mnist';
await initBackend({ backend: 'wasm', log: false });
const t0 = performance.now();
const classifier = await loadMetricClassifier();
const train = await loadIdxDataset(FMNIST);
const test = await loadIdxDataset(FMNIST, { split: 'test' });
const kid = { subsets, subsetSize: 1000, seed };
const refImages = await take(train, span(0, n));
const ref = await referenceFeatures(classifier, refImages);
refImages.dispose();

const rows: string[] = [];
function report(name: string, s: ImageScores, t: number): void {
  const line = `| ${name} | ${s.n} | ${s.nReference} | ${s.fidFmnist.toFixed(3)} | ${s.kidFmnist.mean.toFixed(4)} ± ${s.kidFmnist.std.toFixed(4)} | ${s.isFmnist.mean.toFixed(3)} ± ${s.isFmnist.std.toFixed(3)} | ${((performance.now() - t) / 1000).toFixed(1)} |`;
  rows.push(line);
  console.error(line);
}
async function scoreSet(name: string, make: () => Promise<tf.Tensor4D>): Promise<void> {
  const t = performance.now();
  const images = await make();
  try {
    report(name, await scoreImages(images, ref, { classifier, kid }), t);
  } finally {
    images.dispose();
  }
}

console.error(`classifier test accuracy ${classifier.metadata.testAccuracy}; reference: first ${n} train images`);
await scoreSet(`real test (first ${n})`, () => take(test, span(0, Math.min(n, test.size))));
await scoreSet('uniform noise', async () => uniformNoise(n, seed + 1));
await scoreSet('single class (Sneaker, train)', () => take(train, classIndices(train, 7, n).slice(0, n)));
for (const k of [1, 3, 5, 7]) {
  await scoreSet(`real test, box blur ${k}`, async () => {
    const x = await take(test, span(0, Math.min(n, test.size)));
    const b = boxBlur(x, k);
    x.dispose();
    return b;
  });
}
if (full) {
  const t = performance.now();
  const s = await scoreImages(test, train, { classifier, kid });
  report('full test (10,000) vs full train (60,000)', s, t);
}
classifier.dispose();
console.log(`| set | n | n ref | fid-fmnist | kid-fmnist | is-fmnist | s |\n|---|---|---|---|---|---|---|\n${rows.join('\n')}`);
console.log(
  `\nseed ${seed}, KID ${subsets} subsets of 1000, wasm; total ${((performance.now() - t0) / 1000).toFixed(0)} s; tensors alive at the end: ${tf.memory().numTensors}`,
);
