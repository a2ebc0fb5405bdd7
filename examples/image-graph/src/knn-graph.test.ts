import { describe, expect, it } from 'vitest';
import { knnGraphEdges } from './knn-graph.js';

describe('knnGraphEdges', () => {
  it('joins each point to its k most cosine-similar others, never itself, ties by index', () => {
    // Four 2-d points: 0 and 1 point the same way, 2 and 3 the opposite way.
    const x = Float32Array.from([1, 0, 2, 0.1, -1, 0, -3, -0.1]);
    expect(knnGraphEdges(x, 4, 2, 1)).toEqual([
      [0, 1],
      [1, 0],
      [2, 3],
      [3, 2],
    ]);
    const two = knnGraphEdges(x, 4, 2, 2);
    expect(two.filter(([i]) => i === 0).map(([, j]) => j)).toEqual([1, 3]);
    expect(two.every(([i, j]) => i !== j)).toBe(true);
  });

  it('refuses a k that the data cannot give and mismatched sizes', () => {
    expect(() => knnGraphEdges(new Float32Array(4), 2, 2, 2)).toThrow(/k must be an integer in \[1, 1\]/);
    expect(() => knnGraphEdges(new Float32Array(3), 2, 2, 1)).toThrow(/n·dim = 4/);
  });
});
