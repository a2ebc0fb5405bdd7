import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { useCpuLeakCheck } from '@contrastive/test-utils';
import type { ViewPair } from '../augment/presets.js';
import { simclrViews } from '../augment/presets.js';
import type { ImageDataset } from '../io/dataset.js';
import { knnAccuracy, linearProbe } from '@contrastive/core';
import { embedDataset, scoreEncoder, scoreRawPixels, viewAlignmentUniformity } from './evaluate.js';

useCpuLeakCheck();

/** 40 random 6×6×1 images (seeded), kept as plain numbers so the dataset owns no tensors. */
function dataset(n = 40): ImageDataset {
  const data = Float32Array.from({ length: n * 36 }, (_, i) => ((i * 7919) % 101) / 100);
  return {
    size: n,
    height: 6,
    width: 6,
    channels: 1,
    labels: null,
    classNames: null,
    source: 'memory',
    read: async (idx) => tf.tidy(() => tf.gather(tf.tensor4d(data, [n, 6, 6, 1]), tf.tensor1d(idx, 'int32'))),
  };
}

const identity: ViewPair = [(x) => x.clone(), (x) => x.clone()];
const flatten = () => tf.sequential({ layers: [tf.layers.flatten({ inputShape: [6, 6, 1] })] });

describe('viewAlignmentUniformity', () => {
  it('a collapsed (constant) encoder scores alignment 0 and uniformity 0', async () => {
    const enc = tf.sequential({
      layers: [
        tf.layers.flatten({ inputShape: [6, 6, 1] }),
        tf.layers.dense({ units: 4, kernelInitializer: 'zeros', biasInitializer: 'ones' }),
      ],
    });
    const r = await viewAlignmentUniformity(enc, dataset(), simclrViews({ scale: [0.2, 1], blur: false }), { batchSize: 16 });
    expect(r.alignment).toBeCloseTo(0, 6);
    expect(r.uniformity).toBeCloseTo(0, 6);
    enc.dispose();
  });

  it('identical views align perfectly; augmented views do not; spread inputs have negative uniformity', async () => {
    const enc = flatten();
    const same = await viewAlignmentUniformity(enc, dataset(), identity, { batchSize: 16 });
    expect(same.alignment).toBeCloseTo(0, 5);
    expect(same.uniformity).toBeLessThan(-0.05);
    const aug = await viewAlignmentUniformity(enc, dataset(), simclrViews({ scale: [0.2, 1], blur: false }), { batchSize: 16, seed: 3 });
    expect(aug.alignment).toBeGreaterThan(0.001);
    expect(aug.alignment).toBeLessThanOrEqual(4);
    // Seeded: the same call gives the same numbers; maxImages limits the images used.
    const again = await viewAlignmentUniformity(enc, dataset(), simclrViews({ scale: [0.2, 1], blur: false }), { batchSize: 16, seed: 3 });
    expect(again).toEqual(aug);
    const few = await viewAlignmentUniformity(enc, dataset(), identity, { maxImages: 5 });
    expect(few.uniformity).not.toBeCloseTo(same.uniformity, 6);
    enc.dispose();
  });
});

describe('embedDataset', () => {
  it('embeds every image in order, with a progress bar (images/s, count) when given a stream', async () => {
    const enc = flatten();
    const plain = await embedDataset(enc, dataset(), { batchSize: 16 });
    const writes: string[] = [];
    const tty = { isTTY: true, write: (s: string) => void writes.push(s) };
    const shown = await embedDataset(enc, dataset(), { batchSize: 16, progress: tty, label: 'embedding --data' });
    expect(plain.shape).toEqual([40, 36]);
    expect(Array.from(shown.dataSync())).toEqual(Array.from(plain.dataSync()));
    // Row 3 is image 3 (dataset order, no shuffling).
    const want = Float32Array.from({ length: 36 }, (_, j) => (((3 * 36 + j) * 7919) % 101) / 100);
    expect(Array.from(tf.tidy(() => plain.slice([3, 0], [1, 36]).dataSync())).map((v) => v.toFixed(5))).toEqual(
      Array.from(want).map((v) => v.toFixed(5)),
    );
    const text = writes.join('');
    expect(text).toMatch(/embedding --data {2}\[#+\.*\] 16\/40 {2}[\d.]+ images\/s {2}ETA/);
    expect(text).not.toMatch(/loss/);
    expect(text.endsWith('\n')).toBe(true);
    tf.dispose([plain, shown]);
    enc.dispose();
  });
});

describe('scoreEncoder', () => {
  it('scores kNN and the probe, showing bars for both embedding passes and the probe', async () => {
    const enc = flatten();
    const labels = Int32Array.from({ length: 40 }, (_, i) => i % 2);
    const ds: ImageDataset = { ...dataset(), labels, classNames: ['a', 'b'] };
    const writes: string[] = [];
    const s = await scoreEncoder(enc, ds, ds, {
      seed: 1,
      probeEpochs: 3,
      progress: { isTTY: true, write: (x: string) => void writes.push(x) },
    });
    expect(s.knnAccuracy).toBeGreaterThanOrEqual(0);
    expect(s.linearProbeAccuracy).toBeGreaterThanOrEqual(0);
    expect(s.testEmbeddings.shape).toEqual([40, 36]);
    const text = writes.join('');
    expect(text).toMatch(/embedding --data .* 40\/40 .*images\/s/);
    expect(text).toMatch(/embedding --eval-data .* 40\/40 .*images\/s/);
    expect(text).toMatch(/linear probe {2}\[#{20}\] 3\/3 {2}[\d.]+ epochs\/s/); // the last state is always drawn
    s.testEmbeddings.dispose();
    enc.dispose();
  });
});

describe('scoreRawPixels', () => {
  it('is the kNN (k 200, τ 0.1) and the probe on the flattened pixels, image by image in dataset order', async () => {
    const labels = Int32Array.from({ length: 40 }, (_, i) => (i * 7) % 3);
    const ds: ImageDataset = { ...dataset(), labels, classNames: ['a', 'b', 'c'] };
    const test: ImageDataset = { ...dataset(), labels: Int32Array.from(labels).reverse(), classNames: ['a', 'b', 'c'] };
    const raw = await scoreRawPixels(ds, test, { seed: 2, probeEpochs: 4 });
    const x = tf.tensor2d(
      Float32Array.from({ length: 40 * 36 }, (_, i) => ((i * 7919) % 101) / 100),
      [40, 36],
    );
    const knn = knnAccuracy(x, labels, x, test.labels!, { k: 200, temperature: 0.1 });
    const probe = linearProbe(x, labels, x, test.labels!, { seed: 2, epochs: 4 });
    expect(raw.knnAccuracy).toBeCloseTo(knn, 6);
    expect(raw.linearProbeAccuracy).toBeCloseTo(probe.accuracy, 6);
    x.dispose();
  });
});
