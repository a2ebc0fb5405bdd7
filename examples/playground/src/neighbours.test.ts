import { describe, expect, it } from 'vitest';
import { cosineNeighbours, pixelNeighbours } from './neighbours.js';

describe('neighbours', () => {
  // Four 2-d rows: 0 and 1 point the same way (different lengths), 2 is orthogonal, 3 opposite to 0.
  const rows = Float32Array.from([1, 0, 5, 0.1, 0, 1, -1, 0]);

  it('ranks by cosine similarity, ignoring length, excluding the query', () => {
    expect(cosineNeighbours(rows, 2, 0, 3)).toEqual([1, 2, 3]);
    expect(cosineNeighbours(rows, 2, 3, 1)).toEqual([2]);
  });

  it('ranks raw pixels by Euclidean distance', () => {
    expect(pixelNeighbours(rows, 2, 0, 3)).toEqual([2, 3, 1]); // |(1,0)-(0,1)|² = 2 < |(1,0)-(-1,0)|² = 4 < 16.01
  });

  it('returns fewer than k when there are fewer other rows, and breaks ties by index', () => {
    expect(pixelNeighbours(Uint8Array.from([0, 0, 0]), 1, 1, 5)).toEqual([0, 2]);
  });

  it('rejects a query outside the rows and a dim that does not divide them', () => {
    expect(() => cosineNeighbours(rows, 2, 4, 1)).toThrow(/query 4/);
    expect(() => cosineNeighbours(rows, 3, 0, 1)).toThrow(/do not split/);
    expect(() => pixelNeighbours(rows, 2, 0, 0)).toThrow(/k must be/);
  });
});
