/**
 * The loss curve's geometry, apart from any canvas: data → pixel coordinates inside a box with margins,
 * with "nice" y-axis ticks. Drawing (draw.ts) only strokes what this returns.
 */

export interface Box {
  width: number;
  height: number;
  /** Margins in pixels: left (tick labels), right, top, bottom. */
  left: number;
  right: number;
  top: number;
  bottom: number;
}

export interface CurveGeometry {
  /** Polyline points in pixels, one per value (or per bucket of values when there are more values than pixels). */
  points: [number, number][];
  yMin: number;
  yMax: number;
  /** Tick values on the y axis with their pixel heights. */
  ticks: { value: number; y: number }[];
}

/** A step of 1, 2 or 5 × 10^k giving about `count` intervals over `span`. */
export function niceStep(span: number, count = 4): number {
  if (!(span > 0) || !Number.isFinite(span)) return 1;
  const raw = span / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const f = raw / mag;
  return (f < 1.5 ? 1 : f < 3.5 ? 2 : f < 7.5 ? 5 : 10) * mag;
}

/**
 * Geometry of `values` (finite numbers; others are skipped) over x = step index 0..total-1 (total defaults
 * to values.length, so a run in progress can be drawn against its planned length).
 */
export function curveGeometry(values: readonly number[], box: Box, total = values.length): CurveGeometry {
  const plotW = Math.max(1, box.width - box.left - box.right);
  const plotH = Math.max(1, box.height - box.top - box.bottom);
  const finite = values.filter(Number.isFinite);
  if (finite.length === 0) return { points: [], yMin: 0, yMax: 1, ticks: [] };
  let lo = Math.min(...finite);
  let hi = Math.max(...finite);
  if (hi - lo < 1e-9) {
    lo -= 0.5;
    hi += 0.5;
  }
  const step = niceStep(hi - lo);
  const yMin = Math.floor(lo / step) * step;
  const yMax = Math.ceil(hi / step) * step;
  const toY = (v: number) => box.top + plotH * (1 - (v - yMin) / (yMax - yMin));
  const span = Math.max(total - 1, 1);
  const toX = (i: number) => box.left + (plotW * i) / span;
  // More values than pixel columns: average each column's values, so the line stays readable.
  const buckets = Math.min(values.length, Math.ceil(plotW));
  const points: [number, number][] = [];
  for (let b = 0; b < buckets; b++) {
    const from = Math.floor((b * values.length) / buckets);
    const to = Math.floor(((b + 1) * values.length) / buckets);
    let s = 0;
    let c = 0;
    for (let i = from; i < to; i++) {
      if (Number.isFinite(values[i]!)) {
        s += values[i]!;
        c++;
      }
    }
    if (c > 0) points.push([toX((from + to - 1) / 2), toY(s / c)]);
  }
  const ticks: { value: number; y: number }[] = [];
  for (let v = yMin; v <= yMax + step / 2; v += step) ticks.push({ value: Number(v.toPrecision(12)), y: toY(v) });
  return { points, yMin, yMax, ticks };
}
