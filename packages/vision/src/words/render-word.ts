/**
 * Renders one word in one font through sharp's `text` input (libvips → Pango → FreeType), as ink coverage.
 *
 * libvips crops the rendered text to its ink, so a short word without ascenders ("ace") would come out shorter
 * than "klipfish" and be blown up to the image height. An invisible strut (`fgalpha="1"`, i.e. 1/65536 opacity,
 * which rounds to 0 in 8 bits) of tall and deep glyphs ahead of the word makes the rendered box as tall as the
 * font's line whatever the word, so every word of a font keeps one letter size and one baseline; the strut's
 * own columns are then cropped away (they hold no ink). A space separates the strut from the word: a script
 * font's ligatures and contextual alternates (Lobster joins "y"+"z" into one glyph) would otherwise join the
 * word's first letter to the invisible strut, and the word starts in its word-initial form, as written alone.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { missingGlyphs } from './font-coverage.js';
import { pangoDescription, type WordFont } from './fonts.js';
import type { Coverage } from './jitter.js';
import { WORD_CHARSET } from './word-list.js';

/** Font size the words are rendered at before being fitted into the image (px at 72 dpi). */
export const RENDER_SIZE = 48;

/** Glyphs of the invisible strut: a capital, the ascenders and the descenders of a-z (every catalogued font has them; a glyph a font lacks would come from the fallback font, with its metrics). */
const STRUT = 'Hbdfklgjpqy';

/** A family name no system has: what Pango falls back from. */
const NO_SUCH_FAMILY = 'No Such Font Family Contrastive';

const escapeMarkup = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** The absolute path of `font`'s file under `fontsDir`. */
export function fontPath(font: WordFont, fontsDir: string): string {
  return path.resolve(fontsDir, font.file);
}

/** Renders `markup` with the Pango description `description` (and `fontfile`); returns the alpha channel. */
async function renderAlpha(markup: string, description: string, fontfile: string): Promise<Coverage> {
  const { data, info } = await sharp({ text: { text: markup, font: description, fontfile, dpi: 72, rgba: true } })
    .extractChannel(3)
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { data: new Uint8Array(data.buffer, data.byteOffset, data.length), width: info.width, height: info.height };
}

/** `c` cropped to its columns that hold ink (all rows kept); a 1-pixel-wide blank image when none do. */
export function cropInkColumns(c: Coverage): Coverage {
  let first = -1;
  let last = -1;
  for (let x = 0; x < c.width; x++) {
    for (let y = 0; y < c.height; y++) {
      if (c.data[y * c.width + x]! > 0) {
        if (first < 0) first = x;
        last = x;
        break;
      }
    }
  }
  if (first < 0) return { data: new Uint8Array(c.height), width: 1, height: c.height };
  const width = last - first + 1;
  const data = new Uint8Array(width * c.height);
  for (let y = 0; y < c.height; y++) data.set(c.data.subarray(y * c.width + first, y * c.width + last + 1), y * width);
  return { data, width, height: c.height };
}

/** The ink coverage of `text` in `font`, line-high and cropped to the word's ink columns (see the module comment). */
export async function renderWord(text: string, font: WordFont, fontsDir: string): Promise<Coverage> {
  const markup = `<span fgalpha="1">${STRUT}</span> ${escapeMarkup(text)}`;
  return cropInkColumns(await renderAlpha(markup, pangoDescription(font, RENDER_SIZE), fontPath(font, fontsDir)));
}

const sameCoverage = (a: Coverage, b: Coverage): boolean =>
  a.width === b.width && a.height === b.height && Buffer.compare(Buffer.from(a.data), Buffer.from(b.data)) === 0;

/**
 * Throws unless `font` is installed under `fontsDir`, has a glyph for every character of `charset` (its cmap;
 * Pango would silently take a missing letter from another font), and Pango renders it, not its fallback: a
 * pangram rendered with the font's family must differ from the same text under a family nobody has (a family
 * name that does not match the file, e.g. `dkg` for `DkgHandwriting`, renders in the fallback sans without any
 * error).
 */
export async function checkFontRenders(font: WordFont, fontsDir: string, charset: string = WORD_CHARSET): Promise<void> {
  const file = fontPath(font, fontsDir);
  if (!existsSync(file)) {
    throw new Error(`font '${font.id}' is not installed: ${file} is missing (apt-get install ${font.package}, or pass --fonts-dir)`);
  }
  const missing = missingGlyphs(readFileSync(file), file, charset);
  if (missing.length > 0) {
    throw new Error(`font '${font.id}' (${file}) has no glyph for '${missing.join('')}'; Pango would draw them in another font`);
  }
  const pangram = 'sphinx of black quartz judge my vow';
  const own = await renderAlpha(pangram, pangoDescription(font, RENDER_SIZE), file);
  const fallback = await renderAlpha(pangram, `${NO_SUCH_FAMILY}, ${RENDER_SIZE}`, file);
  if (sameCoverage(own, fallback)) {
    throw new Error(
      `font '${font.id}' (${file}) renders as Pango's fallback font: its family is not '${font.family}' (check with fc-scan --format '%{family}' ${file})`,
    );
  }
}
