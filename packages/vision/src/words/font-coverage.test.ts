import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { cmapLookup, FontFormatError, missingGlyphs } from './font-coverage.js';
import { DEFAULT_FONTS_DIR, WORD_FONTS } from './fonts.js';

const fileOf = (id: string): string => `${DEFAULT_FONTS_DIR}/${WORD_FONTS.find((f) => f.id === id)!.file}`;

describe('cmapLookup', () => {
  // Expected sets from fc-query --format '%{charset}' (fontconfig 2.14.1, Debian bookworm); the parser agreed with
  // fc-query on every code point U+0020-U+2FFF of all 21 catalogued fonts when written.
  it('reads format 4 (TrueType) and the CFF-flavoured OpenType cmaps', () => {
    const humor = fileOf('humor-sans');
    expect(missingGlyphs(readFileSync(humor), humor, 'azAZ€ÿŁ')).toEqual(['ÿ', 'Ł']);
    const build = fileOf('because-we-build');
    expect(missingGlyphs(readFileSync(build), build, 'azAZ€ÿŁ')).toEqual(['€', 'ÿ', 'Ł']);
    const lobster = fileOf('lobster-two');
    expect(missingGlyphs(readFileSync(lobster), lobster, 'qŁ€😀')).toEqual(['😀']);
  });

  it('refuses what is not a font, or a truncated one, naming the file', () => {
    expect(() => cmapLookup(new TextEncoder().encode('not a font at all'), 'x.ttf')).toThrow(FontFormatError);
    expect(() => cmapLookup(new TextEncoder().encode('not a font at all'), 'x.ttf')).toThrow(/x.ttf: not a TrueType\/OpenType font/);
    const kristi = readFileSync(fileOf('kristi'));
    expect(() => cmapLookup(kristi.subarray(0, 40), 'k.ttf')).toThrow(/k.ttf: truncated font: the table directory/);
  });
});
