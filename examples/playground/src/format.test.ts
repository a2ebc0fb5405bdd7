import { describe, expect, it } from 'vitest';
import { formatEta, formatPercent, formatRate } from './format.js';

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
