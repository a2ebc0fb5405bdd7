import { describe, expect, it } from 'vitest';
import { useCpuLeakCheck } from '@contrastive/test-utils';
import { stratifiedSplit } from './stratified-split.js';

useCpuLeakCheck();

describe('stratifiedSplit', () => {
  it('holds out round(fraction · n_c) of every class, at least one of a class of two or more, none of a singleton', () => {
    // class 0: 10 items, class 1: 5, class 2: 2, class 3: 1
    const labels = [...Array(10).fill(0), ...Array(5).fill(1), 2, 2, 3];
    const { train, test } = stratifiedSplit(labels, 0.2, 7);
    const count = (idx: Int32Array, c: number) => Array.from(idx).filter((i) => labels[i] === c).length;
    expect([0, 1, 2, 3].map((c) => count(test, c))).toEqual([2, 1, 1, 0]);
    expect([0, 1, 2, 3].map((c) => count(train, c))).toEqual([8, 4, 1, 1]);
    // A partition of all items, both sides sorted.
    expect([...train, ...test].sort((a, b) => a - b)).toEqual(labels.map((_, i) => i));
    expect(Array.from(test)).toEqual([...test].sort((a, b) => a - b));
    expect(Array.from(train)).toEqual([...train].sort((a, b) => a - b));
  });

  it('is a function of labels, fraction and seed: same seed same split, another seed another split', () => {
    const labels = Array.from({ length: 200 }, (_, i) => i % 4);
    const a = stratifiedSplit(labels, 0.25, 1);
    expect(stratifiedSplit(labels, 0.25, 1)).toEqual(a);
    expect(Array.from(stratifiedSplit(labels, 0.25, 2).test)).not.toEqual(Array.from(a.test));
    expect(a.test.length).toBe(48 + 4); // 50 per class × 0.25 = 12.5 → 13 per class
  });

  it('never empties a class of its training items, and rejects a bad fraction or label by name', () => {
    const { train } = stratifiedSplit([0, 0, 1, 1], 0.9, 0);
    expect(train.length).toBe(2);
    expect(() => stratifiedSplit([0, 1], 1)).toThrow('fraction must be in (0, 1), got 1');
    expect(() => stratifiedSplit([0, 1], 0)).toThrow(/fraction must be in \(0, 1\)/);
    expect(() => stratifiedSplit([0, -1], 0.5)).toThrow('labels[1] must be an integer >= 0, got -1');
  });
});
