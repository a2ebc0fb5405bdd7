import { readFile, writeFile } from 'node:fs/promises';
import { gunzipSync, gzipSync } from 'node:zlib';

/**
 * The IDX format of LeCun's MNIST (and Zalando's Fashion-MNIST): a 4-byte magic number
 * `0x00 0x00 <dtype> <ndims>`, then `ndims` big-endian uint32 dimension sizes, then the data in row-major
 * order. Only dtype `0x08` (unsigned byte) is used by the (Fashion-)MNIST files, so only that is read.
 */
export interface IdxArray {
  /** Dimension sizes, e.g. `[60000, 28, 28]` for an images file, `[60000]` for a labels file. */
  dims: number[];
  /** The raw unsigned bytes, `product(dims)` of them. */
  data: Uint8Array;
}

const GZIP_MAGIC_0 = 0x1f;
const GZIP_MAGIC_1 = 0x8b;
const IDX_UBYTE = 0x08;

/** Parses an IDX buffer (gzip-compressed or not; detected from its first bytes). `name` appears in errors. */
export function parseIdx(buffer: Uint8Array, name: string): IdxArray {
  let bytes = buffer;
  if (bytes.length >= 2 && bytes[0] === GZIP_MAGIC_0 && bytes[1] === GZIP_MAGIC_1) {
    try {
      bytes = gunzipSync(bytes);
    } catch (err) {
      throw new Error(`${name}: gzip data is corrupt (${(err as Error).message})`);
    }
  }
  if (bytes.length < 4) throw new Error(`${name}: too short to be an IDX file (${bytes.length} bytes)`);
  const [z0, z1, dtype, ndims] = [bytes[0]!, bytes[1]!, bytes[2]!, bytes[3]!];
  if (z0 !== 0 || z1 !== 0 || ndims < 1 || ndims > 4) {
    const magic = Array.from(bytes.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join(' ');
    throw new Error(`${name}: bad IDX magic number ${magic} (expected 00 00 08 0N, e.g. 00 00 08 03 for images, 00 00 08 01 for labels)`);
  }
  if (dtype !== IDX_UBYTE) {
    throw new Error(`${name}: IDX dtype 0x${dtype.toString(16)} is not supported (only 0x08, unsigned byte)`);
  }
  const header = 4 + 4 * ndims;
  if (bytes.length < header) throw new Error(`${name}: truncated IDX header`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dims: number[] = [];
  for (let i = 0; i < ndims; i++) dims.push(view.getUint32(4 + 4 * i, false));
  const count = dims.reduce((a, b) => a * b, 1);
  if (bytes.length - header < count) {
    throw new Error(`${name}: truncated IDX data: dims [${dims.join(', ')}] need ${count} bytes, found ${bytes.length - header}`);
  }
  return { dims, data: bytes.subarray(header, header + count) };
}

/** Reads an IDX file (`.gz` or raw). Errors name the file. */
export async function readIdx(path: string): Promise<IdxArray> {
  let buffer: Buffer;
  try {
    buffer = await readFile(path);
  } catch (err) {
    throw new Error(`cannot read IDX file ${path}: ${(err as Error).message}`);
  }
  return parseIdx(buffer, path);
}

/** Serialises unsigned bytes as IDX; gzip-compressed when `gzip` is true (the default for `.gz` paths). */
export function encodeIdx(dims: readonly number[], data: Uint8Array, gzip = false): Uint8Array {
  const count = dims.reduce((a, b) => a * b, 1);
  if (count !== data.length) throw new RangeError(`encodeIdx: dims [${dims.join(', ')}] need ${count} bytes, got ${data.length}`);
  const out = new Uint8Array(4 + 4 * dims.length + data.length);
  out[2] = IDX_UBYTE;
  out[3] = dims.length;
  const view = new DataView(out.buffer);
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  out.set(data, 4 + 4 * dims.length);
  return gzip ? gzipSync(out, { level: 9 }) : out;
}

/** Writes an IDX file; gzip-compressed when the path ends in `.gz`. */
export async function writeIdx(path: string, dims: readonly number[], data: Uint8Array): Promise<void> {
  await writeFile(path, encodeIdx(dims, data, path.endsWith('.gz')));
}
