/** An opaque RGB colour, each channel 0–255. */
export type Rgb = readonly [number, number, number];

/**
 * Categorical palette (matplotlib's tab10, then tab20's lighter partners) so classes in a scatter plot
 * and series in a line chart read the same as in the Python tools people compare against.
 */
export const PALETTE: readonly Rgb[] = [
  [31, 119, 180],
  [255, 127, 14],
  [44, 160, 44],
  [214, 39, 40],
  [148, 103, 189],
  [140, 86, 75],
  [227, 119, 194],
  [127, 127, 127],
  [188, 189, 34],
  [23, 190, 207],
  [174, 199, 232],
  [255, 187, 120],
  [152, 223, 138],
  [255, 152, 150],
  [197, 176, 213],
  [196, 156, 148],
  [247, 182, 210],
  [199, 199, 199],
  [219, 219, 141],
  [158, 218, 229],
];

export const WHITE: Rgb = [255, 255, 255];
export const BLACK: Rgb = [0, 0, 0];
export const AXIS: Rgb = [64, 64, 64];
export const GRID: Rgb = [230, 230, 230];
export const TEXT: Rgb = [20, 20, 20];

/** Colour of category `i` (wraps around after 20 categories). */
export function categoryColor(i: number): Rgb {
  return PALETTE[((i % PALETTE.length) + PALETTE.length) % PALETTE.length]!;
}
