/**
 * The handwriting and script fonts the word-image dataset is rendered in: Debian packages (bookworm), installed
 * by `apt-get install` (CI: `tools/ci/install-fonts.sh`). The fonts are read from the user's machine at build
 * time and never shipped by this package; each dataset's NOTICE.md names the font, its package and licence.
 *
 * `family` is the font's own family name as `fc-scan --format '%{family[0]}'` prints it: Pango (through sharp's
 * `text` input) picks the face by that name, so a wrong name silently renders in the fallback sans (the builder
 * checks this at run time, see `checkFontRenders`, which also reads each file's cmap for the charset). Every file
 * here was checked with `fc-query` to cover a–z and A–Z, and every licence below was read from
 * `/usr/share/doc/<package>/copyright` (bookworm versions).
 *
 * Left out: `fonts-dkg-handwriting`'s bold/oblique faces and Comic Neue's other weights (near-duplicates of a
 * listed face: a split by font must not put a face's twin on the other side), `hershey-fonts-data` (stroke
 * fonts in a format Pango does not read), and `fonts-joscelyn` (a calligraphic hand whose contextual swashes
 * turn a word's first letter into an ornament: "am" read as "xm" on the sample sheet).
 */

/** One font of the catalogue. */
export interface WordFont {
  /** Short stable id, used in labels.tsv and dataset.json (kebab-case). */
  id: string;
  /** The Debian package that installs it. */
  package: string;
  /** Path of the font file relative to the fonts folder (default `/usr/share/fonts`). */
  file: string;
  /** The family name inside the file (what Pango matches). */
  family: string;
  /** Pango style words after the family (`'Bold'`), or `''`. */
  style: string;
  /** Licence of the font, as its Debian copyright file states it (SPDX-like). */
  licence: string;
  /** Copyright holder and year, from the same file. */
  copyright: string;
}

/** Where Debian installs fonts. */
export const DEFAULT_FONTS_DIR = '/usr/share/fonts';

const OFL = 'OFL-1.1';

/** The catalogue, in a fixed order (the split shuffles a copy with the seed). */
export const WORD_FONTS: readonly WordFont[] = [
  {
    id: 'dkg-handwriting',
    package: 'fonts-dkg-handwriting',
    file: 'truetype/fifthhorseman/dkg.ttf',
    family: 'DkgHandwriting',
    style: '',
    licence: 'OFL-1.1 (font source) / GPL-3+ (package)',
    copyright: '2005-2023 Daniel Kahn Gillmor',
  },
  ...(['Build', 'Connect', 'Create', 'Learn', 'Mentor', 'Organize'] as const).map(
    (w): WordFont => ({
      id: `because-we-${w.toLowerCase()}`,
      package: 'fonts-bwht',
      file: `opentype/bwht/BecauseWe${w}-Regular.otf`,
      family: `Because We ${w}`,
      style: '',
      licence: OFL,
      copyright: '2019 Red Hat, Inc.',
    }),
  ),
  {
    id: 'breip',
    package: 'fonts-breip',
    file: 'truetype/breip/Breip.ttf',
    family: 'Breip',
    style: '',
    licence: 'OFL-1.0',
    copyright: '2006 Adam Breipohl',
  },
  {
    id: 'femkeklaver',
    package: 'fonts-femkeklaver',
    file: 'truetype/femkeklaver/femkeklaver.ttf',
    family: 'femkeklaver',
    style: '',
    licence: 'CC-BY-SA-3.0',
    copyright: '2008 Femke Klaver',
  },
  {
    id: 'rufscript',
    package: 'fonts-rufscript',
    file: 'truetype/rufscript/Rufscript010.ttf',
    family: 'Rufscript',
    style: '',
    licence: 'GPL-3+ with font exception',
    copyright: '2008 Hiran Venugopalan',
  },
  {
    id: 'delphine',
    package: 'fonts-sjfonts',
    file: 'truetype/sjfonts/Delphine.ttf',
    family: 'Delphine',
    style: '',
    licence: 'GPL-2 with font exception',
    copyright: '1997 Steve Jordi',
  },
  {
    id: 'steve-hand',
    package: 'fonts-sjfonts',
    file: 'truetype/sjfonts/SteveHand.ttf',
    family: 'Steve',
    style: '',
    licence: 'GPL-2 with font exception',
    copyright: '1997 Steve Jordi',
  },
  {
    id: 'humor-sans',
    package: 'fonts-humor-sans',
    file: 'truetype/humor-sans/Humor-Sans.ttf',
    family: 'Humor Sans',
    style: '',
    licence: OFL,
    copyright: '2009 Michael Ciuffo',
  },
  {
    id: 'dancing-script',
    package: 'fonts-dancingscript',
    file: 'opentype/dancingscript/DancingScript-Regular.otf',
    family: 'Dancing Script',
    style: '',
    licence: OFL,
    copyright: '2010 Pablo Impallari',
  },
  {
    id: 'ecolier-court',
    package: 'fonts-ecolier-court',
    file: 'truetype/ecolier-court/Ecolier-court.ttf',
    family: 'Ecolier_court',
    style: '',
    licence: OFL,
    copyright: '2007 Jean-Marie Douteau',
  },
  {
    id: 'kristi',
    package: 'fonts-kristi',
    file: 'truetype/kristi/Kristi.ttf',
    family: 'Kristi',
    style: '',
    licence: OFL,
    copyright: '2010 Birgit Pulk',
  },
  {
    id: 'kaushan-script',
    package: 'fonts-kaushanscript',
    file: 'opentype/kaushanscript/KaushanScript-Regular.otf',
    family: 'Kaushan Script',
    style: '',
    licence: OFL,
    copyright: '2011 Pablo Impallari',
  },
  {
    id: 'comic-neue',
    package: 'fonts-comic-neue',
    file: 'opentype/comic-neue/ComicNeue-Regular.otf',
    family: 'Comic Neue',
    style: '',
    licence: OFL,
    copyright: '2014-2016 Craig Rozynski',
  },
  {
    id: 'tomson-talks',
    package: 'fonts-tomsontalks',
    file: 'truetype/tomsontalks/TomsonTalks.ttf',
    family: 'Tomson Talks',
    style: '',
    licence: OFL,
    copyright: '2008-2010 Frank Bruder',
  },
  {
    id: 'lobster-two',
    package: 'fonts-lobster',
    file: 'opentype/lobster/lobster.otf',
    family: 'Lobster Two',
    style: 'Bold Italic',
    licence: OFL,
    copyright: '2011 Pablo Impallari',
  },
  {
    id: 'leckerli-one',
    package: 'fonts-leckerli-one',
    file: 'truetype/leckerli-one/LeckerliOne-Regular.ttf',
    family: 'Leckerli One',
    style: '',
    licence: OFL,
    copyright: '2011 Gesine Todt',
  },
];

/** The Debian packages of the catalogue, sorted (what `tools/ci/install-fonts.sh` installs). */
export const WORD_FONT_PACKAGES: readonly string[] = [...new Set(WORD_FONTS.map((f) => f.package))].sort();

/**
 * The Pango font description of `font` at `size` px (at 72 dpi, 1 pt = 1 px). The comma ends the family list,
 * so a family whose last word is also a style word is not misread.
 */
export function pangoDescription(font: WordFont, size: number): string {
  return `${font.family}, ${font.style ? `${font.style} ` : ''}${size}`;
}
