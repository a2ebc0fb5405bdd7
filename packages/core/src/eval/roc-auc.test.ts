import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { rocAuc } from './roc-auc.js';

interface RocCase {
  name: string;
  scores: number[];
  labels: number[];
  auc: number;
}
const fixture = JSON.parse(readFileSync(new URL('./__fixtures__/roc_auc.json', import.meta.url), 'utf8')) as { cases: RocCase[] };

/** O(n₊·n₋) definition: pairs ranked right count 1, tied pairs ½. */
function pairwiseAuc(scores: number[], labels: number[]): number {
  let sum = 0;
  let pairs = 0;
  scores.forEach((sp, i) => {
    if (labels[i] !== 1) return;
    scores.forEach((sn, j) => {
      if (labels[j] !== 0) return;
      pairs++;
      sum += sp > sn ? 1 : sp === sn ? 0.5 : 0;
    });
  });
  return sum / pairs;
}

describe('rocAuc', () => {
  it.each(fixture.cases.map((c) => [c.name, c] as const))("equals sklearn's roc_auc_score: %s", (_name, c) => {
    expect(rocAuc(c.scores, c.labels)).toBeCloseTo(c.auc, 12);
    expect(rocAuc(Float64Array.from(c.scores), Int32Array.from(c.labels))).toBeCloseTo(pairwiseAuc(c.scores, c.labels), 12);
  });

  it('is invariant to a monotone transform of the scores', () => {
    const c = fixture.cases[1]!;
    expect(
      rocAuc(
        c.scores.map((s) => Math.exp(3 * s) - 7),
        c.labels,
      ),
    ).toBeCloseTo(c.auc, 12);
  });

  it('rejects one class, bad labels, non-finite scores and length mismatches', () => {
    expect(() => rocAuc([0.1, 0.2], [1, 1])).toThrow(/only one class present \(2 positive, 0 negative of 2\)/);
    expect(() => rocAuc([0.1, 0.2], [0, 0])).toThrow(/only one class/);
    expect(() => rocAuc([], [])).toThrow(/only one class/);
    expect(() => rocAuc([0.1, 0.2], [0, 2])).toThrow(/labels\[1\] is 2; labels must be 0 or 1/);
    expect(() => rocAuc([0.1, Number.NaN], [0, 1])).toThrow(/scores\[1\] is NaN/);
    expect(() => rocAuc([0.1, 0.2, 0.3], [0, 1])).toThrow(/scores has 3 items but labels has 2/);
  });
});
