import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import sharp, { type Sharp } from 'sharp';

/**
 * Largest input image, in pixels, that is decoded (sharp's `limitInputPixels`, checked from the header): 2^27 ≈
 * 134 megapixels, vision's bound too. A file declaring more is refused rather than decoded.
 */
export const MAX_INPUT_PIXELS = 2 ** 27;

/** How an image of another aspect ratio is fitted into the square. */
export type ImageFit = 'contain' | 'cover' | 'fill';

/** Options for {@link squareImage}. */
export interface SquareImageOptions {
  /**
   * `'contain'` (default): the whole picture, letterboxed on white — clip art and stamps must keep what the
   * caption names; `'cover'`: resize the short side and centre-crop (torchvision's habit for photos); `'fill'`: stretch.
   */
  fit?: ImageFit;
  /** Largest input in pixels (default {@link MAX_INPUT_PIXELS}). */
  maxInputPixels?: number;
  /**
   * Cut the border that is transparent or of the top-left pixel's colour before fitting (default `false`). The
   * builders set it: many OpenClipArt drawings sit small in a corner of an A4 page, and OpenMoji leaves a margin.
   */
  trim?: boolean;
}

const WHITE = { r: 255, g: 255, b: 255, alpha: 1 } as const;
const isSvg = (file: string): boolean => ['.svg', '.svgz'].includes(extname(file).toLowerCase());

/**
 * A sharp pipeline that makes `file` a `size`×`size` sRGB image on white: transparency is composited onto white
 * (clip art and emoji are drawn on transparent canvases, which would otherwise decode to black), EXIF rotation
 * applied, aspect ratio kept by default (`fit: 'contain'`, white bars), and with `trim` the empty border cut first.
 * An SVG is rendered near `4 · size` on its longer side first ({@link svgDensity}).
 */
export async function squareImage(file: string, size: number, opts: SquareImageOptions = {}): Promise<Sharp> {
  const { fit = 'contain', maxInputPixels = MAX_INPUT_PIXELS, trim = false } = opts;
  const input = isSvg(file) ? await svgInput(file) : file;
  const density = typeof input === 'string' ? undefined : await svgDensity(input, 4 * size);
  let img = sharp(input, { failOn: 'error', limitInputPixels: maxInputPixels, ...(density === undefined ? {} : { density }) }).rotate();
  // sharp trims before it resizes; a blank image is left as it is.
  if (trim) img = img.trim({ threshold: 8 });
  return img.resize(size, size, { fit, background: WHITE }).flatten({ background: WHITE }).toColourspace('srgb');
}

/**
 * The density (dpi) at which librsvg renders `file` with its longer side near `target` px, or `undefined` when
 * sharp's default 72 dpi gives between half and four times that. Without it a 16-px icon is upscaled into a blur,
 * and a poster of 20,000 px is refused (sharp's pixel limit) or costs a gigabyte to render at 64 px.
 *
 * librsvg scales an SVG sized in px (or without units) by `density / 72`, but one sized in pt, mm or in by
 * `(density / 72)²` (an A4 page in pt at 20 dpi comes out 46 px wide, not 165). Rather than parse the units, the
 * size is read at a first guess (sharp's metadata honours the density; only the header is parsed) and the
 * exponent fitted from it.
 */
export async function svgDensity(file: string | Buffer, target: number): Promise<number | undefined> {
  const longest = async (density?: number): Promise<number> => {
    const m = await sharp(file, { limitInputPixels: false, ...(density === undefined ? {} : { density }) }).metadata();
    return Math.max(m.width ?? 0, m.height ?? 0);
  };
  const base = await longest();
  if (!(base > 0) || (base >= target / 2 && base <= target * 4)) return undefined;
  const clamp = (d: number): number => Math.min(100_000, Math.max(1, d));
  const guess = clamp((72 * target) / base);
  const got = await longest(guess);
  if (!(got > 0) || Math.abs(Math.log(got / target)) < Math.log(1.25)) return guess;
  const exponent = Math.log(got / base) / Math.log(guess / 72);
  return Number.isFinite(exponent) && exponent > 0 ? clamp(72 * (target / base) ** (1 / exponent)) : guess;
}

/**
 * An SVG file's bytes as sharp can take them: libvips recognises an SVG by an `<svg` near the start of the file, so
 * one whose root element comes after a long comment (18 files of OpenClipArt 0.18) is refused as "unsupported
 * image format"; the comments before the root element are cut.
 */
export async function svgInput(file: string): Promise<Buffer> {
  const bytes = await readFile(file);
  const head = bytes.subarray(0, 4096).toString('latin1');
  const root = head.search(/<svg[\s>]/);
  if (root >= 0 && root < 512) return bytes;
  const text = bytes.toString('utf8');
  const at = text.search(/<svg[\s>]/);
  if (at < 0) return bytes; // not an SVG after all: let sharp say so
  return Buffer.from(text.slice(0, at).replace(/<!--[\s\S]*?-->/g, '') + text.slice(at), 'utf8');
}

/** `file` as a `size`×`size` RGB PNG on white ({@link squareImage}), as the builders write it. */
export async function rasteriseToPng(file: string, size: number, opts: SquareImageOptions = {}): Promise<Buffer> {
  return (await squareImage(file, size, opts)).png().toBuffer();
}

/**
 * `file` as raw `size`×`size`×`channels` bytes (row-major, channels last), for the dataset reader. Throws when
 * sharp cannot decode it or the output is not the expected shape.
 */
export async function rasteriseToRaw(file: string, size: number, channels: 1 | 3, opts: SquareImageOptions = {}): Promise<Buffer> {
  let img = await squareImage(file, size, opts);
  img = channels === 1 ? img.toColourspace('b-w') : img.removeAlpha();
  const { data, info } = await img.raw().toBuffer({ resolveWithObject: true });
  if (info.channels !== channels || data.length !== size * size * channels) {
    throw new Error(`decoded to ${info.width}x${info.height}x${info.channels}, expected ${size}x${size}x${channels}`);
  }
  return data;
}
