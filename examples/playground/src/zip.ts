/**
 * A store-only ZIP writer (and the matching reader the tests and the Node side use): the encoder download is
 * a few files whose bytes (float32 weights, JSON) compress poorly enough that deflate is not worth a
 * dependency. Format: PKWARE APPNOTE 6.3 — local headers, central directory, end record; no ZIP64, so
 * every file and the archive stay below 4 GiB, far above a small encoder.
 */

export interface ZipEntry {
  /** Path inside the archive with '/' separators, e.g. `model/model.json`. */
  name: string;
  data: Uint8Array;
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

/** CRC-32 (the ZIP / gzip polynomial 0xEDB88320). */
export function crc32(data: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < data.length; i++) c = CRC_TABLE[(c ^ data[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

const LIMIT = 0xffffffff;
const UTF8_FLAG = 0x0800;

/** The DOS date and time fields of `d` (2-second resolution, years 1980–2107). */
function dosDateTime(d: Date): { time: number; date: number } {
  const year = Math.min(Math.max(d.getFullYear(), 1980), 2107);
  return {
    time: (d.getHours() << 11) | (d.getMinutes() << 5) | Math.floor(d.getSeconds() / 2),
    date: ((year - 1980) << 9) | ((d.getMonth() + 1) << 5) | d.getDate(),
  };
}

/** Writes `entries` uncompressed into one ZIP archive. Names must be unique, relative and non-empty. */
export function writeZip(entries: readonly ZipEntry[], modified = new Date()): Uint8Array {
  const enc = new TextEncoder();
  const seen = new Set<string>();
  const { time, date } = dosDateTime(modified);
  const records = entries.map((e) => {
    if (e.name === '' || e.name.startsWith('/') || e.name.split('/').includes('..')) throw new Error(`zip: bad entry name '${e.name}'`);
    if (seen.has(e.name)) throw new Error(`zip: duplicate entry '${e.name}'`);
    seen.add(e.name);
    if (e.data.length >= LIMIT) throw new Error(`zip: '${e.name}' is too large for a ZIP without ZIP64`);
    return { name: enc.encode(e.name), data: e.data, crc: crc32(e.data) };
  });
  const localSize = records.reduce((s, r) => s + 30 + r.name.length + r.data.length, 0);
  const centralSize = records.reduce((s, r) => s + 46 + r.name.length, 0);
  if (localSize + centralSize + 22 >= LIMIT) throw new Error('zip: archive too large without ZIP64');
  const out = new Uint8Array(localSize + centralSize + 22);
  const v = new DataView(out.buffer);
  let p = 0;
  const offsets: number[] = [];
  for (const r of records) {
    offsets.push(p);
    v.setUint32(p, 0x04034b50, true);
    v.setUint16(p + 4, 20, true); // version needed: 2.0
    v.setUint16(p + 6, UTF8_FLAG, true);
    v.setUint16(p + 8, 0, true); // method: stored
    v.setUint16(p + 10, time, true);
    v.setUint16(p + 12, date, true);
    v.setUint32(p + 14, r.crc, true);
    v.setUint32(p + 18, r.data.length, true);
    v.setUint32(p + 22, r.data.length, true);
    v.setUint16(p + 26, r.name.length, true);
    v.setUint16(p + 28, 0, true);
    out.set(r.name, p + 30);
    out.set(r.data, p + 30 + r.name.length);
    p += 30 + r.name.length + r.data.length;
  }
  const centralStart = p;
  records.forEach((r, i) => {
    v.setUint32(p, 0x02014b50, true);
    v.setUint16(p + 4, 20, true); // made by: 2.0 (MS-DOS attributes)
    v.setUint16(p + 6, 20, true);
    v.setUint16(p + 8, UTF8_FLAG, true);
    v.setUint16(p + 10, 0, true);
    v.setUint16(p + 12, time, true);
    v.setUint16(p + 14, date, true);
    v.setUint32(p + 16, r.crc, true);
    v.setUint32(p + 20, r.data.length, true);
    v.setUint32(p + 24, r.data.length, true);
    v.setUint16(p + 28, r.name.length, true);
    // extra length, comment length, disk number, internal and external attributes: all zero.
    v.setUint32(p + 42, offsets[i]!, true);
    out.set(r.name, p + 46);
    p += 46 + r.name.length;
  });
  v.setUint32(p, 0x06054b50, true);
  v.setUint16(p + 8, records.length, true);
  v.setUint16(p + 10, records.length, true);
  v.setUint32(p + 12, p - centralStart, true);
  v.setUint32(p + 16, centralStart, true);
  return out;
}

/**
 * Reads a ZIP of stored (uncompressed) entries, checking every offset against the bytes and every CRC.
 * Throws on deflated entries, ZIP64, or a corrupt archive.
 */
export function readZip(bytes: Uint8Array): ZipEntry[] {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let end = -1;
  for (let p = bytes.length - 22; p >= Math.max(0, bytes.length - 22 - 0xffff); p--) {
    if (v.getUint32(p, true) === 0x06054b50) {
      end = p;
      break;
    }
  }
  if (end < 0) throw new Error('zip: no end-of-central-directory record (not a ZIP file)');
  const count = v.getUint16(end + 10, true);
  const cdSize = v.getUint32(end + 12, true);
  let p = v.getUint32(end + 16, true);
  if (p + cdSize > end) throw new Error('zip: central directory outside the file');
  const dec = new TextDecoder();
  const entries: ZipEntry[] = [];
  for (let i = 0; i < count; i++) {
    if (p + 46 > end || v.getUint32(p, true) !== 0x02014b50) throw new Error(`zip: bad central directory entry ${i}`);
    const method = v.getUint16(p + 10, true);
    const crc = v.getUint32(p + 16, true);
    const size = v.getUint32(p + 20, true);
    const nameLen = v.getUint16(p + 28, true);
    const skip = nameLen + v.getUint16(p + 30, true) + v.getUint16(p + 32, true);
    const local = v.getUint32(p + 42, true);
    const name = dec.decode(bytes.subarray(p + 46, p + 46 + nameLen));
    if (method !== 0) throw new Error(`zip: '${name}' is compressed (method ${method}); only stored entries are read`);
    if (local + 30 > bytes.length || v.getUint32(local, true) !== 0x04034b50) throw new Error(`zip: bad local header of '${name}'`);
    const start = local + 30 + v.getUint16(local + 26, true) + v.getUint16(local + 28, true);
    if (start + size > bytes.length) throw new Error(`zip: '${name}' runs past the end of the file`);
    const data = bytes.subarray(start, start + size);
    if (crc32(data) !== crc) throw new Error(`zip: CRC mismatch in '${name}'`);
    entries.push({ name, data });
    p += 46 + skip;
  }
  return entries;
}
