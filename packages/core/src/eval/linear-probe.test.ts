import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { useCpuLeakCheck } from '@contrastive/test-utils';
import { loadEvalFixture } from './__fixtures__/load.js';
import { linearProbe } from './linear-probe.js';

useCpuLeakCheck();

describe('linearProbe', () => {
  it("reaches sklearn LogisticRegression's accuracy on the reference fixture", () => {
    const { probe } = loadEvalFixture();
    const res = linearProbe(probe.trainX, probe.trainY, probe.testX, probe.testY, { epochs: 60, seed: 1 });
    expect(Math.abs(res.accuracy - probe.sklearnAccuracy)).toBeLessThanOrEqual(0.03);
    expect(Math.abs(res.trainAccuracy - probe.sklearnTrainAccuracy)).toBeLessThanOrEqual(0.03);
    expect(res.numClasses).toBe(5);
    expect(res.trainLoss).toBeGreaterThan(0);
  });

  it('is deterministic for a seed', () => {
    const { probe } = loadEvalFixture();
    const a = linearProbe(probe.trainX.slice(0, 200), probe.trainY.slice(0, 200), probe.testX, probe.testY, { epochs: 5, seed: 3 });
    const seen: string[] = [];
    const b = linearProbe(probe.trainX.slice(0, 200), probe.trainY.slice(0, 200), probe.testX, probe.testY, {
      epochs: 5,
      seed: 3,
      onEpoch: (done, of) => void seen.push(`${done}/${of}`),
    });
    expect(a).toEqual(b); // the callback changes nothing
    expect(seen).toEqual(['1/5', '2/5', '3/5', '4/5', '5/5']);
  });

  it('returns the test probabilities only when asked, without changing the other results', () => {
    const { probe } = loadEvalFixture();
    const opts = { epochs: 3, seed: 2 };
    const plain = linearProbe(probe.trainX, probe.trainY, probe.testX, probe.testY, opts);
    expect(plain.testProbabilities).toBeUndefined();
    const res = linearProbe(probe.trainX, probe.trainY, probe.testX, probe.testY, { ...opts, returnProbabilities: true });
    const { testProbabilities, ...rest } = res;
    expect(rest).toEqual(plain);
    const m = probe.testX.length;
    expect(testProbabilities).toHaveLength(m * 5);
    let correct = 0;
    for (let i = 0; i < m; i++) {
      const row = Array.from(testProbabilities!.subarray(5 * i, 5 * i + 5));
      expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
      if (row.indexOf(Math.max(...row)) === probe.testY[i]) correct++;
    }
    expect(correct / m).toBeCloseTo(res.accuracy, 10); // the argmax of the probabilities is the prediction
  });

  it('is 100% on linearly separable data (tensor inputs, unstandardised)', () => {
    // Three classes separated along different axes, with a large offset and scale.
    const x: number[][] = [];
    const y: number[] = [];
    for (let i = 0; i < 90; i++) {
      const c = i % 3;
      const jitter = ((i * 7919) % 13) / 13 - 0.5;
      x.push([100 + (c === 0 ? 5 : 0) + jitter, -50 + (c === 1 ? 5 : 0) - jitter, c === 2 ? 5 : jitter * 0.5]);
      y.push(c);
    }
    const xt = tf.tensor2d(x);
    const yt = tf.tensor1d(y, 'int32');
    const res = linearProbe(xt, yt, xt, yt, { epochs: 100, batchSize: 32, standardize: false });
    expect(res.trainAccuracy).toBe(1);
    expect(res.accuracy).toBe(1);
    tf.dispose([xt, yt]);
  });

  it('rejects mismatched inputs with errors naming both lengths', () => {
    const x = [
      [0, 1],
      [1, 0],
      [1, 1],
    ];
    expect(() => linearProbe(x, [0, 1], x, [0, 1, 0])).toThrow(/trainY has 2 labels but trainX has 3 rows/);
    expect(() => linearProbe(x, [0, 1, 0], [[1, 2, 3]], [0])).toThrow(/same dimension D/);
    expect(() => linearProbe(x, [0, 1, 0], x, [0, 1, 0], { lr: -1 })).toThrow(/lr must be/);
    expect(() => linearProbe(x, [0, 1, 0], x, [0, 1, 0], { learningRate: -1 })).toThrow(/learningRate must be/);
    expect(() => linearProbe(x, [0, 1, 0], x, [0, 1, 0], { learningRate: 0.1, lr: 0.1 })).toThrow(/not both/);
    expect(() => linearProbe(x, [0, 1, 0], x, [0, 1, 0], { epochs: 0 })).toThrow(/epochs must be an integer >= 1/);
    expect(() =>
      linearProbe(
        [
          [0, 1],
          [NaN, 0],
          [1, 1],
        ],
        [0, 1, 0],
        x,
        [0, 1, 0],
      ),
    ).toThrow(/trainX contains NaN/);
  });
});
