import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { useCpuLeakCheck } from '@contrastive/test-utils';
import { loadEvalFixture } from './__fixtures__/load.js';
import { l2Normalize } from '../losses/index.js';
import { knnAccuracy, knnPredict } from './knn.js';

useCpuLeakCheck();

describe('knnPredict / knnAccuracy vs lightly knn_predict (PyTorch reference)', () => {
  const fx = loadEvalFixture();
  fx.knn.forEach((c, i) => {
    it(`case ${i}: k=${c.k}, τ=${c.temperature}, N=${c.trainEmb.length}`, () => {
      const preds = knnPredict(c.trainEmb, c.trainLabels, c.testEmb, {
        k: c.k,
        temperature: c.temperature,
        numClasses: c.numClasses,
        batchSize: 32,
      });
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
    const accA = knnAccuracy(
      c.trainEmb.map((r) => Float32Array.from(r)),
      c.trainLabels,
      c.testEmb,
      c.testLabels,
      {
        k: c.k,
        temperature: c.temperature,
        batchSize: 1000,
      },
    );
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
    expect(() =>
      knnAccuracy(
        tr.x,
        tr.y,
        tr.x.map((r) => r.slice(0, 3)),
        tr.y,
      ),
    ).toThrow(/same dimension D.*\[10, 4\].*\[10, 3\]/);
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

describe('knnPredict k-selection edge cases (ties, k = train size)', () => {
  /** The previous tf.topk implementation, kept as the reference for the host-side selection. */
  function topkReference(train: number[][], ytr: number[], test: number[][], k: number, tau: number, numClasses: number): number[] {
    const kk = Math.min(k, train.length);
    const [vals, idx] = tf.tidy(() => {
      const sim = tf.matMul(l2Normalize(tf.tensor2d(test)), l2Normalize(tf.tensor2d(train)), false, true);
      const top = tf.topk(sim, kk, true);
      return [top.values, top.indices];
    });
    const v = vals.dataSync();
    const ix = idx.dataSync();
    tf.dispose([vals, idx]);
    return test.map((_, r) => {
      const scores = new Float64Array(numClasses);
      for (let j = 0; j < kk; j++) scores[ytr[ix[r * kk + j]!]!]! += Math.exp((v[r * kk + j]! - v[r * kk]!) / tau);
      let best = 0;
      for (let c = 1; c < numClasses; c++) if (scores[c]! > scores[best]!) best = c;
      return best;
    });
  }

  // 12 distinct directions, each stored 3 times with different labels, so equal similarities straddle
  // every k boundary and the lower-train-index rule decides which copies vote.
  const base = [
    [1, 0, 0],
    [0, 1, 0],
    [0, 0, 1],
    [1, 1, 0],
    [0, 1, 1],
    [1, 0, 1],
    [1, 1, 1],
    [2, 1, 0],
    [0, 2, 1],
    [1, 0, 2],
    [2, 2, 1],
    [1, 2, 2],
  ];
  const train: number[][] = [];
  const ytr: number[] = [];
  base.forEach((row, i) => {
    for (let copy = 0; copy < 3; copy++) {
      train.push(row.map((x) => x * 2 ** copy)); // power-of-2 scaled copies: bit-identical after L2 normalisation
      ytr.push((i + copy * 2) % 5);
    }
  });
  const test = [...base, [3, 1, 1], [1, 3, 1], [-1, 0.5, 0.2], [0.3, -1, 2]];

  it('the copies really tie: k = 1 on the base directions takes each first copy', () => {
    expect(Array.from(knnPredict(train, ytr, base, { k: 1, numClasses: 5 }))).toEqual(base.map((_, i) => i % 5));
  });

  for (const k of [1, 2, 3, 4, 10, 35, 36, 1000]) {
    for (const tau of [0.1, 5]) {
      it(`matches the tf.topk reference with tied neighbours (k=${k}, τ=${tau}, N=36)`, () => {
        const want = topkReference(train, ytr, test, k, tau, 5);
        for (const batchSize of [1, 5, 256]) {
          expect(Array.from(knnPredict(train, ytr, test, { k, temperature: tau, numClasses: 5, batchSize }))).toEqual(want);
        }
      });
    }
  }

  it('k = 1 picks the lowest-index copy among equal similarities; equal votes pick the lowest class', () => {
    const tr = [
      [1, 0],
      [2, 0],
      [0, 1],
      [0, 3],
    ];
    // Row 0 and 1 tie (same direction): k=1 takes row 0's label 4, not row 1's 2.
    expect(
      Array.from(
        knnPredict(
          tr,
          [4, 2, 3, 1],
          [
            [5, 0],
            [0, 1],
          ],
          { k: 1 },
        ),
      ),
    ).toEqual([4, 3]);
    // k=2: labels 4 and 2 get equal votes → class 2; labels 3 and 1 → class 1.
    expect(
      Array.from(
        knnPredict(
          tr,
          [4, 2, 3, 1],
          [
            [5, 0],
            [0, 1],
          ],
          { k: 2 },
        ),
      ),
    ).toEqual([2, 1]);
    // k = N = 4 with τ large: every class gets a near-equal vote, the closer pair wins.
    expect(
      Array.from(
        knnPredict(
          tr,
          [4, 2, 3, 1],
          [
            [5, 0],
            [0, 1],
          ],
          { k: 4, temperature: 0.5 },
        ),
      ),
    ).toEqual([2, 1]);
  });
});
