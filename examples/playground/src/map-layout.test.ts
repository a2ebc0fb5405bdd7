import { describe, expect, it } from 'vitest';
import { colourOf, fitPoints, nearestPoint, PALETTE, UNLABELED } from './map-layout.js';

describe('map layout', () => {
  it('fits points into the canvas with equal scales and y up', () => {
    const px = fitPoints(Float32Array.from([0, 0, 2, 1]), 100, 100, 10);
    // x spans 2, y spans 1: the scale is 80 / 2 = 40 on both axes, centred.
    expect(Array.from(px)).toEqual([10, 70, 90, 30]);
  });

  it('centres a single point and marks non-finite input', () => {
    expect(Array.from(fitPoints(Float32Array.from([3, 4]), 50, 40, 5))).toEqual([25, 20]);
    expect(Number.isNaN(fitPoints(Float32Array.from([Number.NaN, 1]), 50, 40, 5)[0]!)).toBe(true);
  });

  it('finds the nearest point within the radius', () => {
    const px = Float32Array.from([10, 10, 50, 50]);
    expect(nearestPoint(px, 12, 11, 5)).toBe(0);
    expect(nearestPoint(px, 48, 52, 5)).toBe(1);
    expect(nearestPoint(px, 30, 30, 5)).toBe(-1);
  });

  it('colours labels from the palette and unlabeled points grey', () => {
    expect(colourOf(0)).toBe(PALETTE[0]);
    expect(colourOf(12)).toBe(PALETTE[2]);
    expect(colourOf(null)).toBe(UNLABELED);
    expect(new Set(PALETTE).size).toBe(10);
  });
});
