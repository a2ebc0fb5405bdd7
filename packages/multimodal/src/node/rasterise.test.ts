import { writeFile } from 'node:fs/promises';
import { useTempDir } from '@contrastive/test-utils';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { rasteriseToPng, rasteriseToRaw, svgDensity } from './rasterise.js';

const tmp = useTempDir('mm-rasterise-');

/** An SVG `w`×`h` in `unit` ('' = px) with a red rectangle inset by 5% on each side. */
async function svg(name: string, w: number, h: number, unit = ''): Promise<string> {
  const file = tmp(name);
  await writeFile(
    file,
    `<svg xmlns="http://www.w3.org/2000/svg" width="${w}${unit}" height="${h}${unit}" viewBox="0 0 ${w} ${h}"><rect x="${w * 0.05}" y="${h * 0.05}" width="${w * 0.9}" height="${h * 0.9}" fill="#f00"/></svg>`,
  );
  return file;
}

async function renderedLongest(file: string, density: number | undefined): Promise<number> {
  const m = await sharp(file, { limitInputPixels: false, ...(density === undefined ? {} : { density }) }).metadata();
  return Math.max(m.width!, m.height!);
}

describe('svgDensity', () => {
  it.each([
    ['a 16-px icon (upscaled)', 16, 16, ''],
    ['a 16-pt icon (density applies squared)', 16, 12, 'pt'],
    ['a 15,000-px poster (over the pixel limit at 72 dpi)', 15_000, 10_000, ''],
    ['an A0 sheet in mm', 841, 1189, 'mm'],
  ])('renders %s near the target', async (_, w, h, unit) => {
    const file = await svg(`s-${w}-${unit || 'px'}.svg`, w, h, unit);
    const d = await svgDensity(file, 256);
    expect(d).toBeDefined();
    const longest = await renderedLongest(file, d);
    expect(longest).toBeGreaterThan(256 / 1.3);
    expect(longest).toBeLessThan(256 * 1.3);
  });

  it("stops at librsvg's 1 dpi for a larger poster: 1/72 of its size", async () => {
    const file = await svg('huge.svg', 30_000, 20_000);
    const d = await svgDensity(file, 256);
    expect(d).toBe(1);
    expect(await renderedLongest(file, d)).toBe(417);
  });

  it('leaves an SVG that is already near the target at 72 dpi', async () => {
    expect(await svgDensity(await svg('ok.svg', 300, 200), 256)).toBeUndefined();
  });
});

describe('rasteriseToPng / rasteriseToRaw', () => {
  it('rasterises an SVG larger than the pixel limit instead of refusing it, on white', async () => {
    const file = await svg('poster.svg', 30_000, 20_000);
    const png = await rasteriseToPng(file, 32);
    const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
    expect([info.width, info.height, info.channels]).toEqual([32, 32, 3]);
    expect(Array.from(data.subarray(0, 3))).toEqual([255, 255, 255]); // the letterbox above the 3:2 picture
    const centre = (16 * 32 + 16) * 3;
    expect(Array.from(data.subarray(centre, centre + 3))).toEqual([255, 0, 0]);
  });

  it('rasterises an SVG whose root element comes after a long comment (libvips would not recognise it)', async () => {
    const file = tmp('commented.svg');
    const body = '<svg xmlns="http://www.w3.org/2000/svg" width="20" height="20"><rect width="20" height="20" fill="#0f0"/></svg>';
    await writeFile(file, `<?xml version="1.0"?>\n<!-- ${'long preamble '.repeat(300)} -->\n${body}`);
    await expect(sharp(file).metadata()).rejects.toThrow(/unsupported image format/); // why svgInput exists
    const raw = await rasteriseToRaw(file, 4, 3);
    expect(Array.from(raw.subarray(0, 3))).toEqual([0, 255, 0]);
  });

  it('trims the empty border when asked', async () => {
    const file = tmp('corner.png');
    const dot = await sharp({ create: { width: 10, height: 10, channels: 3, background: '#00f' } })
      .png()
      .toBuffer();
    await sharp({ create: { width: 100, height: 100, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } } })
      .composite([{ input: dot, left: 80, top: 5 }])
      .png()
      .toFile(file);
    const untrimmed = await rasteriseToRaw(file, 10, 3);
    const trimmed = await rasteriseToRaw(file, 10, 3, { trim: true });
    expect(Array.from(untrimmed.subarray(0, 3))).toEqual([255, 255, 255]); // the transparent corner, as white
    expect(Array.from(trimmed.subarray(0, 3))).toEqual([0, 0, 255]); // the dot fills the frame
  });
});
