/**
 * Little-endian f32 / u64 files of known length, written and read in bounded chunks (a 10⁵ × 512 index is
 * 200 MB; it is never copied whole). The layout is little-endian on every host.
 */
import type { FileHandle } from 'node:fs/promises';
import { endianness } from 'node:os';

const CHUNK = 1 << 20; // bytes per write
const LE = endianness() === 'LE';

/** Writes `data` (Float32Array or BigUint64Array) to `fh` as little-endian values. */
export async function writeLittleEndian(fh: FileHandle, data: Float32Array | BigUint64Array): Promise<void> {
  const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  const width = data.BYTES_PER_ELEMENT;
  for (let o = 0; o < bytes.length; o += CHUNK) {
    let chunk = bytes.subarray(o, Math.min(o + CHUNK, bytes.length));
    if (!LE) chunk = swapped(chunk, width);
    let written = 0;
    while (written < chunk.length) written += (await fh.write(chunk, written, chunk.length - written)).bytesWritten;
  }
}

/**
 * Reads exactly `out.byteLength` bytes of little-endian values from the start of `fh` into `out`; `file` names
 * the file when it is shorter.
 */
export async function readLittleEndian(fh: FileHandle, out: Float32Array | BigUint64Array, file: string): Promise<void> {
  const bytes = new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  let got = 0;
  while (got < bytes.length) {
    const { bytesRead } = await fh.read(bytes, got, Math.min(CHUNK, bytes.length - got), got);
    if (bytesRead === 0) throw new Error(`${file}: ended after ${got} of ${bytes.length} bytes`);
    got += bytesRead;
  }
  if (!LE) bytes.set(swapped(bytes, out.BYTES_PER_ELEMENT));
}

function swapped(bytes: Uint8Array, width: number): Uint8Array {
  const out = new Uint8Array(bytes.length);
  for (let o = 0; o < bytes.length; o += width) for (let b = 0; b < width; b++) out[o + b] = bytes[o + width - 1 - b]!;
  return out;
}
