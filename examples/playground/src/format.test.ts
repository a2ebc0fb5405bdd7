import { describe, expect, it } from 'vitest';
import { formatEta, formatKnn, formatPercent, formatRate } from './format.js';

describe('progress text', () => {
  it('formats rates and times left', () => {
    expect(formatRate(4.384)).toBe('4.38 steps/s');
    expect(formatRate(12.6)).toBe('13 steps/s');
    expect(formatRate(Number.NaN)).toBe('– steps/s');
    expect(formatEta(44.6)).toBe('45 s');
    expect(formatEta(185)).toBe('3 min 05 s');
    expect(formatEta(3720)).toBe('1 h 02 min');
    expect(formatEta(Number.POSITIVE_INFINITY)).toBe('–');
    expect(formatPercent(0.7384)).toBe('73.8 %');
    expect(formatPercent(null)).toBe('–');
  });
});

describe('kNN text', () => {
  it('shows the latest accuracy beside the one before training', () => {
    expect(formatKnn([])).toBe('–');
    expect(formatKnn([{ step: 0, accuracy: 0.738 }])).toBe('73.8 % at step 0');
    expect(
      formatKnn([
        { step: 0, accuracy: 0.738 },
        { step: 300, accuracy: 0.724 },
      ]),
    ).toBe('72.4 % at step 300 (73.8 % before training)');
    expect(
      formatKnn([
        { step: 0, accuracy: null },
        { step: 25, accuracy: null },
      ]),
    ).toBe('– at step 25');
  });
});
