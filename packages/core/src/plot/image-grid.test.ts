import * as tf from '@tensorflow/tfjs';
import { useCpuLeakCheck } from '@contrastive/test-utils';
import { describe, expect, it } from 'vitest';
import { imageGridCanvas, imageGridPng } from './image-grid.js';

useCpuLeakCheck();

describe('imageGridPng', () => {
  it('lays out N images in rows of `columns`, each pixel scaled, grey for 1 channel and colour for 3', () => {
    // Three 2×2 grayscale images: black, mid-grey, white.
    const x = tf.tensor4d([0, 0, 0, 0, 0.5, 0.5, 0.5, 0.5, 1, 1, 1, 1], [3, 2, 2, 1]);
    const grid = imageGridCanvas(x, { columns: 2, padding: 1, scale: 3, background: 200 });
    // 2 columns × (6 + 1) + 1 = 15 wide, 2 rows × 7 + 1 = 15 high.
    expect([grid.width, grid.height]).toEqual([15, 15]);
    const at = (px: number, py: number) => [...grid.getPixel(px, py)];
    expect(at(1, 1)).toEqual([0, 0, 0]); // image 0
    expect(at(8 + 5, 1 + 5)).toEqual([128, 128, 128]); // image 1, bottom-right pixel
    expect(at(1, 8)).toEqual([255, 255, 255]); // image 2, second row
    expect(at(8, 8)).toEqual([200, 200, 200]); // empty cell: background
    expect(at(0, 0)).toEqual([200, 200, 200]); // padding
    const rgb = tf.tensor4d([1, 0, 0, 0, 1, 0, 0, 0, 1, 2, -1, Number.NaN], [1, 2, 2, 3]);
    const g2 = imageGridCanvas(rgb, { padding: 0, scale: 1 });
    expect(Array.from(g2.data)).toEqual([255, 0, 0, 255, 0, 255, 0, 255, 0, 0, 255, 255, 255, 0, 0, 255]);
    // The PNG encoding of it: the PNG signature, then an IHDR of 2 × 2.
    const png = imageGridPng(rgb, { padding: 0, scale: 1 });
    expect(Array.from(png.subarray(0, 8))).toEqual([137, 80, 78, 71, 13, 10, 26, 10]);
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([2, 2]);
    tf.dispose([x, rgb]);
  });

  it('refuses empty input, 2 channels and bad layout options', () => {
    const two = tf.zeros([1, 2, 2, 2]) as tf.Tensor4D;
    const none = tf.zeros([0, 2, 2, 1]) as tf.Tensor4D;
    expect(() => imageGridPng(two)).toThrow(/1 or 3 channels, got 2/);
    expect(() => imageGridPng(none)).toThrow(/no images/);
    const one = tf.zeros([1, 2, 2, 1]) as tf.Tensor4D;
    expect(() => imageGridPng(one, { columns: 0 })).toThrow(/columns must be an integer >= 1/);
    expect(() => imageGridPng(one, { scale: 1.5 })).toThrow(/scale/);
    tf.dispose([two, none, one]);
  });
});
