import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type MoCatalog, MoFileError, moCharset, parseMo } from './gettext-mo.js';
import { moHeader, writeMo } from './test-utils/gettext-mo-writer.js';

// Compiled from the .po files beside them by msgfmt (GNU gettext 0.21); see __fixtures__/gettext/README.md.
const fixture = (name: string): Uint8Array => new Uint8Array(readFileSync(new URL(`../__fixtures__/gettext/${name}`, import.meta.url)));

/** Parses or returns the error; anything but a MoFileError naming the file fails the test. */
function parseOrError(bytes: Uint8Array, file = 'x.mo'): MoCatalog | MoFileError {
  try {
    return parseMo(bytes, file);
  } catch (e) {
    if (e instanceof MoFileError && e.file === file && e.message.startsWith(`${file}: `)) return e;
    throw e;
  }
}

describe('parseMo on msgfmt output', () => {
  it('reads messages, contexts, plurals and the header of a little-endian catalog; fuzzy entries are absent', () => {
    const c = parseMo(fixture('basic.mo'), 'basic.mo');
    expect(c.littleEndian).toBe(true);
    expect(c.revision).toBe(0);
    expect(c.charset).toBe('utf-8');
    expect(c.header['Project-Id-Version']).toBe('demo 1.0');
    expect(c.header['Plural-Forms']).toBe('nplurals=2; plural=(n != 1);');
    expect(c.skipped).toEqual({});
    expect(c.messages).toHaveLength(10);
    const byId = (id: string, context?: string) => c.messages.find((m) => m.msgid === id && m.context === context);
    expect(byId('_File')).toEqual({ msgid: '_File', msgstr: ['_Datei'] });
    expect(byId('Open')?.msgstr).toEqual(['Öffnen']);
    expect(byId('Open', 'verb')?.msgstr).toEqual(['Öffne']);
    expect(byId('%d file removed')).toEqual({
      msgid: '%d file removed',
      msgidPlural: '%d files removed',
      msgstr: ['%d Datei entfernt', '%d Dateien entfernt'],
    });
    expect(byId('Usage: demo [OPTION]...\n  Print   things.\n')?.msgstr).toEqual(['Aufruf: demo [OPTION]...\n  Dinge   ausgeben.\n']);
    expect(byId('Quit')).toBeUndefined();
  });

  it('reads the big-endian build of the same catalog to the same messages', () => {
    const le = parseMo(fixture('basic.mo'), 'basic.mo');
    const be = parseMo(fixture('basic-be.mo'), 'basic-be.mo');
    expect(be.littleEndian).toBe(false);
    expect(be.messages).toEqual(le.messages);
    expect(be.header).toEqual(le.header);
  });

  it('converts a Latin-1 catalog with TextDecoder', () => {
    const c = parseMo(fixture('latin1.mo'), 'latin1.mo');
    expect(c.charset).toBe('iso-8859-1');
    expect(c.messages.map((m) => [m.msgid, m.msgstr[0]])).toEqual([
      ['Close', 'Schließen'],
      ['Size', 'Größe'],
    ]);
  });

  it('counts the system-dependent strings of revision 1 and reads the static ones', () => {
    const c = parseMo(fixture('sysdep.mo'), 'sysdep.mo');
    expect(c.revision).toBe(1);
    expect(c.messages).toEqual([{ msgid: 'Read error', msgstr: ['Lesefehler'] }]);
    expect(c.skipped).toEqual({ 'system-dependent': 1 });
  });
});

describe('parseMo on generated catalogs', () => {
  it('round-trips what the writer wrote, in both byte orders, with a leading BOM kept', () => {
    const entries = [moHeader(), { original: 'a\x04b', translation: 'c' }, { original: 'x', translation: '\ufeffy' }];
    for (const littleEndian of [true, false]) {
      const c = parseMo(writeMo(entries, { littleEndian }), 'g.mo');
      expect(c.messages).toEqual([
        { context: 'a', msgid: 'b', msgstr: ['c'] },
        { msgid: 'x', msgstr: ['\ufeffy'] },
      ]);
    }
  });

  it('skips every message of a charset TextDecoder does not know, and single strings invalid in theirs', () => {
    const unknown = parseMo(
      writeMo([moHeader('x-klingon'), { original: 'a', translation: 'b' }, { original: 'c', translation: 'd' }]),
      'k.mo',
    );
    expect(unknown.charset).toBe('x-klingon');
    expect(unknown.messages).toEqual([]);
    expect(unknown.skipped).toEqual({ 'unsupported-charset': 2 });
    const broken = parseMo(
      writeMo([moHeader(), { original: 'ok', translation: 'gut' }, { original: 'bad', translation: new Uint8Array([0xc3, 0x28]) }]),
      'b.mo',
    );
    expect(broken.messages).toEqual([{ msgid: 'ok', msgstr: ['gut'] }]);
    expect(broken.skipped).toEqual({ 'bad-encoding': 1 });
  });

  it('reads a catalog without a header as UTF-8; the template placeholder CHARSET too', () => {
    expect(parseMo(writeMo([{ original: 'ä', translation: 'ö' }]), 'h.mo').messages).toEqual([{ msgid: 'ä', msgstr: ['ö'] }]);
    expect(moCharset({ 'Content-Type': 'text/plain; charset=CHARSET' })).toBe('utf-8');
    expect(moCharset({ 'Content-Type': 'text/plain; charset=EUC-JP' })).toBe('euc-jp');
    expect(moCharset({})).toBe('utf-8');
  });
});

describe('parseMo on malformed input', () => {
  const valid = (): Uint8Array => writeMo([moHeader(), { original: 'one', translation: 'eins' }]);
  const set = (bytes: Uint8Array, at: number, v: number): Uint8Array => {
    const copy = bytes.slice();
    new DataView(copy.buffer).setUint32(at, v, true);
    return copy;
  };
  const cases: [string, Uint8Array, RegExp, number | undefined][] = [
    ['empty', new Uint8Array(0), /0 bytes is shorter than the 28-byte header/, undefined],
    ['bad magic', set(valid(), 0, 0x12345678), /bad magic number 0x78563412/, 0],
    ['revision 2.0', set(valid(), 4, 0x20000), /unknown revision 2\.0/, 4],
    ['absurd N', set(valid(), 8, 0xffffffff), /table of 4294967295 strings .* past the end/, 12],
    ['translation table past the end', set(valid(), 16, 1000), /translation table .* past the end/, 16],
    ['hash table past the end', set(set(valid(), 20, 50), 24, 28), /hash table of 50 slots/, 20],
    ['string past the end', set(valid(), 28 + 8 + 4, 100000), /original string 1 .* runs past the end/, 36],
    ['revision 1 too short', set(writeMo([]), 4, 1), /shorter than the 48-byte header of revision 0\.1/, undefined],
  ];
  it.each(cases)('%s → MoFileError naming the file and the byte', (_, bytes, message, offset) => {
    const r = parseOrError(bytes, 'bad.mo');
    expect(r).toBeInstanceOf(MoFileError);
    expect((r as MoFileError).message).toMatch(message);
    expect((r as MoFileError).code).toBe('EMOFILE');
    expect((r as MoFileError).offset).toBe(offset);
  });

  it('rejects every truncation of a msgfmt catalog (its strings end the file)', () => {
    const bytes = fixture('basic.mo');
    // msgfmt ends the file with the last translation's NUL, which the reader does not need.
    for (let n = 0; n < bytes.length - 1; n++)
      expect(parseOrError(bytes.subarray(0, n), 'cut.mo'), `length ${n}`).toBeInstanceOf(MoFileError);
    expect(parseOrError(bytes.subarray(0, bytes.length - 1), 'cut.mo')).not.toBeInstanceOf(MoFileError);
  });

  it('an absurd count fails before allocating (fast, whatever N claims)', () => {
    const started = performance.now();
    for (let n = 0; n < 200; n++) expect(parseOrError(set(valid(), 8, 0x7fffffff - n))).toBeInstanceOf(MoFileError);
    expect(performance.now() - started).toBeLessThan(500);
  });
});

describe('parseMo fuzz (fast-check)', () => {
  /** A clean result: strings everywhere and non-negative counts. */
  const clean = (c: MoCatalog): boolean =>
    c.messages.every((m) => typeof m.msgid === 'string' && m.msgstr.every((s) => typeof s === 'string')) &&
    Object.values(c.skipped).every((n) => Number.isInteger(n) && n! >= 0);

  it('random bytes → a clean catalog or a MoFileError', () => {
    const magic = fc.constantFrom([0xde, 0x12, 0x04, 0x95], [0x95, 0x04, 0x12, 0xde], [0, 0, 0, 0]);
    const bytes = fc.tuple(magic, fc.uint8Array({ maxLength: 120 })).map(([m, rest]) => new Uint8Array([...m, ...rest]));
    fc.assert(
      fc.property(bytes, (b) => {
        const r = parseOrError(b);
        return r instanceof MoFileError || clean(r);
      }),
      { numRuns: 2000, seed: 28 },
    );
  });

  it('mutated msgfmt and generated catalogs → a clean catalog or a MoFileError', () => {
    const sources = [fixture('basic.mo'), fixture('basic-be.mo'), fixture('sysdep.mo'), fixture('latin1.mo')];
    const mutation = fc.record({
      source: fc.integer({ min: 0, max: sources.length - 1 }),
      edits: fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 6 }),
      cut: fc.option(fc.nat(), { nil: undefined }),
    });
    fc.assert(
      fc.property(mutation, ({ source, edits, cut }) => {
        const b = sources[source]!.slice();
        // Most edits land in the header and tables (the first 120 bytes), where they change sizes and offsets.
        for (const [at, v] of edits) b[at % Math.min(b.length, 120)] = v;
        const r = parseOrError(cut === undefined ? b : b.subarray(0, cut % (b.length + 1)));
        return r instanceof MoFileError || clean(r);
      }),
      { numRuns: 2000, seed: 28 },
    );
  });
});
