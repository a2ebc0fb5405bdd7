import { describe, expect, it } from 'vitest';
import { fromIdx, holdOut, selectImages, shuffled, toRgba } from './pixel-data.js';
import type { PixelData } from './protocol.js';

/** n 1×1 grayscale images whose pixel value is their index, labels i % classes. */
const data = (n: number, classes: number | null): PixelData => ({
  pixels: Uint8Array.from({ length: n }, (_, i) => i),
  n,
  height: 1,
  width: 1,
  channels: 1,
  labels: classes === null ? null : Int32Array.from({ length: n }, (_, i) => i % classes),
  classNames: null,
});

describe('pixel data', () => {
  it('builds from IDX arrays and checks the label count', () => {
    const d = fromIdx({ dims: [2, 2, 2], data: new Uint8Array(8) }, { dims: [2], data: Uint8Array.from([3, 4]) }, null);
    expect([d.n, d.height, d.width, d.channels, Array.from(d.labels!)]).toEqual([2, 2, 2, 1, [3, 4]]);
    expect(() => fromIdx({ dims: [2, 2, 2], data: new Uint8Array(8) }, { dims: [3], data: new Uint8Array(3) }, null)).toThrow(
      /not 2 labels/,
    );
  });

  it('selects images with their labels', () => {
    const s = selectImages(data(5, 2), [4, 1]);
    expect(Array.from(s.pixels)).toEqual([4, 1]);
    expect(Array.from(s.labels!)).toEqual([0, 1]);
    expect(() => selectImages(data(2, null), [2])).toThrow(/outside/);
  });

  it('shuffles deterministically', () => {
    expect(shuffled(10, 3)).toEqual(shuffled(10, 3));
    expect(shuffled(10, 3)).not.toEqual(shuffled(10, 4));
    expect([...shuffled(10, 3)].sort((a, b) => a - b)).toEqual([...Array(10).keys()]);
  });

  it('holds out a stratified fifth, disjoint from training, the same for the same seed', () => {
    const d = data(100, 4);
    const { train, heldOut } = holdOut(d, 0.2, 7);
    expect(heldOut.n).toBe(20);
    expect(train.n).toBe(80);
    for (let c = 0; c < 4; c++) expect(Array.from(heldOut.labels!).filter((y) => y === c)).toHaveLength(5);
    const ids = new Set([...train.pixels, ...heldOut.pixels]);
    expect(ids.size).toBe(100);
    expect(Array.from(holdOut(d, 0.2, 7).heldOut.pixels)).toEqual(Array.from(heldOut.pixels));
  });

  it('holds out from unlabeled data and from one image per class', () => {
    expect(holdOut(data(10, null), 0.2, 0).heldOut.n).toBe(2);
    const single = holdOut(data(3, 3), 0.2, 0);
    expect([single.train.n, single.heldOut.n]).toEqual([2, 1]);
    expect(() => holdOut(data(1, null), 0.2, 0)).toThrow(/at least 2/);
  });

  it('expands grayscale to RGBA', () => {
    expect(Array.from(toRgba(data(2, null), 1))).toEqual([1, 1, 1, 255]);
  });
});
