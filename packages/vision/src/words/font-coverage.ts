/**
 * Which characters a TrueType/OpenType font file maps to a glyph (its `cmap` table), read from the bytes.
 *
 * Why: Pango substitutes a missing glyph from another font without a word of warning, so a font that lacks a
 * letter would put a few fallback-sans letters into its words. The builder checks the charset against the
 * cmap before rendering. Only what fonts in use carry is read: the sfnt table directory, and cmap subtables of
 * format 4 (BMP) and 12 (full Unicode) under a Unicode encoding (platform 0, or platform 3 encodings 1 and 10).
 */

/** A malformed font file; `file` names it. */
export class FontFormatError extends Error {
  constructor(
    readonly file: string,
    message: string,
  ) {
    super(`${file}: ${message}`);
    this.name = 'FontFormatError';
  }
}

/** Reads the cmap of `bytes` and returns a function telling whether a code point has a (non-zero) glyph. */
export function cmapLookup(bytes: Uint8Array, file: string): (codePoint: number) => boolean {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const need = (offset: number, length: number, what: string): void => {
    if (offset < 0 || offset + length > bytes.length) {
      throw new FontFormatError(file, `truncated font: ${what} needs bytes ${offset}..${offset + length} of ${bytes.length}`);
    }
  };
  need(0, 12, 'the sfnt header');
  const version = view.getUint32(0);
  if (version !== 0x00010000 && version !== 0x4f54544f && version !== 0x74727565) {
    throw new FontFormatError(file, `not a TrueType/OpenType font (sfnt version 0x${version.toString(16)})`);
  }
  const numTables = view.getUint16(4);
  need(12, 16 * numTables, 'the table directory');
  let cmap = -1;
  for (let t = 0; t < numTables; t++) {
    const rec = 12 + 16 * t;
    if (String.fromCharCode(bytes[rec]!, bytes[rec + 1]!, bytes[rec + 2]!, bytes[rec + 3]!) === 'cmap') cmap = view.getUint32(rec + 8);
  }
  if (cmap < 0) throw new FontFormatError(file, 'no cmap table');
  need(cmap, 4, 'the cmap header');
  const count = view.getUint16(cmap + 2);
  need(cmap + 4, 8 * count, 'the cmap encoding records');
  // Prefer full-Unicode format 12 over the BMP format 4; any Unicode encoding will do.
  let best: { offset: number; format: number } | null = null;
  for (let e = 0; e < count; e++) {
    const rec = cmap + 4 + 8 * e;
    const [platform, encoding] = [view.getUint16(rec), view.getUint16(rec + 2)];
    const unicode = platform === 0 || (platform === 3 && (encoding === 1 || encoding === 10));
    if (!unicode) continue;
    const offset = cmap + view.getUint32(rec + 4);
    need(offset, 2, 'a cmap subtable');
    const format = view.getUint16(offset);
    if ((format === 12 && best?.format !== 12) || (format === 4 && best === null)) best = { offset, format };
  }
  if (best === null) throw new FontFormatError(file, 'no Unicode cmap subtable of format 4 or 12');
  const { offset, format } = best;
  if (format === 12) {
    need(offset, 16, 'the format-12 header');
    const groups = view.getUint32(offset + 12);
    need(offset + 16, 12 * groups, 'the format-12 groups');
    return (cp) => {
      for (let g = 0; g < groups; g++) {
        const at = offset + 16 + 12 * g;
        const [start, end] = [view.getUint32(at), view.getUint32(at + 4)];
        if (cp >= start && cp <= end) return view.getUint32(at + 8) + (cp - start) !== 0;
      }
      return false;
    };
  }
  need(offset, 14, 'the format-4 header');
  const segments = view.getUint16(offset + 6) / 2;
  const ends = offset + 14;
  const starts = ends + 2 * segments + 2;
  const deltas = starts + 2 * segments;
  const rangeOffsets = deltas + 2 * segments;
  need(offset, 14 + 8 * segments + 2, 'the format-4 segments');
  return (cp) => {
    if (cp > 0xffff) return false;
    for (let s = 0; s < segments; s++) {
      if (cp > view.getUint16(ends + 2 * s)) continue;
      const start = view.getUint16(starts + 2 * s);
      if (cp < start) return false;
      const delta = view.getInt16(deltas + 2 * s);
      const ro = view.getUint16(rangeOffsets + 2 * s);
      if (ro === 0) return ((cp + delta) & 0xffff) !== 0;
      // idRangeOffset counts from its own position to the glyph id array entry.
      const at = rangeOffsets + 2 * s + ro + 2 * (cp - start);
      need(at, 2, 'a format-4 glyph id');
      const glyph = view.getUint16(at);
      return glyph !== 0 && ((glyph + delta) & 0xffff) !== 0;
    }
    return false;
  };
}

/** The characters of `chars` that the font `bytes` has no glyph for (empty when it covers them all). */
export function missingGlyphs(bytes: Uint8Array, file: string, chars: string): string[] {
  const has = cmapLookup(bytes, file);
  return [...chars].filter((c) => !has(c.codePointAt(0)!));
}
