import { describe, expect, it } from 'vitest';
import { useCpuLeakCheck } from '@contrastive/test-utils';
import { formatTick, linearScale, linearTicks, logDomain, logScale, niceDomain, niceStep } from './scale.js';

// Plotting makes no tensors; the check guards against a future change that does.
useCpuLeakCheck();

describe('scales and ticks', () => {
  it('chooses 1-2-5 steps and nice domains', () => {
    expect(niceStep(10, 5)).toBe(2);
    expect(niceStep(1, 5)).toBeCloseTo(0.2, 12);
    expect(niceStep(700, 5)).toBe(200);
    expect(niceDomain(0.13, 4.7)).toEqual([0, 5]);
    expect(niceDomain(3, 3)).toEqual([2.6, 3.4]);
    expect(linearTicks(0, 1, 5)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
  });

  it('maps domain ends to range ends, with reversed y ranges and log axes', () => {
    const y = linearScale([0, 10], [300, 100]);
    expect(y.map(0)).toBe(300);
    expect(y.map(10)).toBe(100);
    expect(y.map(5)).toBe(200);
    const l = logScale([0.01, 100], [400, 0]);
    expect(l.map(1)).toBeCloseTo(200, 9);
    expect(l.ticks()).toEqual([0.01, 0.1, 1, 10, 100]);
    expect(logDomain(0.3, 42)).toEqual([0.2, 50]);
    expect(logDomain(0.52, 5.8)).toEqual([0.5, 10]);
    expect(logDomain(1, 100)).toEqual([1, 100]);
  });

  it('formats tick labels compactly', () => {
    expect(formatTick(0)).toBe('0');
    expect(formatTick(250)).toBe('250');
    expect(formatTick(0.30000000000000004)).toBe('0.3');
    expect(formatTick(1e-4)).toBe('1e-4');
    expect(formatTick(2.5e6)).toBe('2.5e6');
  });
});
