import { describe, expect, it } from 'vitest';
import { UsageError } from './args.js';
import { defaultKnnK, resolveKnnK } from './knn-k.js';

const repeat = (counts: number[]): Int32Array => Int32Array.from(counts.flatMap((c, label) => Array<number>(c).fill(label)));

describe('defaultKnnK', () => {
  it('is the preferred k when every class is larger', () => {
    expect(defaultKnnK(repeat([500, 500, 500]))).toBe(200);
    expect(defaultKnnK(repeat([500, 500]), 50)).toBe(50);
  });

  it('is capped by the smallest class present (k = 200 on ~130 per class would let other classes outvote)', () => {
    expect(defaultKnnK(repeat([130, 130, 130, 130]))).toBe(130);
    expect(defaultKnnK(repeat([1000, 1000, 7]))).toBe(7);
    // Absent class indices (no label 1 here) are not "classes of size 0".
    expect(defaultKnnK([0, 0, 0, 2, 2, 2, 2])).toBe(3);
  });

  it('is at most n - 1 and at least 1', () => {
    expect(defaultKnnK([4, 4, 4])).toBe(2);
    expect(defaultKnnK([0])).toBe(1);
    expect(defaultKnnK([0, 1])).toBe(1);
  });

  it('refuses empty or non-integer labels', () => {
    expect(() => defaultKnnK([])).toThrow(/no training labels/);
    expect(() => defaultKnnK([0, Number.NaN])).toThrow(/label 1 is NaN/);
  });
});

describe('resolveKnnK', () => {
  const labels = repeat([20, 30]);

  it('uses --knn-k when given, else the default, and says which', () => {
    expect(resolveKnnK({ 'knn-k': '5' }, labels)).toEqual({ k: 5, source: 'flag' });
    expect(resolveKnnK({}, labels)).toEqual({ k: 20, source: 'default' });
    expect(resolveKnnK({ 'knn-k': '50' }, labels)).toEqual({ k: 50, source: 'flag' });
  });

  it('refuses k < 1 and k above the training set size', () => {
    expect(() => resolveKnnK({ 'knn-k': '0' }, labels)).toThrow("--knn-k must be an integer >= 1, got '0'");
    expect(() => resolveKnnK({ 'knn-k': '51' }, labels)).toThrow(UsageError);
    expect(() => resolveKnnK({ 'knn-k': '51' }, labels)).toThrow(/--knn-k 51 exceeds the 50 training examples/);
  });
});
