/**
 * A reader of GNU gettext message catalogs (`.mo` files), browser-safe: bytes in, messages out.
 *
 * The format (GNU gettext manual, "The Format of GNU MO Files"), all numbers 32-bit unsigned in the file's byte
 * order, which the magic tells:
 *
 * | offset | field |
 * |---|---|
 * | 0 | magic `0x950412de` (read as `0xde120495` in the other byte order) |
 * | 4 | revision: major in the high 16 bits (0 or 1), minor in the low 16 bits (0 or 1) |
 * | 8 | N, the number of static strings |
 * | 12 | O, offset of the table of original strings: N pairs (length, offset) |
 * | 16 | T, offset of the table of translations: N pairs (length, offset) |
 * | 20, 24 | size and offset of the hash table (not needed to read every message) |
 * | 28…47 | minor revision 1 only: system-dependent segments and strings (`%<PRIu64>`), not read here |
 *
 * An original is `msgid`, `msgctxt \x04 msgid`, or for plurals `msgid \0 msgid_plural`; its translation is
 * `msgstr`, or `msgstr[0] \0 msgstr[1] …`. The entry with an empty `msgid` is the header (`Content-Type: text/plain;
 * charset=…`, `Plural-Forms: …`). Fuzzy entries are never compiled into a `.mo`, so there is no flag to read.
 */

/**
 * A `.mo` file that cannot be read as one: shorter than its header, a bad magic number, an unknown revision, a
 * string count whose tables do not fit in the file, or a (length, offset) pair pointing past the end. Thrown by
 * {@link parseMo} **before** anything the file describes is allocated. `file` names the file, `offset` the byte
 * position of the field at fault when there is one.
 */
export class MoFileError extends Error {
  /** Always `'EMOFILE'`. */
  readonly code = 'EMOFILE';
  /** The file (or the source name) that was read. */
  readonly file: string;
  /** Byte offset of the field at fault, when the problem is in one. */
  readonly offset?: number;
  constructor(file: string, problem: string, offset?: number) {
    super(`${file}: not a valid gettext .mo file: ${problem}${offset === undefined ? '' : ` (at byte ${offset})`}`);
    this.name = 'MoFileError';
    this.file = file;
    if (offset !== undefined) this.offset = offset;
  }
}

/** The magic number of a `.mo` file, as written in its own byte order. */
export const MO_MAGIC = 0x950412de;

/** One compiled message (the header entry is not one: it is parsed into {@link MoCatalog.header}). */
export interface MoMessage {
  /** `msgctxt`, when the message has one (`"verb"` for a `pgettext("verb", "Open")`). */
  context?: string;
  /** The original (source-language, usually English) text. */
  msgid: string;
  /** The original plural form, for `ngettext` messages. */
  msgidPlural?: string;
  /** The translations: one string, or one per plural form (`msgstr[0]`, `msgstr[1]`, … in the catalog's order). */
  msgstr: string[];
}

/** Why {@link parseMo} left a message out, with counts in {@link MoCatalog.skipped}. */
export type MoSkipReason =
  /** The header names a charset this runtime's `TextDecoder` does not know: every message of the catalog. */
  | 'unsupported-charset'
  /** A string that is not valid in the catalog's charset (a fatal decode error). */
  | 'bad-encoding'
  /** A system-dependent string (minor revision 1, `%<PRIu64>`), which needs the C library's expansion. */
  | 'system-dependent';

/** What {@link parseMo} read from one `.mo` file. */
export interface MoCatalog {
  /** The file name given to {@link parseMo}. */
  file: string;
  /** Byte order of the file. */
  littleEndian: boolean;
  /** The revision field: major in the high 16 bits, minor in the low 16 bits (`0`, or `1` with sysdep strings). */
  revision: number;
  /** The header entry's `Field: value` lines (`Content-Type`, `Plural-Forms`, `Language`, …); empty without one. */
  header: Record<string, string>;
  /**
   * The charset the strings were decoded from, as the header names it in lower case (`'utf-8'`, `'iso-8859-1'`).
   * `'utf-8'` when the header has no charset or the template placeholder `CHARSET`.
   */
  charset: string;
  /** The messages, in the file's order (sorted by original), the header excluded. */
  messages: MoMessage[];
  /** Messages left out, by reason. */
  skipped: Partial<Record<MoSkipReason, number>>;
}

/** Bytes of the fixed header of revision 0; minor revision 1 adds 20. */
const HEADER_BYTES = 28;
const SYSDEP_HEADER_BYTES = 48;

/**
 * Parses a GNU gettext `.mo` file (either byte order, revisions 0.0–1.1). Every size and offset is checked
 * against `bytes.length` before a string or an array is made, so a corrupt or hostile file costs at most its own
 * size; it is a {@link MoFileError} naming `file`, never a partial catalog.
 *
 * Strings are decoded from the header's charset with `TextDecoder` (fatal): a charset the runtime does not
 * support leaves every message out (`skipped['unsupported-charset']`), a string invalid in its charset leaves that
 * message out (`'bad-encoding'`). System-dependent strings (minor revision 1) are counted, not expanded.
 *
 * @param bytes the whole file
 * @param file names the file in errors and in the result
 * @example parseMo(readFileSync('/usr/share/locale/de/LC_MESSAGES/grep.mo'), 'grep.mo').messages[0]
 */
export function parseMo(bytes: Uint8Array, file: string): MoCatalog {
  const size = bytes.length;
  if (size < HEADER_BYTES) throw new MoFileError(file, `${size} bytes is shorter than the ${HEADER_BYTES}-byte header`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let littleEndian: boolean;
  if (view.getUint32(0, true) === MO_MAGIC) littleEndian = true;
  else if (view.getUint32(0, false) === MO_MAGIC) littleEndian = false;
  else throw new MoFileError(file, `bad magic number 0x${view.getUint32(0, false).toString(16).padStart(8, '0')} (expected 0x950412de)`, 0);
  const u32 = (at: number): number => view.getUint32(at, littleEndian);

  const revision = u32(4);
  const major = revision >>> 16;
  const minor = revision & 0xffff;
  if (major > 1 || minor > 1) throw new MoFileError(file, `unknown revision ${major}.${minor} (known: 0.0 to 1.1)`, 4);
  const count = u32(8);
  const originals = u32(12);
  const translations = u32(16);
  // Each table holds `count` 8-byte pairs; checking both against the size bounds `count` by size / 8 before any
  // allocation, so an absurd count is an error, not a 4-billion-slot array.
  const checkTable = (what: string, at: number, field: number): void => {
    if (at + count * 8 > size) {
      throw new MoFileError(
        file,
        `the ${what} table of ${count} strings at offset ${at} needs ${count * 8} bytes, past the end of the ${size}-byte file`,
        field,
      );
    }
  };
  checkTable('original', originals, 12);
  checkTable('translation', translations, 16);
  const hashSize = u32(20);
  const hashOffset = u32(24);
  if (hashSize > 0 && hashOffset + hashSize * 4 > size) {
    throw new MoFileError(
      file,
      `the hash table of ${hashSize} slots at offset ${hashOffset} runs past the end of the ${size}-byte file`,
      20,
    );
  }
  let systemDependent = 0;
  if (minor === 1) {
    if (size < SYSDEP_HEADER_BYTES) {
      throw new MoFileError(file, `${size} bytes is shorter than the ${SYSDEP_HEADER_BYTES}-byte header of revision ${major}.1`);
    }
    systemDependent = u32(36);
    // Each system-dependent string has an entry of at least 12 bytes in each of its two tables.
    const tables = [u32(40), u32(44)];
    tables.forEach((at, i) => {
      if (at + systemDependent * 12 > size) {
        throw new MoFileError(file, `${systemDependent} system-dependent strings do not fit in the ${size}-byte file`, 40 + 4 * i);
      }
    });
  }

  /** The bytes of string `index` of the table at `table`, checked against the file. */
  const entry = (table: number, index: number, what: string): Uint8Array => {
    const field = table + index * 8;
    const length = u32(field);
    const offset = u32(field + 4);
    if (offset + length > size) {
      throw new MoFileError(
        file,
        `${what} string ${index} (${length} bytes at offset ${offset}) runs past the end of the ${size}-byte file`,
        field,
      );
    }
    return bytes.subarray(offset, offset + length);
  };
  // Check every pair first, so a corrupt last entry is found before strings are decoded.
  for (let i = 0; i < count; i++) {
    entry(originals, i, 'original');
    entry(translations, i, 'translation');
  }

  // The header is ASCII by convention; Latin-1 decodes any byte, so it never fails and finds the charset.
  let header: Record<string, string> = {};
  for (let i = 0; i < count; i++) {
    if (entry(originals, i, 'original').length === 0) {
      header = parseMoHeader(new TextDecoder('latin1').decode(entry(translations, i, 'translation')));
      break;
    }
  }
  const charset = moCharset(header);
  const skipped: Partial<Record<MoSkipReason, number>> = {};
  if (systemDependent > 0) skipped['system-dependent'] = systemDependent;
  let decoder: TextDecoder;
  try {
    decoder = new TextDecoder(charset, { fatal: true, ignoreBOM: true });
  } catch {
    const messages = countMessages(count, (i) => entry(originals, i, 'original').length === 0);
    if (messages > 0) skipped['unsupported-charset'] = messages;
    return { file, littleEndian, revision, header, charset, messages: [], skipped };
  }

  const messages: MoMessage[] = [];
  for (let i = 0; i < count; i++) {
    const original = entry(originals, i, 'original');
    if (original.length === 0) continue;
    let id: string;
    let str: string;
    try {
      id = decoder.decode(original);
      str = decoder.decode(entry(translations, i, 'translation'));
    } catch {
      skipped['bad-encoding'] = (skipped['bad-encoding'] ?? 0) + 1;
      continue;
    }
    messages.push(splitMessage(id, str));
  }
  return { file, littleEndian, revision, header, charset, messages, skipped };
}

function countMessages(count: number, isHeader: (i: number) => boolean): number {
  let n = 0;
  for (let i = 0; i < count; i++) if (!isHeader(i)) n++;
  return n;
}

/** `ctx\x04id\0plural` + `s0\0s1` → a {@link MoMessage}. */
function splitMessage(original: string, translation: string): MoMessage {
  const eot = original.indexOf('\x04');
  const context = eot >= 0 ? original.slice(0, eot) : undefined;
  const [msgid = '', msgidPlural] = (eot >= 0 ? original.slice(eot + 1) : original).split('\0');
  const m: MoMessage = { msgid, msgstr: translation.split('\0') };
  if (context !== undefined) m.context = context;
  if (msgidPlural !== undefined) m.msgidPlural = msgidPlural;
  return m;
}

/** The header entry's `Field: value` lines as a record (later duplicates win; lines without a colon are ignored). */
export function parseMoHeader(text: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const key = line.slice(0, colon).trim();
    if (key === '__proto__' || key === 'constructor' || key === 'prototype') continue;
    fields[key] = line.slice(colon + 1).trim();
  }
  return fields;
}

/**
 * The charset of a catalog's header (`Content-Type: text/plain; charset=ISO-8859-1` → `'iso-8859-1'`), lower case.
 * `'utf-8'` when there is none or it is the `.pot` template's `CHARSET` placeholder (such catalogs are ASCII in
 * practice, which UTF-8 decodes unchanged).
 */
export function moCharset(header: Record<string, string>): string {
  const m = /charset\s*=\s*([^\s;]+)/i.exec(header['Content-Type'] ?? '');
  const name = m?.[1]?.toLowerCase();
  return name === undefined || name === 'charset' ? 'utf-8' : name;
}
