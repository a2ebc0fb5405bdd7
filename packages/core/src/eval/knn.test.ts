import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadEvalFixture } from './__fixtures__/load.js';
import { knnAccuracy, knnPredict } from './knn.js';

let before = 0;
beforeEach(async () => {
  await tf.setBackend('cpu');
  before = tf.memory().numTensors;
});
afterEach(() => {
  expect(tf.memory().numTensors).toBe(before);
});

describe('knnPredict / knnAccuracy vs lightly knn_predict (PyTorch reference)', () => {
  const fx = loadEvalFixture();
  fx.knn.forEach((c, i) => {
    it(`case ${i}: k=${c.k}, τ=${c.temperature}, N=${c.trainEmb.length}`, () => {
      const preds = knnPredict(c.trainEmb, c.trainLabels, c.testEmb, { k: c.k, temperature: c.temperature, numClasses: c.numClasses, batchSize: 32 });
      expect(Array.from(preds)).toEqual(c.predictions);
      const acc = knnAccuracy(c.trainEmb, c.trainLabels, c.testEmb, c.testLabels, { k: c.k, temperature: c.temperature });
      expect(acc).toBeCloseTo(c.accuracy, 10);
    });
  });

  it('accepts tensors and typed arrays, and the batch size does not change the result', () => {
    const c = fx.knn[0]!;
    const train = tf.tensor2d(c.trainEmb);
    const test = tf.tensor2d(c.testEmb);
    const ytr = tf.tensor1d(c.trainLabels, 'int32');
    const yte = Int32Array.from(c.testLabels);
    const accT = knnAccuracy(train, ytr, test, yte, { k: c.k, temperature: c.temperature, batchSize: 7 });
    const accA = knnAccuracy(c.trainEmb.map((r) => Float32Array.from(r)), c.trainLabels, c.testEmb, c.testLabels, {
      k: c.k, temperature: c.temperature, batchSize: 1000,
    });
    expect(accT).toBeCloseTo(c.accuracy, 10);
    expect(accA).toBeCloseTo(c.accuracy, 10);
    expect(train.isDisposed).toBe(false); // caller's tensors are not consumed
    tf.dispose([train, test, ytr]);
  });
});

describe('knnAccuracy behaviour', () => {
  function clusters(n: number, d: number, c: number, spread: number, seed: number): { x: number[][]; y: number[] } {
    let s = seed;
    const rnd = (): number => {
      s = (s * 1664525 + 1013904223) >>> 0;
      return s / 4294967296 - 0.5;
    };
    const centers = Array.from({ length: c }, () => Array.from({ length: d }, () => rnd() * 4));
    const x: number[][] = [];
    const y: number[] = [];
    for (let i = 0; i < n; i++) {
      const label = i % c;
      x.push(centers[label]!.map((v) => v + spread * rnd()));
      y.push(label);
    }
    return { x, y };
  }

  it('is 1 on well-separated clusters and near chance on pure noise', () => {
    const tr = clusters(200, 8, 5, 0.2, 1);
    const te = clusters(100, 8, 5, 0.2, 1); // same centres (same seed), fresh order
    expect(knnAccuracy(tr.x, tr.y, te.x, te.y, { k: 20 })).toBe(1);
    const noiseTr = clusters(200, 8, 5, 50, 2);
    const noiseTe = clusters(200, 8, 5, 50, 3);
    const acc = knnAccuracy(noiseTr.x, noiseTr.y, noiseTe.x, noiseTe.y, { k: 20 });
    expect(acc).toBeLessThan(0.45);
  });

  it('clips k to the train size and survives a tiny temperature (no overflow)', () => {
    const tr = clusters(30, 4, 3, 0.3, 5);
    const te = clusters(30, 4, 3, 0.3, 5);
    expect(knnAccuracy(tr.x, tr.y, te.x, te.y, { k: 1000, temperature: 0.001 })).toBe(1);
  });

  it('gives errors naming the arguments and lengths', () => {
    const tr = clusters(10, 4, 2, 0.1, 1);
    expect(() => knnAccuracy(tr.x, tr.y.slice(0, 9), tr.x, tr.y)).toThrow(/trainLabels has 9 labels but trainEmb has 10 rows/);
    expect(() => knnAccuracy(tr.x, tr.y, tr.x, tr.y.slice(1))).toThrow(/testLabels has 9 labels but testEmb has 10 rows/);
    expect(() => knnAccuracy(tr.x, tr.y, tr.x.map((r) => r.slice(0, 3)), tr.y)).toThrow(/same dimension D.*\[10, 4\].*\[10, 3\]/);
    expect(() => knnAccuracy(tr.x, tr.y, tr.x, tr.y, { k: 0 })).toThrow(/k must be an integer >= 1/);
    expect(() => knnAccuracy(tr.x, tr.y, tr.x, tr.y, { temperature: 0 })).toThrow(/temperature/);
    expect(() => knnAccuracy(tr.x, [0.5, ...tr.y.slice(1)], tr.x, tr.y)).toThrow(/trainLabels\[0\] is 0.5/);
    expect(() => knnAccuracy(tr.x, tr.y, tr.x, tr.y, { numClasses: 1 })).toThrow(/numClasses is 1/);
    expect(() => knnAccuracy([], [], tr.x, tr.y)).toThrow(/trainEmb is empty/);
    const nan = tr.x.map((r) => r.slice());
    nan[4]![1] = NaN;
    expect(() => knnAccuracy(tr.x, tr.y, nan, tr.y)).toThrow(/testEmb contains NaN/);
    expect(() => knnAccuracy(nan, tr.y, tr.x, tr.y)).toThrow(/trainEmb contains NaN/);
    const t3 = tf.zeros([2, 2, 2]);
    expect(() => knnAccuracy(t3, [0, 1], tr.x, tr.y)).toThrow(/trainEmb must be a 2-D tensor \[N, D\], got shape \[2, 2, 2\]/);
    t3.dispose();
  });
});
