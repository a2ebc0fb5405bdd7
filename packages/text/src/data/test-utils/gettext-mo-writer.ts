/**
 * A minimal `.mo` writer for tests (not shipped): revision 0, no hash table, strings NUL-terminated after the two
 * tables, in the order given. Strings may be raw bytes, to write encodings the header does not declare.
 */

/** One entry: `original` is `msgid`, `ctx\x04msgid` or `msgid\0plural`; `translation` is `msgstr` or `s0\0s1`. */
export interface MoEntry {
  original: string | Uint8Array;
  translation: string | Uint8Array;
}

/** A header entry (empty msgid) declaring `charset`. */
export function moHeader(charset = 'UTF-8', extra = ''): MoEntry {
  return {
    original: '',
    translation: `Content-Type: text/plain; charset=${charset}\nPlural-Forms: nplurals=2; plural=(n != 1);\n${extra}`,
  };
}

/** The bytes of a `.mo` file holding `entries` (little-endian unless told). */
export function writeMo(entries: readonly MoEntry[], options: { littleEndian?: boolean; revision?: number } = {}): Uint8Array {
  const { littleEndian = true, revision = 0 } = options;
  const enc = new TextEncoder();
  const bytesOf = (s: string | Uint8Array): Uint8Array => (typeof s === 'string' ? enc.encode(s) : s);
  const originals = entries.map((e) => bytesOf(e.original));
  const translations = entries.map((e) => bytesOf(e.translation));
  const n = entries.length;
  const o = 28;
  const t = o + 8 * n;
  let at = t + 8 * n;
  const strings = [...originals, ...translations];
  const size = at + strings.reduce((s, b) => s + b.length + 1, 0);
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  const put = (pos: number, v: number): void => view.setUint32(pos, v, littleEndian);
  put(0, 0x950412de);
  put(4, revision);
  put(8, n);
  put(12, o);
  put(16, t);
  put(20, 0);
  put(24, 0);
  strings.forEach((b, i) => {
    const table = i < n ? o + 8 * i : t + 8 * (i - n);
    put(table, b.length);
    put(table + 4, at);
    out.set(b, at);
    at += b.length + 1;
  });
  return out;
}
