import * as tf from '@tensorflow/tfjs';
import type { ViewMaker } from '@contrastive/core';
import { describe, expect, it } from 'vitest';
import { useCpuLeakCheck } from '@contrastive/test-utils';
import { invclrViews } from '../augment/invclr-views.js';
import type { ImageDataset } from '../io/dataset.js';
import { scoreEncoder } from './evaluate.js';

useCpuLeakCheck();

/** 30 labeled 6×6×1 images in 3 classes (brightness patterns), as plain numbers. */
function dataset(n = 30, offset = 0): ImageDataset {
  const labels = Int32Array.from({ length: n }, (_, i) => i % 3);
  const data = Float32Array.from({ length: n * 36 }, (_, i) => {
    const img = Math.floor(i / 36);
    const px = i % 36;
    return Math.min(1, 0.15 + 0.3 * labels[img]! + 0.1 * Math.sin(px * (labels[img]! + 1) + img + offset));
  });
  return {
    size: n,
    height: 6,
    width: 6,
    channels: 1,
    labels,
    classNames: null,
    source: 'memory',
    read: async (idx) => tf.tidy(() => tf.gather(tf.tensor4d(data, [n, 6, 6, 1]), tf.tensor1d(idx, 'int32'))),
  };
}

const encoder = () =>
  tf.sequential({
    layers: [
      tf.layers.flatten({ inputShape: [6, 6, 1] }),
      tf.layers.dense({ units: 5, kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }), useBias: false }),
    ],
  });
const identity = (x: tf.Tensor4D) => x.clone();
const opts = { knnK: 5, probeEpochs: 5, batchSize: 8, seed: 2 };

async function score(evalPasses: number | undefined, evalView: ViewMaker<tf.Tensor4D> = identity) {
  const enc = encoder();
  try {
    const s = await scoreEncoder(enc, dataset(), dataset(15, 7), {
      ...opts,
      ...(evalPasses === undefined ? {} : { evalPasses, evalView }),
    });
    const emb = Array.from(s.testEmbeddings.dataSync());
    s.testEmbeddings.dispose();
    return { knn: s.knnAccuracy, probe: s.linearProbeAccuracy, emb, cv: s.conditionalVariance };
  } finally {
    enc.dispose();
  }
}

describe('scoreEncoder with test-time feature averaging (--eval-passes)', () => {
  it('M = 1 is the plain scoring; M > 1 of a view that changes nothing gives the same embeddings and no variance', async () => {
    const plain = await score(undefined);
    expect(await score(1)).toEqual(plain);
    const invariant = await score(4);
    invariant.emb.forEach((v, i) => expect(v).toBeCloseTo(plain.emb[i]!, 5));
    expect(invariant.cv).toBeCloseTo(0, 8);
    expect(plain.cv).toBeUndefined();
  });

  it("averages M passes of the run's views: deterministic by seed, a positive conditional variance, other embeddings", async () => {
    const [view] = invclrViews({ scale: [0.5, 1] });
    const a = await score(5, view);
    const b = await score(5, view);
    expect(b).toEqual(a);
    expect(a.cv!).toBeGreaterThan(1e-4);
    const plain = await score(undefined);
    expect(a.emb).not.toEqual(plain.emb);
  });

  it('refuses M < 1 and M > 1 without a view, naming them', async () => {
    const enc = encoder();
    await expect(scoreEncoder(enc, dataset(), dataset(), { ...opts, evalPasses: 0 })).rejects.toThrow(
      /evalPasses must be an integer >= 1, got 0/,
    );
    await expect(scoreEncoder(enc, dataset(), dataset(), { ...opts, evalPasses: 3 })).rejects.toThrow(/evalPasses > 1 needs evalView/);
    enc.dispose();
  });
});
