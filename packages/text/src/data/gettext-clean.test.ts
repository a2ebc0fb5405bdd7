import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { cleanCatalogMessage, cleanCatalogs, collapseWhitespace, printfSignature, stripAccelerators } from './gettext-clean.js';
import { type MoMessage, parseMo } from './gettext-mo.js';

const msg = (msgid: string, msgstr: string, extra: Partial<MoMessage> = {}): MoMessage => ({ msgid, msgstr: [msgstr], ...extra });

describe('stripAccelerators', () => {
  it.each([
    ['_File', 'File'],
    ['Save _As…', 'Save As…'],
    ['Ö_ffnen', 'Öffnen'],
    ['&File', 'File'],
    ['文件(_F)', '文件'],
    ['Datei (_F)', 'Datei'],
    ['LC_ALL', 'LC_ALL'],
    ['KP_Begin', 'KP_Begin'],
    ['foo_bar_baz', 'foo_bar_baz'],
    ['A & B', 'A & B'],
    ['&amp;File', '&amp;File'],
    ['Drag && Drop', 'Drag && Drop'],
    ['%s_', '%s_'],
  ])('%s → %s', (input, expected) => expect(stripAccelerators(input)).toBe(expected));
});

describe('printfSignature', () => {
  it('gives the same signature to reordered positional arguments, and differs when the types do', () => {
    expect(printfSignature('copied %d of %s files')).toEqual(['1:d', '2:s']);
    expect(printfSignature('%2$s Dateien, davon %1$d kopiert')).toEqual(['1:d', '2:s']);
    expect(printfSignature('%-10.3ld and %lu')).toEqual(['1:ld', '2:lu']);
    expect(printfSignature('%*d')).toEqual(['1:*', '2:d']);
    expect(printfSignature('%.*s')).toEqual(['1:*', '2:s']);
    expect(printfSignature('100%% done: %m')).toEqual(['m']);
    expect(printfSignature('%(name)s has %(count)d')).toEqual(['count:d', 'name:s']);
    expect(printfSignature('%Id Dateien')).toEqual(['1:d']);
  });

  it('reads "50% of" as text, not a space-flagged conversion', () => {
    expect(printfSignature('50% of the disk')).toEqual([]);
    expect(printfSignature('50 % der Platte')).toEqual([]);
  });
});

describe('cleanCatalogMessage', () => {
  it('strips accelerators on both sides when the source has one, and collapses whitespace', () => {
    expect(cleanCatalogMessage(msg('Save _As…', 'Speichern _unter …'))).toEqual({
      ok: true,
      source: 'Save As…',
      target: 'Speichern unter …',
    });
    expect(cleanCatalogMessage(msg('Usage: demo\n  Print   things.\n', 'Aufruf: demo\n Dinge ausgeben.'))).toEqual({
      ok: true,
      source: 'Usage: demo Print things.',
      target: 'Aufruf: demo Dinge ausgeben.',
    });
    // No accelerator in the source: the target's underscore is an identifier and stays.
    expect(cleanCatalogMessage(msg('Set the locale', 'Setzt LC_MESSAGES'))).toMatchObject({ target: 'Setzt LC_MESSAGES' });
  });

  it('keeps identifiers the translation copies, and snake-case names in lower-case texts', () => {
    const pair = (id: string, str: string) => {
      const r = cleanCatalogMessage(msg(id, str));
      return r.ok ? [r.source, r.target] : r.reason;
    };
    expect(pair('crl_fetch via DP failed: %s', 'crl_fetch über den DP fehlgeschlagen: %s')).toEqual([
      'crl_fetch via DP failed: %s',
      'crl_fetch über den DP fehlgeschlagen: %s',
    ]);
    expect(pair('Bad magic number for krb5_creds', 'falsche magische Zahl für Krb5_creds-Struktur')[0]).toBe(
      'Bad magic number for krb5_creds',
    );
    expect(pair('statistics are not moved by pg_upgrade.\nOnce', 'von pg_upgrade nicht übertragen.')[0]).toMatch(/pg_upgrade/);
    expect(pair('column_alias', 'Spaltenalias')).toEqual(['column_alias', 'Spaltenalias']);
    // A marker that starts a word is a mnemonic even when the translation keeps the word; mid-word ones too.
    expect(pair('_Information', '_Informationen')).toEqual(['Information', 'Informationen']);
    expect(pair('Page or_dering:', '_Reihenfolge:')).toEqual(['Page ordering:', 'Reihenfolge:']);
  });

  it("drops GnuPG's |ARG| help prefix from both sides", () => {
    expect(cleanCatalogMessage(msg('|FILE|read options from FILE', '|DATEI|Optionen aus DATEI lesen'))).toEqual({
      ok: true,
      source: 'read options from FILE',
      target: 'Optionen aus DATEI lesen',
    });
    expect(cleanCatalogMessage(msg('|ALGO|use ALGO', 'Verwende ALGO'))).toMatchObject({ source: 'use ALGO', target: 'Verwende ALGO' });
  });

  it('keeps placeholders, and drops pairs whose placeholders differ', () => {
    expect(cleanCatalogMessage(msg("cannot open '%s': %s", "'%s' kann nicht geöffnet werden: %s"))).toMatchObject({ ok: true });
    expect(cleanCatalogMessage(msg('copied %d of %s files', '%2$s Dateien, davon %1$d kopiert'))).toMatchObject({ ok: true });
    expect(cleanCatalogMessage(msg('copied %d of %s files', '%s Dateien kopiert'))).toEqual({ ok: false, reason: 'placeholder-mismatch' });
    expect(cleanCatalogMessage(msg('%d files', '%s Dateien'))).toEqual({ ok: false, reason: 'placeholder-mismatch' });
  });

  it.each([
    [msg('', 'x'), 'empty'],
    [msg('Open', '  '), 'empty'],
    [msg('translator-credits', 'Max Mustermann'), 'metadata'],
    [msg('Linux', 'Linux'), 'untranslated'],
    [msg('_Linux', 'Linux'), 'untranslated'],
    [msg('%s: %s', '%s: %s.'), 'no-words'],
    [msg('%d%%', '%d %%'), 'no-words'],
    [msg('Open', '…'), 'no-words'],
    [msg('a b c d', 'w x y z'), 'too-long'],
    [msg('%d file', '%d Datei', { msgidPlural: '%d files', msgstr: ['%d Datei', '%d Dateien'] }), 'plural'],
  ])('%j → %s', (m, reason) => {
    expect(cleanCatalogMessage(m, { maxWords: 3, plurals: 'skip' })).toEqual({ ok: false, reason });
  });

  it('pairs a plural msgid with msgstr[0] by default', () => {
    const m = msg('%d file', '', { msgidPlural: '%d files', msgstr: ['%d Datei', '%d Dateien'] });
    expect(cleanCatalogMessage(m)).toEqual({ ok: true, source: '%d file', target: '%d Datei' });
  });
});

describe('cleanCatalogs', () => {
  it('keeps each source once, the first catalog winning, and counts every reason', () => {
    const r = cleanCatalogs([
      { package: 'a', domain: 'a1', messages: [msg('Open', 'Öffnen'), msg('Close', 'Close'), msg('Quit', 'Beenden')] },
      {
        package: 'b',
        domain: 'b1',
        messages: [msg('Open', 'Aufmachen'), msg('_Open', 'Ö_ffnen', { context: 'verb' }), msg('Save', 'Sichern')],
      },
    ]);
    expect(r.pairs).toEqual([
      { source: 'Open', target: 'Öffnen', package: 'a', domain: 'a1' },
      { source: 'Quit', target: 'Beenden', package: 'a', domain: 'a1' },
      { source: 'Save', target: 'Sichern', package: 'b', domain: 'b1' },
    ]);
    expect(r.messages).toBe(6);
    expect(r.skipped).toMatchObject({ untranslated: 1, 'duplicate-source': 2, empty: 0 });
  });

  it('cleans the msgfmt fixture to the expected pairs', () => {
    const c = parseMo(new Uint8Array(readFileSync(new URL('../__fixtures__/gettext/basic.mo', import.meta.url))), 'basic.mo');
    const r = cleanCatalogs([{ package: 'demo', domain: 'basic', messages: c.messages }]);
    // In the file's order: msgfmt sorts by msgid bytes, so '_File' comes after the capitals.
    expect(r.pairs.map((p) => [p.source, p.target])).toEqual([
      ['%d file removed', '%d Datei entfernt'],
      ['Open', 'Öffnen'],
      ['Save As…', 'Speichern unter …'],
      ['Usage: demo [OPTION]... Print things.', 'Aufruf: demo [OPTION]... Dinge ausgeben.'],
      ['File', 'Datei'],
      ["cannot open '%s': %s", "'%s' kann nicht geöffnet werden: %s"],
      ['copied %d of %s files', '%2$s Dateien, davon %1$d kopiert'],
    ]);
    // '%s: %s' → '%s: %s' and 'Linux' → 'Linux' are copies (checked before 'no-words'); the 'verb' Open repeats a source.
    expect(r.skipped).toMatchObject({ 'no-words': 0, untranslated: 2, 'duplicate-source': 1 });
    expect(collapseWhitespace('\ufeff a\n\tb ')).toBe('a b');
  });
});
