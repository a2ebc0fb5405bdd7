import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { useCpuLeakCheck } from '@contrastive/test-utils';
import { RasterCanvas } from './canvas.js';
import { textWidth } from './font.js';

// Plotting makes no tensors; the check guards against a future change that does.
useCpuLeakCheck();

describe('RasterCanvas', () => {
  it('draws lines, rects and discs at the given pixels and encodes a decodable PNG', () => {
    const c = new RasterCanvas(40, 30);
    c.line(2, 5, 30, 5, [255, 0, 0]);
    c.fillRect(10, 10, 4, 3, [0, 255, 0]);
    c.disc(30, 20, 2, [0, 0, 255]);
    const img = PNG.sync.read(c.toPng());
    expect([img.width, img.height]).toEqual([40, 30]);
    const at = (x: number, y: number): number[] => Array.from(img.data.subarray((y * 40 + x) * 4, (y * 40 + x) * 4 + 4));
    expect(at(2, 5)).toEqual([255, 0, 0, 255]);
    expect(at(30, 5)).toEqual([255, 0, 0, 255]);
    expect(at(16, 5)).toEqual([255, 0, 0, 255]);
    expect(at(16, 6)).toEqual([255, 255, 255, 255]);
    expect(at(13, 12)).toEqual([0, 255, 0, 255]);
    expect(at(14, 12)).toEqual([255, 255, 255, 255]);
    expect(at(30, 20)).toEqual([0, 0, 255, 255]);
    expect(at(32, 20)).toEqual([0, 0, 255, 255]);
    expect(at(33, 20)).toEqual([255, 255, 255, 255]);
  });

  it('clips drawing outside the image and rejects bad sizes', () => {
    const c = new RasterCanvas(10, 10);
    c.line(-50, -50, 50, 50, [0, 0, 0], 3);
    expect(c.getPixel(5, 5)).toEqual([0, 0, 0]);
    expect(() => new RasterCanvas(0, 10)).toThrow(/positive integers/);
  });

  it('renders text with the bitmap font inside its measured box', () => {
    const c = new RasterCanvas(60, 12);
    const w = c.text('A1g', 2, 2, [0, 0, 0]);
    expect(w).toBe(textWidth('A1g'));
    let inkInside = 0;
    let inkOutside = 0;
    for (let y = 0; y < 12; y++) {
      for (let x = 0; x < 60; x++) {
        const ink = c.getPixel(x, y)[0] === 0;
        const inside = x >= 2 && x < 2 + w && y >= 2 && y < 10;
        if (ink && inside) inkInside++;
        if (ink && !inside) inkOutside++;
      }
    }
    expect(inkInside).toBeGreaterThan(20);
    expect(inkOutside).toBe(0);
    // The descender of 'g' (third glyph, column 1) reaches the 8th row.
    expect(c.getPixel(2 + 12 + 1, 2 + 7)).toEqual([0, 0, 0]);
  });
});
