import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { characterErrorRate, levenshtein, wordAccuracy } from './text-metrics.js';

describe('text metrics', () => {
  it('levenshtein: known distances, over code points', () => {
    expect(levenshtein('kitten', 'sitting')).toBe(3);
    expect(levenshtein('', 'abc')).toBe(3);
    expect(levenshtein('abc', '')).toBe(3);
    expect(levenshtein('flaw', 'lawn')).toBe(2);
    expect(levenshtein('𝒜b', 'ab')).toBe(1);
  });

  it('levenshtein is a metric (symmetry, identity, triangle inequality, bounded by the longer length)', () => {
    const s = fc.string({ maxLength: 8, unit: fc.constantFrom('a', 'b', 'c') });
    fc.assert(
      fc.property(s, s, s, (a, b, c) => {
        const ab = levenshtein(a, b);
        expect(ab).toBe(levenshtein(b, a));
        expect(levenshtein(a, a)).toBe(0);
        expect(ab).toBeLessThanOrEqual(levenshtein(a, c) + levenshtein(c, b));
        expect(ab).toBeLessThanOrEqual(Math.max(a.length, b.length));
        expect(ab).toBeGreaterThanOrEqual(Math.abs(a.length - b.length));
      }),
      { seed: 26, numRuns: 200 },
    );
  });

  it('CER is the corpus rate Σ edits / Σ truth length; word accuracy the exact-match fraction', () => {
    const truth = ['hello', 'ab', 'x'];
    const pred = ['hallo', 'ab', ''];
    expect(characterErrorRate(pred, truth)).toBeCloseTo(2 / 8, 12);
    expect(wordAccuracy(pred, truth)).toBeCloseTo(1 / 3, 12);
    expect(characterErrorRate(['abcdef'], ['a'])).toBe(5);
  });

  it('rejects mismatched or empty inputs', () => {
    expect(() => characterErrorRate(['a'], ['a', 'b'])).toThrow(/same length, got 1 and 2/);
    expect(() => wordAccuracy([], [])).toThrow(/at least one pair/);
    expect(() => characterErrorRate(['a'], [''])).toThrow(/truth texts are all empty/);
  });
});
