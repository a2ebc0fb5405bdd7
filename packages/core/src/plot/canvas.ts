import { PNG } from 'pngjs';
import type { Rgb } from './colors.js';
import { GLYPH_WIDTH, glyphColumns, textWidth } from './font.js';

/**
 * A tiny RGBA raster: opaque pixels, lines, rectangles, discs and bitmap text, encoded to PNG with
 * pngjs. Just enough to draw charts for a person to look at, without a native canvas dependency.
 * Coordinates are integer pixels, origin top-left, y down; drawing outside the image is clipped.
 */
export class RasterCanvas {
  readonly width: number;
  readonly height: number;
  /** RGBA bytes, row-major, 4 per pixel (alpha always 255). */
  readonly data: Uint8Array;

  constructor(width: number, height: number, background: Rgb = [255, 255, 255]) {
    if (!Number.isInteger(width) || width < 1 || !Number.isInteger(height) || height < 1) {
      throw new RangeError(`canvas size must be positive integers, got ${String(width)}×${String(height)}`);
    }
    this.width = width;
    this.height = height;
    this.data = new Uint8Array(width * height * 4);
    this.fillRect(0, 0, width, height, background);
  }

  /** Sets one pixel (ignored outside the canvas). */
  setPixel(x: number, y: number, [r, g, b]: Rgb): void {
    const px = Math.round(x);
    const py = Math.round(y);
    if (px < 0 || py < 0 || px >= this.width || py >= this.height) return;
    const o = (py * this.width + px) * 4;
    this.data[o] = r;
    this.data[o + 1] = g;
    this.data[o + 2] = b;
    this.data[o + 3] = 255;
  }

  /** The colour at a pixel. */
  getPixel(x: number, y: number): Rgb {
    const o = (y * this.width + x) * 4;
    return [this.data[o]!, this.data[o + 1]!, this.data[o + 2]!];
  }

  /** Filled axis-aligned rectangle with top-left (x, y). */
  fillRect(x: number, y: number, w: number, h: number, color: Rgb): void {
    const x0 = Math.max(0, Math.round(x));
    const y0 = Math.max(0, Math.round(y));
    const x1 = Math.min(this.width, Math.round(x + w));
    const y1 = Math.min(this.height, Math.round(y + h));
    for (let py = y0; py < y1; py++) for (let px = x0; px < x1; px++) this.setPixel(px, py, color);
  }

  /** One-pixel rectangle outline. */
  strokeRect(x: number, y: number, w: number, h: number, color: Rgb): void {
    this.line(x, y, x + w - 1, y, color);
    this.line(x, y + h - 1, x + w - 1, y + h - 1, color);
    this.line(x, y, x, y + h - 1, color);
    this.line(x + w - 1, y, x + w - 1, y + h - 1, color);
  }

  /**
   * Straight line (Bresenham) from (x0, y0) to (x1, y1); `thickness` > 1 stamps a square brush so
   * curves stay visible when the image is scaled down.
   */
  line(x0: number, y0: number, x1: number, y1: number, color: Rgb, thickness = 1): void {
    let ax = Math.round(x0);
    let ay = Math.round(y0);
    const bx = Math.round(x1);
    const by = Math.round(y1);
    const dx = Math.abs(bx - ax);
    const dy = -Math.abs(by - ay);
    const sx = ax < bx ? 1 : -1;
    const sy = ay < by ? 1 : -1;
    let err = dx + dy;
    const half = Math.floor((thickness - 1) / 2);
    for (;;) {
      if (thickness <= 1) this.setPixel(ax, ay, color);
      else this.fillRect(ax - half, ay - half, thickness, thickness, color);
      if (ax === bx && ay === by) break;
      const e2 = 2 * err;
      if (e2 >= dy) {
        err += dy;
        ax += sx;
      }
      if (e2 <= dx) {
        err += dx;
        ay += sy;
      }
    }
  }

  /** Filled disc of radius `r` centred on (cx, cy). */
  disc(cx: number, cy: number, r: number, color: Rgb): void {
    const x = Math.round(cx);
    const y = Math.round(cy);
    const rr = r * r + r * 0.8; // slightly fuller than the exact circle so small discs look round
    const ri = Math.ceil(r);
    for (let dy = -ri; dy <= ri; dy++) {
      for (let dx = -ri; dx <= ri; dx++) if (dx * dx + dy * dy <= rr) this.setPixel(x + dx, y + dy, color);
    }
  }

  /**
   * Draws `text` with the built-in 5×8 font, top-left at (x, y), each font pixel a `scale`×`scale`
   * block. `align` anchors x at the text's left, centre or right edge. Returns the drawn width.
   */
  text(text: string, x: number, y: number, color: Rgb, opts: { scale?: number; align?: 'left' | 'center' | 'right' } = {}): number {
    const scale = opts.scale ?? 1;
    const w = textWidth(text, scale);
    let left = Math.round(x);
    if (opts.align === 'center') left = Math.round(x - w / 2);
    else if (opts.align === 'right') left = Math.round(x - w);
    const top = Math.round(y);
    for (let i = 0; i < text.length; i++) {
      const cols = glyphColumns(text[i]!);
      for (let c = 0; c < 5; c++) {
        const bits = cols[c]!;
        for (let row = 0; row < 8; row++) {
          if (bits & (1 << row)) this.fillRect(left + (i * GLYPH_WIDTH + c) * scale, top + row * scale, scale, scale, color);
        }
      }
    }
    return w;
  }

  /**
   * Draws `text` rotated 90° counter-clockwise (reading bottom to top), centred vertically on `cy`
   * with its top edge at x — for y-axis labels.
   */
  textVertical(text: string, x: number, cy: number, color: Rgb, scale = 1): void {
    const w = textWidth(text, scale);
    const bottom = Math.round(cy + w / 2);
    const left = Math.round(x);
    for (let i = 0; i < text.length; i++) {
      const cols = glyphColumns(text[i]!);
      for (let c = 0; c < 5; c++) {
        const bits = cols[c]!;
        for (let row = 0; row < 8; row++) {
          if (bits & (1 << row)) {
            this.fillRect(left + row * scale, bottom - (i * GLYPH_WIDTH + c + 1) * scale, scale, scale, color);
          }
        }
      }
    }
  }

  /** Encodes the canvas as PNG bytes. */
  toPng(): Buffer {
    const png = new PNG({ width: this.width, height: this.height });
    png.data = Buffer.from(this.data.buffer, this.data.byteOffset, this.data.byteLength);
    return PNG.sync.write(png);
  }
}
