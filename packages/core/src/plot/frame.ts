import type { RasterCanvas } from './canvas.js';
import { AXIS, GRID, TEXT, type Rgb } from './colors.js';
import { LINE_HEIGHT, textWidth } from './font.js';
import { formatTick, type Scale } from './scale.js';

/** The plot area in pixels, inclusive bounds (x grows right, y grows down). */
export interface PlotBox {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

export interface FrameText {
  title?: string | undefined;
  xLabel?: string | undefined;
  yLabel?: string | undefined;
}

const TITLE_SCALE = 2;
const TICK_LEN = 4;
const PAD = 8;

/** Checks a chart size option (integer ≥ 64 so axes, labels and a plot area fit). */
export function checkSize(value: number | undefined, fallback: number, name: string): number {
  const v = value ?? fallback;
  if (!Number.isInteger(v) || v < 64 || v > 8192) {
    throw new RangeError(`${name} must be an integer in [64, 8192] pixels, got ${String(value)}`);
  }
  return v;
}

/**
 * Where the plot area goes, given the texts around it: the left margin fits the widest y tick label
 * (and the rotated y label), the top fits the title, the right leaves `rightExtra` for a legend.
 */
export function plotBox(width: number, height: number, text: FrameText, yTickLabels: string[], rightExtra = 0): PlotBox {
  const tickW = Math.max(0, ...yTickLabels.map((s) => textWidth(s)));
  const left = PAD + (text.yLabel ? LINE_HEIGHT + 4 : 0) + tickW + TICK_LEN + 4;
  const top = text.title ? PAD + LINE_HEIGHT * TITLE_SCALE + 4 : PAD + 4;
  const bottom = height - 1 - (PAD + TICK_LEN + LINE_HEIGHT + (text.xLabel ? LINE_HEIGHT + 4 : 0));
  const right = width - 1 - (PAD + rightExtra);
  if (right - left < 16 || bottom - top < 16) {
    throw new RangeError(`chart of ${width}×${height} pixels is too small for its labels; use a larger width/height`);
  }
  return { left, top, right, bottom };
}

/** Draws grid lines, the axes box, ticks with labels, the title and axis labels. */
export function drawFrame(canvas: RasterCanvas, box: PlotBox, xScale: Scale, yScale: Scale, text: FrameText, xTicks?: number[]): void {
  const xt = xTicks ?? xScale.ticks();
  const yt = yScale.ticks();
  for (const v of yt) {
    const y = Math.round(yScale.map(v));
    canvas.line(box.left + 1, y, box.right - 1, y, GRID);
  }
  for (const v of xt) {
    const x = Math.round(xScale.map(v));
    canvas.line(x, box.top + 1, x, box.bottom - 1, GRID);
  }
  canvas.strokeRect(box.left, box.top, box.right - box.left + 1, box.bottom - box.top + 1, AXIS);
  for (const v of yt) {
    const y = Math.round(yScale.map(v));
    canvas.line(box.left - TICK_LEN, y, box.left - 1, y, AXIS);
    canvas.text(formatTick(v), box.left - TICK_LEN - 3, y - 3, TEXT, { align: 'right' });
  }
  for (const v of xt) {
    const x = Math.round(xScale.map(v));
    canvas.line(x, box.bottom + 1, x, box.bottom + TICK_LEN, AXIS);
    canvas.text(formatTick(v), x, box.bottom + TICK_LEN + 3, TEXT, { align: 'center' });
  }
  if (text.title) {
    canvas.text(text.title, canvas.width / 2, PAD, TEXT, { scale: TITLE_SCALE, align: 'center' });
  }
  if (text.xLabel) {
    canvas.text(text.xLabel, (box.left + box.right) / 2, box.bottom + TICK_LEN + LINE_HEIGHT + 6, TEXT, { align: 'center' });
  }
  if (text.yLabel) canvas.textVertical(text.yLabel, PAD, (box.top + box.bottom) / 2, TEXT);
}

/** One legend row: a colour swatch (line or dot) and its name. */
export interface LegendEntry {
  name: string;
  color: Rgb;
}

/** Width a legend needs (swatch + gap + longest name + padding). */
export function legendWidth(entries: LegendEntry[]): number {
  return 14 + 6 + Math.max(0, ...entries.map((e) => textWidth(e.name))) + 10;
}

/**
 * Draws a legend box with its top-left at (x, y): `swatch: 'line'` for curves, `'dot'` for classes.
 * Rows that would run off the canvas are summarised as "+N more".
 */
export function drawLegend(canvas: RasterCanvas, x: number, y: number, entries: LegendEntry[], swatch: 'line' | 'dot'): void {
  const rowH = LINE_HEIGHT + 2;
  const maxRows = Math.max(1, Math.floor((canvas.height - y - 8) / rowH));
  const shown = entries.length > maxRows ? entries.slice(0, maxRows - 1) : entries;
  const rows = shown.length + (shown.length < entries.length ? 1 : 0);
  const w = legendWidth(entries);
  canvas.fillRect(x, y, w, rows * rowH + 6, [255, 255, 255]);
  canvas.strokeRect(x, y, w, rows * rowH + 6, GRID);
  shown.forEach((e, i) => {
    const cy = y + 4 + i * rowH + 4;
    if (swatch === 'line') canvas.line(x + 5, cy, x + 17, cy, e.color, 2);
    else canvas.disc(x + 11, cy, 3, e.color);
    canvas.text(e.name, x + 23, cy - 3, TEXT);
  });
  if (shown.length < entries.length) {
    canvas.text(`+${entries.length - shown.length} more`, x + 23, y + 4 + shown.length * rowH + 1, TEXT);
  }
}
