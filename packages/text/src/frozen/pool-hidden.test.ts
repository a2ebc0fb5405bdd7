import { describe, expect, it } from 'vitest';
import { useCpuLeakCheck } from '@contrastive/test-utils';
import { l2NormalizeInPlace, poolHidden } from './pool-hidden.js';

describe('poolHidden', () => {
  useCpuLeakCheck();

  // 2 rows, 3 positions, 2 features; row 1 has one padded position holding a large value that must be ignored.
  const hidden = [1, 2, 3, 4, 5, 6, /* row 1 */ -1, 0, 1, 2, 100, 100];
  const mask = [1, 1, 1, 1, 1, 0];

  it('takes the first vector for cls and the masked average for mean', () => {
    expect(poolHidden(hidden, mask, [2, 3, 2], 'cls').map((v) => Array.from(v))).toEqual([
      [1, 2],
      [-1, 0],
    ]);
    expect(poolHidden(hidden, mask, [2, 3, 2], 'mean').map((v) => Array.from(v))).toEqual([
      [3, 4],
      [0, 1],
    ]);
  });

  it('names the argument when the sizes do not match the shape', () => {
    expect(() => poolHidden(hidden, mask, [2, 3, 3], 'mean')).toThrow(/hidden must have 2\*3\*3 = 18 values, got 12/);
    expect(() => poolHidden(hidden, [1, 1], [2, 3, 2], 'mean')).toThrow(/mask must have 2\*3 = 6 values, got 2/);
    expect(() => poolHidden(hidden, mask, [2, 3, 2], 'last2avg' as 'mean')).toThrow(/pooling must be 'cls' or 'mean'/);
  });

  it('l2-normalises in place and leaves a zero vector at zero', () => {
    const v = new Float32Array([3, 4]);
    expect(l2NormalizeInPlace(v)).toBe(v);
    expect(Array.from(v)).toEqual([Math.fround(0.6), Math.fround(0.8)]);
    expect(Array.from(l2NormalizeInPlace(new Float32Array(3)))).toEqual([0, 0, 0]);
  });
});
