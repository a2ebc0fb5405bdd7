import { readFile, stat, writeFile } from 'node:fs/promises';
import { constants as zlibConstants, gunzipSync, gzipSync } from 'node:zlib';
import { DataFormatError, DataReadError, DataTooLargeError, formatBytes } from './errors.js';

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

/**
 * Default bound on the bytes an IDX file may declare (`product(dims)`), 2 GiB: the data is held in memory as
 * bytes, so this is what loading it costs. Four times EMNIST ByClass (697,932 × 28 × 28 = 0.55 GB), the largest
 * IDX data set in common use; Fashion-MNIST's training file is 47 MB. Raise it with `maxBytes` (up to Node's
 * largest Buffer) for larger files.
 */
export const DEFAULT_MAX_IDX_BYTES = 2 ** 31;

/**
 * Deflate's largest expansion: a compressed byte never stands for more than 1032 output bytes (RFC 1951: a
 * 258-byte match in ~2 bits), so a gzip of `n` bytes cannot hold more than `1032·n` bytes of data.
 */
const DEFLATE_MAX_RATIO = 1032;

/** Options of {@link parseIdx} and {@link readIdx}. */
export interface IdxReadOptions {
  /** Largest `product(dims)` accepted, in bytes (default {@link DEFAULT_MAX_IDX_BYTES}); checked from the header, before decompressing. */
  maxBytes?: number;
}

/** The IDX header: dims and where the data starts. Throws a {@link DataFormatError} naming `name`. */
function parseHeader(bytes: Uint8Array, name: string): { dims: number[]; header: number; count: number } {
  if (bytes.length < 4) throw new DataFormatError(name, `too short to be an IDX file (${bytes.length} bytes)`);
  const [z0, z1, dtype, ndims] = [bytes[0]!, bytes[1]!, bytes[2]!, bytes[3]!];
  if (z0 !== 0 || z1 !== 0 || ndims < 1 || ndims > 4) {
    const magic = Array.from(bytes.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join(' ');
    throw new DataFormatError(
      name,
      `bad IDX magic number ${magic} (expected 00 00 08 0N, e.g. 00 00 08 03 for images, 00 00 08 01 for labels)`,
    );
  }
  if (dtype !== IDX_UBYTE) {
    throw new DataFormatError(name, `IDX dtype 0x${dtype.toString(16)} is not supported (only 0x08, unsigned byte)`);
  }
  const header = 4 + 4 * ndims;
  if (bytes.length < header) throw new DataFormatError(name, `truncated IDX header (${bytes.length} of ${header} bytes)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dims: number[] = [];
  for (let i = 0; i < ndims; i++) dims.push(view.getUint32(4 + 4 * i, false));
  // A product of up to four uint32 values: exact below 2^53, and far above any bound when it is not.
  return { dims, header, count: dims.reduce((a, b) => a * b, 1) };
}

/** The size bound of `opts`, validated. */
function maxBytesOf(opts: IdxReadOptions): number {
  const max = opts.maxBytes ?? DEFAULT_MAX_IDX_BYTES;
  if (!(Number.isInteger(max) && max >= 0)) throw new RangeError(`maxBytes must be an integer >= 0, got ${String(max)}`);
  return max;
}

/** Refuses a header that declares more than `max` bytes, from the header alone. */
function checkDeclared(name: string, dims: readonly number[], count: number, max: number): void {
  if (count > max) {
    throw new DataTooLargeError(
      name,
      `IDX header declares dims [${dims.join(', ')}] = ${formatBytes(count)} of data, above the ${formatBytes(max)} bound ` +
        '(maxBytes; the data is held in memory); refused before decompressing or allocating it',
      count,
      max,
    );
  }
}

/**
 * The first bytes of a gzip stream's output, at least `want` of them when the stream has that many, without
 * inflating the rest: prefixes of growing length are inflated (each bounded by deflate's ratio), so a gzip bomb
 * costs at most a few megabytes here.
 */
function gunzipPrefix(bytes: Uint8Array, want: number, name: string): Uint8Array {
  for (const n of [64, 512, 4096, 32768]) {
    const prefix = bytes.subarray(0, Math.min(n, bytes.length));
    let out: Uint8Array;
    try {
      out = gunzipSync(prefix, { finishFlush: zlibConstants.Z_SYNC_FLUSH, maxOutputLength: DEFLATE_MAX_RATIO * n + 1024 });
    } catch (err) {
      throw new DataFormatError(name, `gzip data is corrupt (${(err as Error).message})`, { cause: err });
    }
    if (out.length >= want || prefix.length === bytes.length) return out;
  }
  throw new DataFormatError(name, 'no IDX header within the first 32 KiB of the gzip stream');
}

/**
 * Parses an IDX buffer (gzip-compressed or not; detected from its first bytes). `name` appears in errors.
 *
 * Hostile input is refused before anything large is allocated: the header is read first (for a gzip file by
 * inflating only its first bytes) and `product(dims)` is checked against `opts.maxBytes` and against what the
 * file can hold (its length; for gzip, deflate's 1032:1 ceiling); the gzip body is then inflated with
 * `maxOutputLength` = header + declared bytes. Errors are {@link DataFormatError}s ({@link DataTooLargeError}
 * for the size bound) naming `name`.
 */
export function parseIdx(buffer: Uint8Array, name: string, opts: IdxReadOptions = {}): IdxArray {
  const max = maxBytesOf(opts);
  let bytes = buffer;
  if (bytes.length >= 2 && bytes[0] === GZIP_MAGIC_0 && bytes[1] === GZIP_MAGIC_1) {
    const head = gunzipPrefix(bytes, 4 + 4 * 4, name);
    const { dims, header, count } = parseHeader(head.subarray(0, Math.min(head.length, 4 + 4 * (head[3] ?? 0))), name);
    checkDeclared(name, dims, count, max);
    if (count > DEFLATE_MAX_RATIO * bytes.length) {
      throw new DataFormatError(
        name,
        `truncated IDX data: dims [${dims.join(', ')}] need ${formatBytes(count)} but a gzip file of ${formatBytes(bytes.length)} holds at most ${formatBytes(DEFLATE_MAX_RATIO * bytes.length)}`,
      );
    }
    try {
      bytes = gunzipSync(bytes, { maxOutputLength: header + count });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
        throw new DataFormatError(
          name,
          `gzip data expands to more than the ${header + count} bytes its IDX header declares (dims [${dims.join(', ')}]); the file is not one IDX array`,
        );
      }
      throw new DataFormatError(name, `gzip data is corrupt (${(err as Error).message})`, { cause: err });
    }
  }
  const { dims, header, count } = parseHeader(bytes, name);
  checkDeclared(name, dims, count, max);
  const present = bytes.length - header;
  if (present < count) {
    throw new DataFormatError(name, `truncated IDX data: dims [${dims.join(', ')}] need ${count} bytes, found ${present}`);
  }
  if (present > count) {
    throw new DataFormatError(
      name,
      `${present - count} bytes after the IDX data (dims [${dims.join(', ')}] = ${count} bytes); the file is not one IDX array`,
    );
  }
  return { dims, data: bytes.subarray(header, header + count) };
}

/**
 * Reads an IDX file (`.gz` or raw). Errors name the file: a {@link DataFormatError} for what is in it (see
 * {@link parseIdx}), an `Error` naming it when it cannot be read. A file larger than `maxBytes` could hold is
 * refused from its size, before it is read.
 */
export async function readIdx(path: string, opts: IdxReadOptions = {}): Promise<IdxArray> {
  const max = maxBytesOf(opts);
  let buffer: Buffer;
  try {
    const info = await stat(path);
    // The largest file that can hold `max` bytes of data: a raw file with its header, or an incompressible gzip
    // (stored blocks: 5 bytes per 64 KiB, plus the gzip header and trailer).
    const largest = max + Math.ceil(max / 65535) * 5 + 4096;
    if (info.isFile() && info.size > largest) {
      throw new DataTooLargeError(
        path,
        `IDX file of ${formatBytes(info.size)} is larger than the ${formatBytes(max)} bound on its data (maxBytes; the data is held in memory)`,
        info.size,
        max,
      );
    }
    buffer = await readFile(path);
  } catch (err) {
    if (err instanceof DataFormatError) throw err;
    throw new DataReadError(path, `cannot read IDX file ${path}: ${(err as Error).message}`, err);
  }
  return parseIdx(buffer, path, opts);
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
