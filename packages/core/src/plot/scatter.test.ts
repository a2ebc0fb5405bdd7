import { describe, expect, it } from 'vitest';
import { decodePng } from '@contrastive/test-utils/png';
import { useCpuLeakCheck } from '@contrastive/test-utils';
import { categoryColor, PALETTE } from './colors.js';
import { scatterLayout, scatterPng } from './scatter.js';

// Plotting makes no tensors; the check guards against a future change that does.
useCpuLeakCheck();

describe('scatterPng', () => {
  it('puts each point, in its class colour, where its coordinates say', () => {
    const points = [
      [0, 0],
      [10, 10],
      [10, 0],
      [0, 10],
    ];
    const labels = [0, 1, 2, 3];
    const opts = { width: 400, height: 300, title: 'map', classNames: ['zero', 'one', 'two', 'three'] };
    const img = decodePng(scatterPng(points, labels, opts));
    expect([img.width, img.height]).toEqual([400, 300]);
    const { xScale, yScale } = scatterLayout(points, labels, opts);
    points.forEach(([x, y], i) => {
      expect(img.at(xScale.map(x!), yScale.map(y!))).toEqual([...categoryColor(labels[i]!)]);
    });
    // y grows upwards: (0, 10) is above (0, 0).
    expect(yScale.map(10)).toBeLessThan(yScale.map(0));
    // The centre of the plot holds no point (background or a grid line, never a class colour).
    const centre = img.at(xScale.map(5), yScale.map(5));
    expect(centre[0]).toBe(centre[1]);
    expect(centre[1]).toBe(centre[2]);
  });

  it('accepts a flat Float32Array n×2 and no labels (single colour, no legend)', () => {
    const flat = new Float32Array([0, 0, 1, 2, 2, 1]);
    const img = decodePng(scatterPng(flat, undefined, { width: 200, height: 160 }));
    const { xScale, yScale } = scatterLayout(flat, undefined, { width: 200, height: 160 });
    expect(img.at(xScale.map(1), yScale.map(2))).toEqual([...PALETTE[0]!]);
    expect(img.count(PALETTE[1]!)).toBe(0);
  });

  it('draws a legend swatch for every class present, in class order', () => {
    const pts = [
      [0, 0],
      [1, 1],
      [2, 2],
    ];
    const withLegend = decodePng(scatterPng(pts, [4, 4, 7], { width: 300, height: 200 }));
    // 3 dots in the plot; the legend adds one more dot per class.
    const dotPixels4 = withLegend.count(categoryColor(4));
    const dotPixels7 = withLegend.count(categoryColor(7));
    expect(dotPixels4).toBeGreaterThan(dotPixels7); // two plot dots + swatch vs one dot + swatch
    expect(dotPixels7).toBeGreaterThan(0);
    const layout = scatterLayout(pts, [4, 4, 7], { width: 300, height: 200, classNames: ['', '', '', '', 'four'] });
    expect(layout.legend.map((e) => e.name)).toEqual(['four', 'class 7']);
  });

  it('rejects empty, NaN and mismatched input with named errors', () => {
    expect(() => scatterPng([])).toThrow(/points is empty/);
    expect(() =>
      scatterPng([
        [0, 1],
        [NaN, 2],
      ]),
    ).toThrow(/point 1 is \(NaN, 2\)/);
    expect(() => scatterPng(new Float32Array(3))).toThrow(/even length/);
    expect(() => scatterPng([[0, 1], [2]])).toThrow(/points\[1\] must be an \[x, y\] pair/);
    expect(() =>
      scatterPng(
        [
          [0, 1],
          [1, 2],
        ],
        [0],
      ),
    ).toThrow(/labels has length 1 but points has 2 points/);
    expect(() =>
      scatterPng(
        [
          [0, 1],
          [1, 2],
        ],
        [0, -1],
      ),
    ).toThrow(/labels\[1\] is -1/);
  });
});
