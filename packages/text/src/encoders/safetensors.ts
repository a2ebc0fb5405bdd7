/**
 * The safetensors format (huggingface/safetensors): an 8-byte little-endian u64 header length N, N bytes
 * of JSON `{name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__"?: {...}}`, then the raw
 * little-endian tensor bytes (offsets relative to the end of the header).
 */

/** Element types we read. F16/BF16/F64 are widened to float32; integer types are read as int32. */
export type SafetensorsDtype = 'F32' | 'F16' | 'BF16' | 'F64' | 'I64' | 'I32';

const BYTES: Record<SafetensorsDtype, number> = { F32: 4, F16: 2, BF16: 2, F64: 8, I64: 8, I32: 4 };

/** One stored tensor. */
export interface SafeTensor {
  dtype: SafetensorsDtype;
  shape: number[];
  /** float32 values for float dtypes, int32 for integer dtypes. */
  data: Float32Array | Int32Array;
}

function f16ToF32(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const f = h & 0x3ff;
  if (e === 0) return s * 2 ** -14 * (f / 1024);
  if (e === 31) return f ? Number.NaN : s * Number.POSITIVE_INFINITY;
  return s * 2 ** (e - 15) * (1 + f / 1024);
}

/** Parses a safetensors file's bytes. `source` names the file in error messages. */
export function readSafetensors(
  bytes: Uint8Array,
  source = 'safetensors',
): { tensors: Map<string, SafeTensor>; metadata: Record<string, string> } {
  if (bytes.byteLength < 8) throw new RangeError(`${source}: file too short (${bytes.byteLength} bytes) for a safetensors header`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = Number(view.getBigUint64(0, true));
  if (8 + n > bytes.byteLength) throw new RangeError(`${source}: header length ${n} exceeds the file size ${bytes.byteLength}`);
  let header: Record<string, { dtype: string; shape: number[]; data_offsets: [number, number] } | Record<string, string>>;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n)));
  } catch (e) {
    throw new RangeError(`${source}: header is not valid JSON (${(e as Error).message})`);
  }
  const base = 8 + n;
  const tensors = new Map<string, SafeTensor>();
  let metadata: Record<string, string> = {};
  for (const [name, entry] of Object.entries(header)) {
    if (name === '__metadata__') {
      metadata = entry as Record<string, string>;
      continue;
    }
    const { dtype, shape, data_offsets: off } = entry as { dtype: string; shape: number[]; data_offsets: [number, number] };
    if (!(dtype in BYTES))
      throw new RangeError(`${source}: tensor '${name}' has unsupported dtype ${dtype} (expected one of ${Object.keys(BYTES).join(', ')})`);
    const dt = dtype as SafetensorsDtype;
    const count = shape.reduce((a, b) => a * b, 1);
    if (off[1] - off[0] !== count * BYTES[dt] || base + off[1] > bytes.byteLength) {
      throw new RangeError(`${source}: tensor '${name}' offsets [${off.join(', ')}] do not match shape [${shape.join(', ')}] of ${dtype}`);
    }
    const dv = new DataView(bytes.buffer, bytes.byteOffset + base + off[0], off[1] - off[0]);
    let data: Float32Array | Int32Array;
    if (dt === 'I64' || dt === 'I32') {
      data = new Int32Array(count);
      for (let i = 0; i < count; i++) data[i] = dt === 'I64' ? Number(dv.getBigInt64(i * 8, true)) : dv.getInt32(i * 4, true);
    } else {
      const out = new Float32Array(count);
      for (let i = 0; i < count; i++) {
        if (dt === 'F32') out[i] = dv.getFloat32(i * 4, true);
        else if (dt === 'F64') out[i] = dv.getFloat64(i * 8, true);
        else if (dt === 'F16') out[i] = f16ToF32(dv.getUint16(i * 2, true));
        else out[i] = new Float32Array(new Uint32Array([dv.getUint16(i * 2, true) << 16]).buffer)[0]!;
      }
      data = out;
    }
    tensors.set(name, { dtype: dt, shape, data });
  }
  return { tensors, metadata };
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
