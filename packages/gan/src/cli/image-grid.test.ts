import { describe, expect, it } from 'vitest';
import { slerpPath } from './image-grid.js';

describe('slerpPath', () => {
  it('starts at a, ends at b, keeps the norm between orthogonal unit vectors, and is linear for parallel ones', () => {
    const a = Float32Array.from([1, 0]);
    const b = Float32Array.from([0, 1]);
    const path = slerpPath(a, b, 5);
    expect(path).toHaveLength(5);
    expect(Array.from(path[0]!)).toEqual([1, 0]);
    expect(path[4]![0]).toBeCloseTo(0, 6);
    expect(path[4]![1]).toBeCloseTo(1, 6);
    for (const p of path) expect(Math.hypot(p[0]!, p[1]!)).toBeCloseTo(1, 5);
    expect(path[2]![0]).toBeCloseTo(Math.SQRT1_2, 5);
    const lin = slerpPath(Float32Array.from([1, 1]), Float32Array.from([2, 2]), 3);
    expect(Array.from(lin[1]!)).toEqual([1.5, 1.5]);
    expect(() => slerpPath(a, Float32Array.from([1]), 3)).toThrow(/differ in length/);
    expect(() => slerpPath(a, b, 1)).toThrow(/steps must be an integer >= 2/);
  });
});
