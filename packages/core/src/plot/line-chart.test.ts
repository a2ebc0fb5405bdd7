import { describe, expect, it } from 'vitest';
import { decodePng } from '@contrastive/test-utils/png';
import { useCpuLeakCheck } from '@contrastive/test-utils';
import { categoryColor } from './colors.js';
import { lineChartLayout, lineChartPng } from './line-chart.js';

// Plotting makes no tensors; the check guards against a future change that does.
useCpuLeakCheck();

describe('lineChartPng', () => {
  const series = [
    { name: 'loss', values: [4, 3, 2, 1.5, 1.2, 1] },
    { name: 'val', values: [3.5, 3.4, 3.3] },
  ];

  it('has the requested size and draws each series in its colour where the data says', () => {
    const opts = { title: 'Loss', xLabel: 'epoch', yLabel: 'loss', width: 500, height: 320 };
    const img = decodePng(lineChartPng(series, opts));
    expect([img.width, img.height]).toEqual([500, 320]);
    const { xScale, yScale } = lineChartLayout(series, opts);
    // Data points of series 0 at x = 0 and x = 5 (ends of the curve), and of series 1 at x = 2.
    expect(img.at(xScale.map(0), yScale.map(4))).toEqual([...categoryColor(0)]);
    expect(img.at(xScale.map(5), yScale.map(1))).toEqual([...categoryColor(0)]);
    expect(img.at(xScale.map(2), yScale.map(3.3))).toEqual([...categoryColor(1)]);
    // Midway between points 0 and 1 the line passes through the interpolated value.
    expect(img.at(xScale.map(0.5), yScale.map(3.5))).toEqual([...categoryColor(0)]);
    // Far from every curve: background.
    expect(img.at(xScale.map(3.5), yScale.map(3.75))).toEqual([255, 255, 255]);
  });

  it('uses a log axis when asked (equal ratios, equal pixel steps)', () => {
    const values = [100, 10, 1, 0.1];
    const opts = { logY: true, width: 300, height: 240 };
    const { yScale, xScale } = lineChartLayout([{ name: 'l', values }], opts);
    expect(yScale.map(100) - yScale.map(10)).toBeCloseTo(yScale.map(1) - yScale.map(0.1), 9);
    const img = decodePng(lineChartPng([{ name: 'l', values }], opts));
    expect(img.at(xScale.map(2), yScale.map(1))).toEqual([...categoryColor(0)]);
  });

  it('draws a single point and a constant series', () => {
    const img = decodePng(
      lineChartPng(
        [
          { name: 'c', values: [2, 2, 2] },
          { name: 'p', values: [7] },
        ],
        { width: 200, height: 150 },
      ),
    );
    expect(img.width).toBe(200);
  });

  it('rejects empty and non-finite input, naming the series and index', () => {
    expect(() => lineChartPng([])).toThrow(/non-empty array/);
    expect(() => lineChartPng([{ name: 'a', values: [] }])).toThrow(/series\[0\] \('a'\)\.values is empty/);
    expect(() =>
      lineChartPng([
        { name: 'a', values: [1] },
        { name: 'b', values: [1, NaN] },
      ]),
    ).toThrow(/series\[1\] \('b'\)\.values\[1\] is NaN/);
    expect(() => lineChartPng([{ name: 'a', values: [1, 0] }], { logY: true })).toThrow(/logY needs every value > 0/);
    expect(() => lineChartPng([{ name: 'a', values: [1] }], { width: 10 })).toThrow(/width must be an integer in \[64, 8192\]/);
  });
});
