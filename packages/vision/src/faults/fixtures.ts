/** Hostile inputs of vision's fault tests, built in memory (not a test file itself). */
import { gzipSync } from 'node:zlib';
import sharp from 'sharp';

/** An IDX (ubyte) header for `dims`. */
export function idxHeader(dims: readonly number[]): Uint8Array {
  const out = new Uint8Array(4 + 4 * dims.length);
  out[2] = 0x08;
  out[3] = dims.length;
  const view = new DataView(out.buffer);
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d >>> 0, false));
  return out;
}

/**
 * A gzip file whose IDX header declares `dims` and whose body inflates to `zeroBytes` zeros: gzip members
 * (concatenated, as gunzip reads them) of 64 MiB of zeros each, so a 4.7 GB bomb is 4.5 MB and builds in a second.
 */
export function gzipBomb(dims: readonly number[], zeroBytes: number): Buffer {
  const chunk = 64 * 2 ** 20;
  const full = gzipSync(Buffer.alloc(chunk), { level: 9 });
  const parts: Buffer[] = [gzipSync(Buffer.from(idxHeader(dims)))];
  let left = zeroBytes;
  for (; left >= chunk; left -= chunk) parts.push(full);
  if (left > 0) parts.push(gzipSync(Buffer.alloc(left), { level: 9 }));
  return Buffer.concat(parts);
}

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** CRC-32 (PNG's chunk checksum). */
export function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** A tiny valid RGB PNG of `size`×`size` (one colour). */
export async function tinyPng(size = 6, shade = 120): Promise<Buffer> {
  return sharp({ create: { width: size, height: size, channels: 3, background: { r: shade, g: 255 - shade, b: 60 } } })
    .png()
    .toBuffer();
}

/**
 * `png` with its IHDR rewritten to declare `width`×`height` (CRC fixed, so only the pixel count is wrong): a
 * few dozen bytes claiming billions of pixels.
 */
export function withDeclaredSize(png: Buffer, width: number, height: number): Buffer {
  const out = Buffer.from(png);
  // Signature (8) + length (4) + 'IHDR' (4): width at 16, height at 20; CRC over type + data at 29.
  out.writeUInt32BE(width, 16);
  out.writeUInt32BE(height, 20);
  out.writeUInt32BE(crc32(out.subarray(12, 29)), 29);
  return out;
}
