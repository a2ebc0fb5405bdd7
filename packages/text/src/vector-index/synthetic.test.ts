import { createRng } from '@contrastive/core';
import { describe, expect, it } from 'vitest';
import { recallAtK } from './recall.js';
import { clusteredUnitVectors } from './synthetic.js';

describe('clusteredUnitVectors', () => {
  it('gives unit rows, the same for the same seed, and clusters (neighbours closer than random pairs)', () => {
    const a = clusteredUnitVectors({ count: 200, dim: 16, clusters: 4, spread: 0.5 }, createRng(3));
    const b = clusteredUnitVectors({ count: 200, dim: 16, clusters: 4, spread: 0.5 }, createRng(3));
    const c = clusteredUnitVectors({ count: 200, dim: 16, clusters: 4, spread: 0.5 }, createRng(4));
    expect(a.vectors).toEqual(b.vectors);
    expect(a.vectors).not.toEqual(c.vectors);
    let meanCos = 0;
    for (let i = 0; i < 200; i++) {
      let sq = 0;
      let dot = 0;
      for (let j = 0; j < 16; j++) {
        sq += a.vectors[i * 16 + j]! ** 2;
        dot += a.vectors[j]! * a.vectors[i * 16 + j]!;
      }
      expect(sq).toBeCloseTo(1, 5);
      meanCos += dot / 200;
    }
    // With 4 tight clusters a quarter of the rows share row 0's cluster (cos ≈ 0.8) and the rest are unrelated
    // (cos ≈ 0): the mean is well above the ~0 of uniform vectors.
    expect(meanCos).toBeGreaterThan(0.1);
    expect(() => clusteredUnitVectors({ count: 2, dim: 0 }, createRng(1))).toThrow(/dim/);
  });
});

describe('recallAtK', () => {
  const h = (...keys: number[]) => keys.map((key) => ({ key, score: 0 }));
  it('counts the exact top-k keys found, over all queries', () => {
    expect(recallAtK([h(1, 2, 3), h(4, 9)], [h(1, 2, 5), h(4, 5)], 3)).toBeCloseTo(3 / 5);
    expect(recallAtK([h(1, 2)], [h(1, 2, 3)], 2)).toBe(1); // only the top 2 of the truth count at k = 2
    expect(recallAtK([], [], 10)).toBe(1);
    expect(() => recallAtK([h(1)], [], 1)).toThrow(/1 approximate result lists for 0 queries/);
  });
});
