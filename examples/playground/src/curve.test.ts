import { describe, expect, it } from 'vitest';
import { curveGeometry, niceStep } from './curve.js';

const box = { width: 220, height: 120, left: 10, right: 10, top: 10, bottom: 10 };

describe('curve geometry', () => {
  it('picks 1-2-5 steps', () => {
    expect(niceStep(1, 4)).toBe(0.2);
    expect(niceStep(10, 4)).toBe(2);
    expect(niceStep(0.03, 3)).toBe(0.01);
    expect(niceStep(0)).toBe(1);
  });

  it('maps the first value to the left edge and the planned last step to the right, higher loss higher up', () => {
    const g = curveGeometry([4, 3, 2], box, 5);
    expect(g.points).toHaveLength(3);
    expect(g.points[0]![0]).toBe(10);
    expect(g.points[2]![0]).toBeCloseTo(10 + (200 * 2) / 4);
    expect(g.points[0]![1]).toBeLessThan(g.points[2]![1]); // canvas y grows downwards
    expect(g.yMin).toBeLessThanOrEqual(2);
    expect(g.yMax).toBeGreaterThanOrEqual(4);
    expect(g.ticks[0]!.value).toBe(g.yMin);
    expect(g.ticks.at(-1)!.value).toBe(g.yMax);
    for (const [x, y] of g.points) {
      expect(x).toBeGreaterThanOrEqual(10);
      expect(x).toBeLessThanOrEqual(210);
      expect(y).toBeGreaterThanOrEqual(10);
      expect(y).toBeLessThanOrEqual(110);
    }
  });

  it('averages into one point per pixel column when there are more values than columns', () => {
    const values = Array.from({ length: 10_000 }, (_, i) => 5 - i / 10_000);
    expect(curveGeometry(values, box).points).toHaveLength(200);
  });

  it('skips non-finite values and handles a flat or empty series', () => {
    expect(curveGeometry([1, Number.NaN, 1], box).points).toHaveLength(2);
    expect(curveGeometry([], box).points).toEqual([]);
    const flat = curveGeometry([2, 2], box);
    expect(flat.yMin).toBeLessThan(2);
    expect(flat.yMax).toBeGreaterThan(2);
  });
});
