import { readFileSync } from 'node:fs';
import { copyFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { useTempDir } from '@contrastive/test-utils';
import { describe, expect, it } from 'vitest';
import { DEFAULT_FONTS_DIR, pangoDescription, WORD_FONT_PACKAGES, WORD_FONTS } from './fonts.js';
import { checkFontRenders, cropInkColumns, renderWord } from './render-word.js';

const tmp = useTempDir('vision-fonts-');

describe('font catalogue', () => {
  it('has at least 10 fonts with unique ids, and tools/ci/install-fonts.sh installs exactly its packages', () => {
    expect(WORD_FONTS.length).toBeGreaterThanOrEqual(10);
    expect(new Set(WORD_FONTS.map((f) => f.id)).size).toBe(WORD_FONTS.length);
    const script = readFileSync(new URL('../../../../tools/ci/install-fonts.sh', import.meta.url), 'utf8');
    const listed = /PACKAGES=\(([^)]*)\)/.exec(script)![1]!.split(/\s+/).filter(Boolean);
    expect(listed).toEqual([...WORD_FONT_PACKAGES]);
  });

  it('ends the family list with a comma, so a style word in a family name is not misread', () => {
    expect(pangoDescription(WORD_FONTS.find((f) => f.id === 'lobster-two')!, 48)).toBe('Lobster Two, Bold Italic 48');
    expect(pangoDescription(WORD_FONTS[0]!, 20)).toBe('DkgHandwriting, 20');
  });

  it('every catalogued font is installed and renders as itself, not as the fallback', async () => {
    for (const f of WORD_FONTS) await checkFontRenders(f, DEFAULT_FONTS_DIR);
  });

  it('detects a family name that does not match the file (it would render in the fallback sans)', async () => {
    const dkg = WORD_FONTS.find((f) => f.id === 'dkg-handwriting')!;
    await expect(checkFontRenders({ ...dkg, family: 'dkg' }, DEFAULT_FONTS_DIR)).rejects.toThrow(
      /font 'dkg-handwriting' .* renders as Pango's fallback font: its family is not 'dkg'/,
    );
  });

  it('refuses a font without a glyph for a charset character, naming the characters', async () => {
    const kristi = WORD_FONTS.find((f) => f.id === 'kristi')!;
    await expect(checkFontRenders(kristi, DEFAULT_FONTS_DIR, 'ab中c☃')).rejects.toThrow(/font 'kristi' .* has no glyph for '中☃'/);
  });

  it('reads fonts from --fonts-dir (a copy of one file in the Debian layout)', async () => {
    const kristi = WORD_FONTS.find((f) => f.id === 'kristi')!;
    await mkdir(path.dirname(tmp('fonts', kristi.file)), { recursive: true });
    await copyFile(path.join(DEFAULT_FONTS_DIR, kristi.file), tmp('fonts', kristi.file));
    await checkFontRenders(kristi, tmp('fonts'));
  });
});

describe('renderWord', () => {
  it('gives every word of a font the same line height, cropped to the ink columns', async () => {
    const font = WORD_FONTS.find((f) => f.id === 'comic-neue')!;
    const [ace, klipfish] = [await renderWord('ace', font, DEFAULT_FONTS_DIR), await renderWord('klipfish', font, DEFAULT_FONTS_DIR)];
    expect(ace.height).toBe(klipfish.height);
    expect(klipfish.width).toBeGreaterThan(1.5 * ace.width);
    for (const c of [ace, klipfish]) {
      const col = (x: number): number => Array.from({ length: c.height }, (_, y) => c.data[y * c.width + x]!).reduce((a, b) => a + b);
      expect(col(0)).toBeGreaterThan(0);
      expect(col(c.width - 1)).toBeGreaterThan(0);
    }
  });

  it("keeps a script font's first letter (no ligature with the invisible strut)", async () => {
    // Lobster joins "y" + "z": without the space after the strut, the "z" of "zoo" became part of the invisible strut.
    const lobster = WORD_FONTS.find((f) => f.id === 'lobster-two')!;
    const [zoo, oo] = [await renderWord('zoo', lobster, DEFAULT_FONTS_DIR), await renderWord('oo', lobster, DEFAULT_FONTS_DIR)];
    expect(zoo.width).toBeGreaterThan(oo.width * 1.3);
  });

  it('cropInkColumns keeps rows, drops blank columns, and keeps one column of a blank image', () => {
    const c = { data: Uint8Array.from([0, 5, 0, 0, 0, 0, 7, 0]), width: 4, height: 2 };
    expect(cropInkColumns(c)).toEqual({ data: Uint8Array.from([5, 0, 0, 7]), width: 2, height: 2 });
    expect(cropInkColumns({ data: new Uint8Array(6), width: 3, height: 2 })).toEqual({ data: new Uint8Array(2), width: 1, height: 2 });
  });
});
