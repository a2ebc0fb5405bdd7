import { describe, expect, it } from 'vitest';
import { crc32, readZip, writeZip } from './zip.js';

const enc = new TextEncoder();

describe('zip', () => {
  it('computes the standard CRC-32 check value', () => {
    expect(crc32(enc.encode('123456789'))).toBe(0xcbf43926);
    expect(crc32(new Uint8Array(0))).toBe(0);
  });

  it('round-trips stored entries, including empty and binary ones', () => {
    const binary = Uint8Array.from({ length: 1000 }, (_, i) => (i * 37) % 256);
    const entries = [
      { name: 'run.json', data: enc.encode('{"a":1}') },
      { name: 'model/weights.bin', data: binary },
      { name: 'empty.txt', data: new Uint8Array(0) },
    ];
    const back = readZip(writeZip(entries));
    expect(back.map((e) => e.name)).toEqual(['run.json', 'model/weights.bin', 'empty.txt']);
    for (const [i, e] of back.entries()) expect(Array.from(e.data)).toEqual(Array.from(entries[i]!.data));
  });

  it('writes the layout APPNOTE specifies: local header, central directory, end record', () => {
    const zip = writeZip([{ name: 'a.txt', data: enc.encode('hello') }], new Date(2024, 0, 2, 3, 4, 6));
    const v = new DataView(zip.buffer);
    expect(v.getUint32(0, true)).toBe(0x04034b50);
    expect(v.getUint16(8, true)).toBe(0); // stored
    expect(v.getUint16(12, true)).toBe(((2024 - 1980) << 9) | (1 << 5) | 2); // DOS date
    expect(v.getUint32(14, true)).toBe(crc32(enc.encode('hello')));
    expect(zip.length).toBe(30 + 5 + 5 + 46 + 5 + 22);
    const end = zip.length - 22;
    expect(v.getUint32(end, true)).toBe(0x06054b50);
    expect(v.getUint16(end + 10, true)).toBe(1);
    expect(v.getUint32(end + 16, true)).toBe(40); // the central directory starts after the one local record
  });

  it('refuses bad names and duplicates', () => {
    const data = new Uint8Array(1);
    expect(() => writeZip([{ name: '../x', data }])).toThrow(/bad entry name/);
    expect(() => writeZip([{ name: '/abs', data }])).toThrow(/bad entry name/);
    expect(() =>
      writeZip([
        { name: 'x', data },
        { name: 'x', data },
      ]),
    ).toThrow(/duplicate/);
  });

  it('detects corruption when reading', () => {
    const zip = writeZip([{ name: 'a.txt', data: enc.encode('hello') }]);
    const flipped = zip.slice();
    flipped[31 + 4]! ^= 0xff; // a byte of the data
    expect(() => readZip(flipped)).toThrow(/CRC mismatch in 'a.txt'/);
    expect(() => readZip(zip.subarray(0, 20))).toThrow(/not a ZIP/);
  });
});
