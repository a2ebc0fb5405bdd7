import { PNG } from 'pngjs';

/** A decoded RGBA image with pixel look-ups for assertions on rendered charts. */
export interface DecodedPng {
  width: number;
  height: number;
  /** `[r, g, b]` of the pixel at `(x, y)` (rounded to the nearest pixel; origin top-left). */
  at: (x: number, y: number) => number[];
  /** How many pixels have exactly the colour `rgb`. */
  count: (rgb: readonly number[]) => number;
}

/** Decodes PNG bytes (e.g. from `lineChartPng`/`scatterPng`) for pixel assertions in tests. */
export function decodePng(buf: Buffer): DecodedPng {
  const img = PNG.sync.read(buf);
  return {
    width: img.width,
    height: img.height,
    at: (x, y) => {
      const o = (Math.round(y) * img.width + Math.round(x)) * 4;
      return [img.data[o]!, img.data[o + 1]!, img.data[o + 2]!];
    },
    count: (rgb) => {
      let n = 0;
      for (let o = 0; o < img.data.length; o += 4)
        if (img.data[o] === rgb[0] && img.data[o + 1] === rgb[1] && img.data[o + 2] === rgb[2]) n++;
      return n;
    },
  };
}
