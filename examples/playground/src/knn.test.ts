import * as tf from '@tensorflow/tfjs';
import { createRng, initBackend, knnAccuracy } from '@contrastive/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { knnAccuracyHost } from './knn.js';

describe('knnAccuracyHost', () => {
  beforeAll(() => initBackend({ backend: 'cpu', log: false }));

  it("agrees with core's knnAccuracy on clustered random data", () => {
    const rng = createRng(5);
    const [n, m, dim, classes] = [300, 120, 16, 4];
    const centres = Array.from({ length: classes }, () => Array.from({ length: dim }, () => rng.normal()));
    const make = (rows: number) => {
      const labels = Int32Array.from({ length: rows }, () => Math.floor(rng.uniform() * classes));
      const x = new Float32Array(rows * dim);
      labels.forEach((y, r) => {
        for (let j = 0; j < dim; j++) x[r * dim + j] = centres[y]![j]! + 1.5 * rng.normal();
      });
      return { x, labels };
    };
    const ref = make(n);
    const q = make(m);
    for (const k of [1, 5, 20, 200]) {
      const ours = knnAccuracyHost(ref.x, ref.labels, q.x, q.labels, dim, { k });
      const core = tf.tidy(() => knnAccuracy(tf.tensor2d(ref.x, [n, dim]), ref.labels, tf.tensor2d(q.x, [m, dim]), q.labels, { k }));
      expect(ours).toBe(core);
      expect(ours).toBeGreaterThan(0.25); // clustered: better than chance
    }
  });

  it('votes by similarity: the nearest labelled rows win', () => {
    const ref = Float32Array.from([1, 0, 0.9, 0.1, 0, 1]);
    expect(
      knnAccuracyHost(ref, Int32Array.from([0, 0, 1]), Float32Array.from([1, 0.05, 0.1, 1]), Int32Array.from([0, 1]), 2, { k: 1 }),
    ).toBe(1);
    expect(() => knnAccuracyHost(ref, Int32Array.from([0, 0]), Float32Array.from([1, 0]), Int32Array.from([0]), 2)).toThrow(/do not match/);
  });
});
