/**
 * The safetensors format (huggingface/safetensors): an 8-byte little-endian u64 header length N, N bytes
 * of JSON `{name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__"?: {...}}`, then the raw
 * little-endian tensor bytes (offsets relative to the end of the header).
 */

import { SafetensorsError } from '../errors.js';

/** Element types we read. F16/BF16/F64 are widened to float32; integer types are read as int32. */
export type SafetensorsDtype = 'F32' | 'F16' | 'BF16' | 'F64' | 'I64' | 'I32';

const BYTES: Record<SafetensorsDtype, number> = { F32: 4, F16: 2, BF16: 2, F64: 8, I64: 8, I32: 4 };

/**
 * The largest header {@link readSafetensorsHeader} reads: 100 MB, the reference implementation's own limit
 * (`MAX_HEADER_SIZE` in huggingface/safetensors). A real header is a few hundred bytes per tensor (BERT-base:
 * ~20 KB), so this bounds the JSON parse of a hostile file without refusing any real one.
 */
export const SAFETENSORS_MAX_HEADER_BYTES = 100_000_000;

/** One stored tensor. */
export interface SafeTensor {
  dtype: SafetensorsDtype;
  shape: number[];
  /** float32 values for float dtypes, int32 for integer dtypes. */
  data: Float32Array | Int32Array;
}

/** One validated header entry: where a tensor's bytes are (offsets relative to the data section). */
export interface SafetensorsEntry {
  name: string;
  dtype: SafetensorsDtype;
  shape: number[];
  /** Number of elements (the product of `shape`). */
  count: number;
  /** `[begin, end)` byte offsets inside the data section. */
  begin: number;
  end: number;
}

/** A validated safetensors header (see {@link readSafetensorsHeader}). */
export interface SafetensorsHeader {
  /** The file (or source) named in errors. */
  source: string;
  /** The tensors in header order. */
  entries: Map<string, SafetensorsEntry>;
  metadata: Record<string, string>;
  /** Byte offset of the data section in the file (8 + header length). */
  dataOffset: number;
  /** Bytes of the data section (the rest of the file). */
  dataLength: number;
}

function f16ToF32(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const f = h & 0x3ff;
  if (e === 0) return s * 2 ** -14 * (f / 1024);
  if (e === 31) return f ? Number.NaN : s * Number.POSITIVE_INFINITY;
  return s * 2 ** (e - 15) * (1 + f / 1024);
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
const isIndex = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
const show = (v: unknown): string => {
  const s = JSON.stringify(v);
  return s === undefined ? String(v) : s.length > 60 ? `${s.slice(0, 57)}...` : s;
};

/**
 * Reads and validates the header of a safetensors file **without reading any tensor data**, so that a caller
 * can check what the file holds (names, shapes, dtypes) before allocating anything. Every problem is a
 * {@link SafetensorsError} naming `source` (and the tensor): a file shorter than 8 bytes; a header length above
 * {@link SAFETENSORS_MAX_HEADER_BYTES} or past the end of the file; a header that is not UTF-8 JSON or not an
 * object; `__metadata__` that is not an object of strings; an entry that is not an object; a missing or
 * unsupported `dtype`; a `shape` that is not an array of non-negative integers; `data_offsets` that is not
 * `[begin, end]` of non-negative integers with `begin <= end`; a byte length other than the shape's; offsets
 * past the end of the file. As the reference implementation, the tensors must tile the data section exactly:
 * sorted by offset, each begins where the previous one ends (no overlap, no gap) and the last one ends at the
 * end of the file.
 */
export function readSafetensorsHeader(bytes: Uint8Array, source = 'safetensors'): SafetensorsHeader {
  const fail = (problem: string, tensor?: string): never => {
    throw new SafetensorsError(source, problem, tensor);
  };
  if (bytes.byteLength < 8) fail(`file too short (${bytes.byteLength} bytes) for a safetensors header (8-byte length + JSON)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n64 = view.getBigUint64(0, true);
  if (n64 > BigInt(SAFETENSORS_MAX_HEADER_BYTES))
    fail(`header length ${n64} exceeds the bound of ${SAFETENSORS_MAX_HEADER_BYTES} bytes (not a safetensors file?)`);
  const n = Number(n64);
  if (8 + n > bytes.byteLength)
    fail(`header length ${n} is larger than the file (${bytes.byteLength} bytes, so at most ${bytes.byteLength - 8})`);
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + n)));
  } catch (e) {
    fail(`header is not valid UTF-8 JSON (${(e as Error).message})`);
  }
  if (!isObject(header)) fail(`header must be a JSON object {name: {dtype, shape, data_offsets}}, got ${show(header)}`);
  const dataOffset = 8 + n;
  const dataLength = bytes.byteLength - dataOffset;
  const entries = new Map<string, SafetensorsEntry>();
  let metadata: Record<string, string> = {};
  for (const [name, raw] of Object.entries(header as Record<string, unknown>)) {
    if (name === '__metadata__') {
      if (!isObject(raw) || !Object.values(raw).every((v) => typeof v === 'string'))
        fail(`__metadata__ must be an object of strings, got ${show(raw)}`);
      metadata = raw as Record<string, string>;
      continue;
    }
    if (!isObject(raw)) fail(`entry must be an object {dtype, shape, data_offsets}, got ${show(raw)}`, name);
    const entry = raw as Record<string, unknown>;
    const { dtype, shape, data_offsets: off } = entry;
    if (typeof dtype !== 'string' || !Object.hasOwn(BYTES, dtype))
      fail(`unsupported dtype ${show(dtype)} (expected one of ${Object.keys(BYTES).join(', ')})`, name);
    if (!Array.isArray(shape) || !shape.every(isIndex)) fail(`shape must be an array of non-negative integers, got ${show(shape)}`, name);
    if (!Array.isArray(off) || off.length !== 2 || !off.every(isIndex))
      fail(`data_offsets must be [begin, end] of non-negative integers, got ${show(off)}`, name);
    const [begin, end] = off as [number, number];
    if (begin > end) fail(`data_offsets [${begin}, ${end}] are out of order (begin after end)`, name);
    if (end > dataLength)
      fail(`data_offsets [${begin}, ${end}] run past the end of the file (its data section is ${dataLength} bytes)`, name);
    const dt = dtype as SafetensorsDtype;
    // The element count, stopped as soon as it exceeds what the offsets hold (a huge shape cannot overflow).
    let count = 1;
    for (const d of shape as number[]) {
      count *= d;
      if (count * BYTES[dt] > end - begin && d !== 0) break;
    }
    if ((shape as number[]).includes(0)) count = 0;
    if (count * BYTES[dt] !== end - begin)
      fail(`data_offsets [${begin}, ${end}] (${end - begin} bytes) do not match shape [${(shape as number[]).join(', ')}] of ${dt}`, name);
    entries.set(name, { name, dtype: dt, shape: [...(shape as number[])], count, begin, end });
  }
  // The tensors must tile the data section: no overlap, no gap, nothing after the last one.
  const sorted = [...entries.values()].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let expected = 0;
  let previous: SafetensorsEntry | undefined;
  for (const e of sorted) {
    if (e.begin < expected)
      fail(`data_offsets [${e.begin}, ${e.end}] overlap tensor '${previous!.name}' [${previous!.begin}, ${previous!.end}]`, e.name);
    if (e.begin > expected)
      fail(`data_offsets [${e.begin}, ${e.end}] leave a gap of ${e.begin - expected} bytes after offset ${expected}`, e.name);
    expected = e.end;
    previous = e;
  }
  if (expected !== dataLength)
    fail(`the tensors cover ${expected} bytes but the data section holds ${dataLength} (a truncated or padded file)`);
  return { source, entries, metadata, dataOffset, dataLength };
}

/** The values of one validated entry (float32 for float dtypes, int32 for integer ones). */
export function readSafetensorsTensor(bytes: Uint8Array, header: SafetensorsHeader, entry: SafetensorsEntry): SafeTensor {
  const { dtype: dt, count } = entry;
  const dv = new DataView(bytes.buffer, bytes.byteOffset + header.dataOffset + entry.begin, entry.end - entry.begin);
  let data: Float32Array | Int32Array;
  if (dt === 'I64' || dt === 'I32') {
    data = new Int32Array(count);
    for (let i = 0; i < count; i++) data[i] = dt === 'I64' ? Number(dv.getBigInt64(i * 8, true)) : dv.getInt32(i * 4, true);
  } else {
    const out = new Float32Array(count);
    const bf = new Uint32Array(1);
    const bfAsF32 = new Float32Array(bf.buffer);
    for (let i = 0; i < count; i++) {
      if (dt === 'F32') out[i] = dv.getFloat32(i * 4, true);
      else if (dt === 'F64') out[i] = dv.getFloat64(i * 8, true);
      else if (dt === 'F16') out[i] = f16ToF32(dv.getUint16(i * 2, true));
      else {
        bf[0] = dv.getUint16(i * 2, true) << 16;
        out[i] = bfAsF32[0]!;
      }
    }
    data = out;
  }
  return { dtype: dt, shape: [...entry.shape], data };
}

/**
 * Parses a safetensors file's bytes (the header validated by {@link readSafetensorsHeader} first, so every
 * allocation is bounded by the file's size). `source` names the file in errors ({@link SafetensorsError}).
 */
export function readSafetensors(
  bytes: Uint8Array,
  source = 'safetensors',
): { tensors: Map<string, SafeTensor>; metadata: Record<string, string> } {
  const header = readSafetensorsHeader(bytes, source);
  const tensors = new Map<string, SafeTensor>();
  for (const entry of header.entries.values()) tensors.set(entry.name, readSafetensorsTensor(bytes, header, entry));
  return { tensors, metadata: header.metadata };
}

/**
 * Serialises float32 tensors to safetensors bytes (names sorted, header padded with spaces to a multiple of
 * 8 bytes as the reference implementation does).
 */
export function writeSafetensors(
  tensors:
    | ReadonlyMap<string, { shape: readonly number[]; data: Float32Array }>
    | Record<string, { shape: readonly number[]; data: Float32Array }>,
  metadata: Record<string, string> = { format: 'pt' },
): Uint8Array {
  type Entry = [string, { shape: readonly number[]; data: Float32Array }];
  const entries: Entry[] = (tensors instanceof Map ? [...tensors] : Object.entries(tensors)) as Entry[];
  entries.sort((a, b) => (a[0] < b[0] ? -1 : 1));
  const header: Record<string, unknown> = {};
  let offset = 0;
  for (const [name, t] of entries) {
    const count = t.shape.reduce((a, b) => a * b, 1);
    if (count !== t.data.length)
      throw new RangeError(`tensor '${name}': shape [${t.shape.join(', ')}] needs ${count} values, got ${t.data.length}`);
    header[name] = { dtype: 'F32', shape: [...t.shape], data_offsets: [offset, offset + count * 4] };
    offset += count * 4;
  }
  header.__metadata__ = metadata;
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - (Buffer.byteLength(json) % 8)) % 8);
  const hb = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + hb.length + offset);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(hb.length), true);
  out.set(hb, 8);
  let pos = 8 + hb.length;
  for (const [, t] of entries) {
    for (let i = 0; i < t.data.length; i++) view.setFloat32(pos + i * 4, t.data[i]!, true);
    pos += t.data.length * 4;
  }
  return out;
}
