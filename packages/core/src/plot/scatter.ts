import { RasterCanvas } from './canvas.js';
import { categoryColor, PALETTE, type Rgb } from './colors.js';
import { checkSize, drawFrame, drawLegend, legendWidth, plotBox, type LegendEntry, type PlotBox } from './frame.js';
import { formatTick, linearScale, niceDomain, type Scale } from './scale.js';

function paddedDomain(lo: number, hi: number): [number, number] {
  if (lo === hi) return niceDomain(lo, hi);
  const pad = (hi - lo) * 0.03;
  return [lo - pad, hi + pad];
}

export interface ScatterOptions {
  /** Title drawn above the plot. Default none. */
  title?: string;
  /** Image width in pixels, default 640. */
  width?: number;
  /** Image height in pixels, default 480. */
  height?: number;
  /** Legend names per class id (`classNames[label]`); default `class <id>`. */
  classNames?: readonly string[];
  /** Dot radius in pixels, default 2. */
  pointRadius?: number;
  /** x-axis label. Default none. */
  xLabel?: string;
  /** y-axis label. Default none. */
  yLabel?: string;
}

/** 2-D points as rows (`[[x, y], …]`) or one flat row-major `n×2` array. */
export type Points2D = readonly ArrayLike<number>[] | Float32Array | Float64Array;

/** Geometry shared by the renderer and tests. */
export interface ScatterLayout {
  box: PlotBox;
  xScale: Scale;
  yScale: Scale;
  xs: Float64Array;
  ys: Float64Array;
  labels: Int32Array | null;
  legend: LegendEntry[];
}

/** Splits and validates points into x and y columns. */
function columns(points: Points2D): { xs: Float64Array; ys: Float64Array } {
  let xs: Float64Array;
  let ys: Float64Array;
  if (points instanceof Float32Array || points instanceof Float64Array) {
    if (points.length % 2 !== 0) {
      throw new RangeError(`scatterPng: a flat points array must be n×2 (even length), got length ${points.length}`);
    }
    const n = points.length / 2;
    xs = new Float64Array(n);
    ys = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      xs[i] = points[2 * i]!;
      ys[i] = points[2 * i + 1]!;
    }
  } else if (Array.isArray(points)) {
    const n = points.length;
    xs = new Float64Array(n);
    ys = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const p = points[i];
      if (p == null || typeof p.length !== 'number' || p.length < 2) {
        throw new TypeError(`scatterPng: points[${i}] must be an [x, y] pair, got ${JSON.stringify(p)}`);
      }
      xs[i] = p[0]!;
      ys[i] = p[1]!;
    }
  } else {
    throw new TypeError('scatterPng: points must be an array of [x, y] pairs or a flat Float32Array (n×2)');
  }
  if (xs.length === 0) throw new RangeError('scatterPng: points is empty');
  for (let i = 0; i < xs.length; i++) {
    if (!Number.isFinite(xs[i]!) || !Number.isFinite(ys[i]!)) {
      throw new RangeError(`scatterPng: point ${i} is (${xs[i]}, ${ys[i]}); coordinates must be finite numbers`);
    }
  }
  return { xs, ys };
}

/** Validates inputs and computes the plot geometry and legend. */
export function scatterLayout(points: Points2D, labels?: ArrayLike<number> | null, opts: ScatterOptions = {}): ScatterLayout {
  const width = checkSize(opts.width, 640, 'width');
  const height = checkSize(opts.height, 480, 'height');
  const { xs, ys } = columns(points);
  let lab: Int32Array | null = null;
  const legend: LegendEntry[] = [];
  if (labels != null) {
    if (labels.length !== xs.length) {
      throw new RangeError(`scatterPng: labels has length ${labels.length} but points has ${xs.length} points`);
    }
    lab = new Int32Array(xs.length);
    const present = new Set<number>();
    for (let i = 0; i < xs.length; i++) {
      const v = labels[i]!;
      if (!Number.isInteger(v) || v < 0) {
        throw new RangeError(`scatterPng: labels[${i}] is ${String(v)}; labels must be integers >= 0`);
      }
      lab[i] = v;
      present.add(v);
    }
    for (const c of [...present].sort((a, b) => a - b)) {
      legend.push({ name: opts.classNames?.[c] ?? `class ${c}`, color: categoryColor(c) });
    }
  }
  let x0 = Infinity,
    x1 = -Infinity,
    y0 = Infinity,
    y1 = -Infinity;
  for (let i = 0; i < xs.length; i++) {
    x0 = Math.min(x0, xs[i]!);
    x1 = Math.max(x1, xs[i]!);
    y0 = Math.min(y0, ys[i]!);
    y1 = Math.max(y1, ys[i]!);
  }
  // Tight domains with a 3% margin: embedding coordinates have no meaningful origin, so expanding to
  // nice tick multiples (as line charts do) would only waste plot area.
  const xd = paddedDomain(x0, x1);
  const yd = paddedDomain(y0, y1);
  const yTicks = linearScale(yd, [1, 0]).ticks().map(formatTick);
  const box = plotBox(width, height, opts, yTicks, legend.length > 0 ? legendWidth(legend) + 8 : 0);
  const r = Math.ceil(opts.pointRadius ?? 2);
  const xScale = linearScale(xd, [box.left + 1 + r, box.right - 1 - r]);
  const yScale = linearScale(yd, [box.bottom - 1 - r, box.top + 1 + r]);
  return { box, xScale, yScale, xs, ys, labels: lab, legend };
}

/**
 * Renders a 2-D scatter plot (e.g. a UMAP/PCA embedding map) to PNG bytes: one colour per class
 * (matplotlib tab10/tab20 order) with a legend on the right, or a single colour without labels.
 *
 * @example
 * fs.writeFileSync('map.png', scatterPng(coords, labels, { title: 'SimCLR on Fashion-MNIST', classNames }));
 */
export function scatterPng(points: Points2D, labels?: ArrayLike<number> | null, opts: ScatterOptions = {}): Buffer {
  const radius = opts.pointRadius ?? 2;
  if (!Number.isFinite(radius) || radius < 0 || radius > 20) {
    throw new RangeError(`pointRadius must be in [0, 20], got ${String(opts.pointRadius)}`);
  }
  const layout = scatterLayout(points, labels, opts);
  const { box, xScale, yScale, xs, ys } = layout;
  const canvas = new RasterCanvas(checkSize(opts.width, 640, 'width'), checkSize(opts.height, 480, 'height'));
  drawFrame(canvas, box, xScale, yScale, opts);
  const single: Rgb = PALETTE[0]!;
  for (let i = 0; i < xs.length; i++) {
    const color = layout.labels ? categoryColor(layout.labels[i]!) : single;
    canvas.disc(xScale.map(xs[i]!), yScale.map(ys[i]!), radius, color);
  }
  if (layout.legend.length > 0) drawLegend(canvas, box.right + 8, box.top, layout.legend, 'dot');
  return canvas.toPng();
}
