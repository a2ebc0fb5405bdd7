import { describe, expect, it } from 'vitest';
import { continualScores } from './forgetting.js';

describe('continualScores', () => {
  it('forgetting = best accuracy before the last stage − final accuracy, averaged over earlier domains', () => {
    // Domains: source (trained from stage 0), A (stage 0), B (stage 1), C (stage 2).
    const acc = [
      [0.9, 0.6, 0.2, 0.1],
      [0.85, 0.5, 0.7, 0.1],
      [0.8, 0.4, 0.5, 0.6],
    ];
    const s = continualScores(acc, [0, 0, 1, 2]);
    expect(s.final).toEqual([0.8, 0.4, 0.5, 0.6]);
    expect(s.averageAccuracy).toBeCloseTo(0.575, 12);
    expect(s.forgetting[0]).toBeCloseTo(0.1, 12);
    expect(s.forgetting[1]).toBeCloseTo(0.2, 12);
    expect(s.forgetting[2]).toBeCloseTo(0.2, 12);
    expect(s.forgetting[3]).toBeNull();
    expect(s.averageForgetting).toBeCloseTo(0.5 / 3, 12);
  });

  it('is negative when a domain improved later (backward transfer), NaN with one stage', () => {
    const s = continualScores(
      [
        [0.5, 0.5],
        [0.7, 0.9],
      ],
      [0, 1],
    );
    expect(s.forgetting[0]).toBeCloseTo(-0.2, 12);
    expect(continualScores([[0.5, 0.4]], [0, 0]).averageForgetting).toBeNaN();
  });

  it('refuses ragged or empty matrices and a wrong trainedAt', () => {
    expect(() => continualScores([], [])).toThrow(/no stage/);
    expect(() => continualScores([[1, 2], [1]], [0, 0])).toThrow(/same domains/);
    expect(() => continualScores([[1, 2]], [0])).toThrow(/trainedAt/);
  });
});
