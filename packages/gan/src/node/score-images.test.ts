import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useLeakCheck } from '@contrastive/test-utils';
import { loadIdxDataset } from '@contrastive/vision/node';
import { type MetricClassifier, loadMetricClassifier, toMetricInput } from './metric-classifier.js';
import { type ReferenceFeatures, referenceFeatures, scoreImages } from './score-images.js';
import { boxBlur, classIndices, span, take, uniformNoise } from './test-utils/metric-sets.js';

// Validation of fid-fmnist / kid-fmnist / is-fmnist on a few hundred images per set (the 5,000-image version
// is scripts/validate-metric.ts). Run on wasm, the backend the metric is computed on without tfjs-node.

useLeakCheck({ backend: 'wasm' });

const FMNIST = '/usr/share/datasets/fashion-mnist';
const N = 300;
const KID = { subsets: 10, subsetSize: 200, seed: 0 };

let classifier: MetricClassifier;
let train: Awaited<ReturnType<typeof loadIdxDataset>>;
let test: Awaited<ReturnType<typeof loadIdxDataset>>;
let ref: ReferenceFeatures;

beforeAll(async () => {
  classifier = await loadMetricClassifier();
  train = await loadIdxDataset(FMNIST, { limit: 3000 });
  test = await loadIdxDataset(FMNIST, { split: 'test', limit: N });
  // The reference: N real train images (the CLI scores against test; here test is the "generated" set).
  const refImages = await take(train, span(0, N));
  ref = await referenceFeatures(classifier, refImages);
  refImages.dispose();
});

afterAll(() => classifier?.dispose());

/** Scores a tensor set against the train reference, disposing it. */
async function score(images: tf.Tensor4D) {
  try {
    return await scoreImages(images, ref, { classifier, kid: KID });
  } finally {
    images.dispose();
  }
}

describe('the committed metric classifier', () => {
  it('records a test accuracy of at least 0.90 and classifies the first test images accordingly', async () => {
    expect(classifier.metadata.testAccuracy).toBeGreaterThanOrEqual(0.9);
    const out = await classifier.run(test, { batchSize: 128 });
    let correct = 0;
    for (let i = 0; i < out.n; i++) {
      const row = out.probs.subarray(i * 10, (i + 1) * 10);
      if (row.indexOf(Math.max(...row)) === test.labels![i]) correct += 1;
    }
    expect(correct / out.n).toBeGreaterThan(0.85);
  });

  it('maps 32-px RGB images to [N, 28, 28, 1] by luminance and resize', () => {
    const rgb = tf.fill([2, 32, 32, 3], 0.5) as tf.Tensor4D;
    const x = toMetricInput(rgb);
    expect(x.shape).toEqual([2, 28, 28, 1]);
    expect(Array.from(x.dataSync()).every((v) => Math.abs(v - 0.5) < 1e-6)).toBe(true);
    tf.dispose([rgb, x]);
  });
});

describe('scoreImages', () => {
  it('loads and frees the committed classifier itself, takes 32-px RGB images, and rejects a single image', async () => {
    const a = await take(test, span(0, 20));
    const rgb32 = tf.tidy(() => tf.image.resizeBilinear(tf.tile(a, [1, 1, 1, 3]), [32, 32], false, true) as tf.Tensor4D);
    const s = await scoreImages(rgb32, a, { kid: { subsets: 2, subsetSize: 10 }, isSplits: 2 });
    expect(s.n).toBe(20);
    // Resizing 28 → 32 → 28 blurs slightly: close to the same set, far from noise.
    expect(s.fidFmnist).toBeLessThan(30);
    expect(s.isFmnist.mean).toBeGreaterThan(1);
    const one = a.slice(0, 1);
    await expect(scoreImages(one, a, { classifier })).rejects.toThrow(/at least 2/);
    tf.dispose([a, rgb32, one]);
  });
});

describe('fid-fmnist / kid-fmnist / is-fmnist on real and degraded sets', () => {
  it('real test images score far better than noise, a single class and heavily blurred images', async () => {
    const real = await score(await take(test, span(0, N)));
    const noise = await score(uniformNoise(N, 1));
    const single = await score(await take(train, classIndices(train, 7, N)));
    const blurImages = await take(test, span(0, N));
    const blurred = await score(boxBlur(blurImages, 7));
    blurImages.dispose();
    for (const bad of [noise, single, blurred]) {
      expect(bad.fidFmnist).toBeGreaterThan(5 * real.fidFmnist);
      expect(bad.kidFmnist.mean).toBeGreaterThan(5 * Math.max(real.kidFmnist.mean, 1e-3));
    }
    // IS: real images spread over the 10 classes with confident predictions; one class gives ≈ 1.
    // (10 splits of 30 images underestimate p(y); one split of 300 comes close to the 5,000-image value ≈ 7.8.)
    expect(real.isFmnist.mean).toBeGreaterThan(6);
    expect(single.isFmnist.mean).toBeLessThan(1.3);
    const realImages = await take(test, span(0, N));
    const oneSplit = await scoreImages(realImages, ref, { classifier, kid: { subsets: 1, subsetSize: 50 }, isSplits: 1 });
    realImages.dispose();
    expect(oneSplit.isFmnist.mean).toBeGreaterThan(7);
    expect(oneSplit.isFmnist.std).toBe(0);
    expect(oneSplit.fidFmnist).toBeCloseTo(real.fidFmnist, 6);
    expect(real.n).toBe(N);
    expect(real.nReference).toBe(N);
  });

  it('refuses images with non-finite pixels (a diverged generator) instead of scoring them', async () => {
    const classifier = await loadMetricClassifier();
    const x = tf.tidy(() => tf.concat([tf.fill([3, 28, 28, 1], 0.5), tf.fill([1, 28, 28, 1], Number.NaN)]) as tf.Tensor4D);
    try {
      await expect(classifier.run(x, { batchSize: 2 })).rejects.toThrow(/images 2…3 hold non-finite pixel values/);
      await expect(scoreImages(x, x, { classifier })).rejects.toThrow(/non-finite pixel values/);
    } finally {
      x.dispose();
      classifier.dispose();
    }
  });

  it('orders increasingly blurred real images monotonically (box blur 1, 3, 5, 7)', async () => {
    const images = await take(test, span(0, N));
    const fids: number[] = [];
    const kids: number[] = [];
    for (const k of [1, 3, 5, 7]) {
      const s = await score(boxBlur(images, k));
      fids.push(s.fidFmnist);
      kids.push(s.kidFmnist.mean);
    }
    images.dispose();
    for (let i = 1; i < fids.length; i++) {
      expect(fids[i]!, `fid blur ${fids.join(', ')}`).toBeGreaterThan(fids[i - 1]!);
      expect(kids[i]!, `kid blur ${kids.join(', ')}`).toBeGreaterThan(kids[i - 1]!);
    }
  });
});
