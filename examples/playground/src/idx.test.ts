import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { maybeGunzip, parseIdx } from './idx.js';

const idx = (dims: number[], data: number[]) => {
  const header = new Uint8Array(4 + 4 * dims.length);
  header.set([0, 0, 8, dims.length]);
  const v = new DataView(header.buffer);
  dims.forEach((d, i) => v.setUint32(4 + 4 * i, d, false));
  return Uint8Array.from([...header, ...data]);
};

describe('idx', () => {
  it('parses an unsigned-byte array', () => {
    const r = parseIdx(idx([2, 1, 2], [1, 2, 3, 4]), 'x');
    expect(r.dims).toEqual([2, 1, 2]);
    expect(Array.from(r.data)).toEqual([1, 2, 3, 4]);
  });

  it('gunzips gzip bytes with DecompressionStream and passes other bytes through', async () => {
    const raw = idx([3], [7, 8, 9]);
    expect(Array.from(await maybeGunzip(gzipSync(raw)))).toEqual(Array.from(raw));
    expect(await maybeGunzip(raw)).toBe(raw);
  });

  it('names the file on a bad magic number, a truncated header or a wrong size', () => {
    expect(() => parseIdx(Uint8Array.from([1, 2, 3, 4]), 'f.idx')).toThrow(/f.idx: not an unsigned-byte IDX/);
    expect(() => parseIdx(Uint8Array.from([0, 0, 8, 3, 0]), 'f.idx')).toThrow(/truncated/);
    expect(() => parseIdx(idx([2, 2], [1, 2, 3]), 'f.idx')).toThrow(/declares \[2, 2\] = 4 bytes of data but the file holds 3/);
  });
});
