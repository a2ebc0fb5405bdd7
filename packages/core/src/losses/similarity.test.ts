import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { useCpuLeakCheck } from '@contrastive/test-utils';
import { cosineDistance, euclidean, squaredEuclidean } from './distances.js';
import { cosineSimilarityMatrix, l2Normalize, offDiagonalMask, twoViewNegativeMask } from './similarity.js';

useCpuLeakCheck();

describe('similarity and distance helpers', () => {
  it('l2Normalize gives unit rows and maps a zero row to zeros (no NaN)', () => {
    const x = tf.tensor2d([
      [3, 4],
      [0, 0],
    ]);
    const y = l2Normalize(x);
    const v = Array.from(y.dataSync());
    [0.6, 0.8, 0, 0].forEach((w, i) => expect(v[i]!).toBeCloseTo(w, 6));
    tf.dispose([x, y]);
  });

  it('cosineSimilarityMatrix is the matrix of row cosines', () => {
    const a = tf.tensor2d([
      [1, 0],
      [1, 1],
    ]);
    const b = tf.tensor2d([
      [0, 2],
      [-3, 0],
      [2, 2],
    ]);
    const s = cosineSimilarityMatrix(a, b);
    const want = [0, -1, Math.SQRT1_2, Math.SQRT1_2, -Math.SQRT1_2, 1];
    Array.from(s.dataSync()).forEach((v, i) => expect(v).toBeCloseTo(want[i]!, 6));
    tf.dispose([a, b, s]);
  });

  it('row distances agree with hand-computed values', () => {
    const a = tf.tensor2d([
      [0, 0],
      [1, 0],
    ]);
    const b = tf.tensor2d([
      [3, 4],
      [-2, 0],
    ]);
    const sq = squaredEuclidean(a, b);
    const eu = euclidean(a, b);
    const co = cosineDistance(a, b);
    expect(Array.from(sq.dataSync())).toEqual([25, 9]);
    expect(Array.from(eu.dataSync())).toEqual([5, 3]);
    expect(co.dataSync()[1]!).toBeCloseTo(2, 6);
    tf.dispose([a, b, sq, eu, co]);
  });

  it('two-view negative mask excludes self and the other view; off-diagonal mask excludes self', () => {
    const m = twoViewNegativeMask(2);
    expect(m.arraySync()).toEqual([
      [0, 1, 0, 1],
      [1, 0, 1, 0],
      [0, 1, 0, 1],
      [1, 0, 1, 0],
    ]);
    const o = offDiagonalMask(2);
    expect(o.arraySync()).toEqual([
      [0, 1],
      [1, 0],
    ]);
    tf.dispose([m, o]);
  });
});

describe('l2Normalize on an all-zero row', () => {
  it('gives zeros and a finite gradient (the row of an isolated node whose input dropout removed)', () => {
    const x = tf.tensor2d([
      [3, 4],
      [0, 0],
    ]);
    const y = l2Normalize(x);
    expect(y.arraySync()).toEqual([
      [expect.closeTo(0.6, 6), expect.closeTo(0.8, 6)],
      [0, 0],
    ]);
    const g = tf.grad((t: tf.Tensor) =>
      tf.sum(
        tf.mul(
          l2Normalize(t),
          tf.tensor2d([
            [1, 2],
            [3, 4],
          ]),
        ),
      ),
    )(x);
    const values = Array.from(g.dataSync());
    expect(values.every(Number.isFinite)).toBe(true);
    // Non-zero row: d/dx of (x/‖x‖)·w = (w − (x̂·w) x̂)/‖x‖ with x̂ = (0.6, 0.8), w = (1, 2): x̂·w = 2.2.
    expect(values[0]).toBeCloseTo((1 - 2.2 * 0.6) / 5, 6);
    expect(values[1]).toBeCloseTo((2 - 2.2 * 0.8) / 5, 6);
    tf.dispose([x, y, g]);
  });
});
