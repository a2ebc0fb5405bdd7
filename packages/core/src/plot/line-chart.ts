import { RasterCanvas } from './canvas.js';
import { categoryColor } from './colors.js';
import { checkSize, drawFrame, drawLegend, legendWidth, plotBox, type PlotBox } from './frame.js';
import { formatTick, linearScale, linearTicks, logDomain, logScale, niceDomain, type Scale } from './scale.js';

/** One curve: y values at x = 0, 1, 2, … (e.g. a loss per step or per epoch). */
export interface LineSeries {
  name: string;
  values: readonly number[] | Float32Array | Float64Array;
}

export interface LineChartOptions {
  /** Title drawn above the chart. Default none. */
  title?: string;
  /** x-axis label, e.g. 'step' or 'epoch'. Default none. */
  xLabel?: string;
  /** y-axis label, e.g. 'loss'. Default none. */
  yLabel?: string;
  /** Image width in pixels, default 640. */
  width?: number;
  /** Image height in pixels, default 400. */
  height?: number;
  /** Logarithmic y axis (every value must be > 0). Default false. */
  logY?: boolean;
}

/** Geometry shared by the renderer and tests: the plot area and the data → pixel scales. */
export interface LineChartLayout {
  box: PlotBox;
  xScale: Scale;
  yScale: Scale;
  xTicks: number[];
}

/** Validates the series (non-empty, finite, > 0 for a log axis) and computes the chart geometry. */
export function lineChartLayout(series: readonly LineSeries[], opts: LineChartOptions = {}): LineChartLayout {
  if (!Array.isArray(series) || series.length === 0) {
    throw new RangeError('lineChartPng: series must be a non-empty array of {name, values}');
  }
  const width = checkSize(opts.width, 640, 'width');
  const height = checkSize(opts.height, 400, 'height');
  let lo = Infinity;
  let hi = -Infinity;
  let maxLen = 0;
  series.forEach((s, i) => {
    const label = `series[${i}]${s && typeof s.name === 'string' ? ` ('${s.name}')` : ''}`;
    if (!s || typeof s.name !== 'string' || s.values == null || typeof s.values.length !== 'number') {
      throw new TypeError(`lineChartPng: ${label} must be {name: string, values: number[]}`);
    }
    if (s.values.length === 0) throw new RangeError(`lineChartPng: ${label}.values is empty`);
    for (let j = 0; j < s.values.length; j++) {
      const v = s.values[j]!;
      if (typeof v !== 'number' || !Number.isFinite(v)) {
        throw new RangeError(`lineChartPng: ${label}.values[${j}] is ${String(v)}; every value must be a finite number`);
      }
      if (opts.logY && v <= 0) {
        throw new RangeError(`lineChartPng: ${label}.values[${j}] is ${v}; logY needs every value > 0`);
      }
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    maxLen = Math.max(maxLen, s.values.length);
  });
  const xMax = Math.max(1, maxLen - 1);
  const xTicks = linearTicks(0, xMax, 6).filter((t) => Number.isInteger(t));
  const yDomain = opts.logY ? logDomain(lo, hi) : niceDomain(lo, hi, 5);
  // Tick labels decide the left margin, so build a provisional scale on a unit range first.
  const provisional = opts.logY ? logScale(yDomain, [1, 0]) : linearScale(yDomain, [1, 0]);
  const box = plotBox(width, height, opts, provisional.ticks().map(formatTick));
  const xScale = linearScale([0, xMax], [box.left + 1, box.right - 1]);
  const yScale = opts.logY ? logScale(yDomain, [box.bottom - 1, box.top + 1]) : linearScale(yDomain, [box.bottom - 1, box.top + 1]);
  return { box, xScale, yScale, xTicks };
}

/**
 * Renders curves (loss per step, accuracy per epoch, …) to PNG bytes: one colour per series, nice
 * ticks, optional log y axis, a legend when there is more than one series.
 *
 * @example
 * fs.writeFileSync('loss.png', lineChartPng([{ name: 'loss', values: losses }], { title: 'SimCLR', logY: true }));
 */
export function lineChartPng(series: readonly LineSeries[], opts: LineChartOptions = {}): Buffer {
  const layout = lineChartLayout(series, opts);
  const { box, xScale, yScale } = layout;
  const canvas = new RasterCanvas(checkSize(opts.width, 640, 'width'), checkSize(opts.height, 400, 'height'));
  drawFrame(canvas, box, xScale, yScale, opts, layout.xTicks);
  series.forEach((s, i) => {
    const color = categoryColor(i);
    const n = s.values.length;
    if (n === 1) {
      canvas.disc(xScale.map(0), yScale.map(s.values[0]!), 3, color);
      return;
    }
    // Consecutive points are joined even when many share a pixel column, so step-to-step noise of a long
    // loss curve shows as a band rather than being averaged away.
    let px = xScale.map(0);
    let py = yScale.map(s.values[0]!);
    for (let j = 1; j < n; j++) {
      const x = xScale.map(j);
      const y = yScale.map(s.values[j]!);
      canvas.line(px, py, x, y, color, 2);
      px = x;
      py = y;
    }
  });
  if (series.length > 1) {
    const entries = series.map((s, i) => ({ name: s.name, color: categoryColor(i) }));
    drawLegend(canvas, box.right - legendWidth(entries) - 6, box.top + 6, entries, 'line');
  }
  return canvas.toPng();
}
