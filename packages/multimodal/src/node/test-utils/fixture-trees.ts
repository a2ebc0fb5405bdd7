/**
 * Tiny source trees in the layout of the real offline sources, for the builder tests (the real packages are
 * 30–170 MB and not needed): Tux Paint's `CATEGORY/…/NAME.{png,svg,txt}` with `LOCALE.utf8=` translation lines,
 * OpenClipArt's `svg/CATEGORY/…/NAME.svg` with Dublin Core metadata (five real public-domain files committed under
 * `__fixtures__/openclipart`, plus synthetic ones), OpenMoji's `data/openmoji.json` + `color/svg/HEXCODE.svg`.
 */
import { cp, mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';

/** The committed OpenClipArt files (`svg/…`, five SVGs). */
export const OPENCLIPART_FIXTURE = fileURLToPath(new URL('../__fixtures__/openclipart/svg', import.meta.url));

async function put(root: string, rel: string, data: string | Buffer): Promise<void> {
  const file = join(root, ...rel.split('/'));
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, data);
}

/** An SVG of `w`×`h` (transparent background) with a filled circle of `colour`. */
export function circleSvg(colour: string, w = 40, h = 40, metadata = ''): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:cc="http://web.resource.org/cc/" xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" width="${w}" height="${h}">
${metadata}<circle cx="${w / 2}" cy="${h / 2}" r="${Math.min(w, h) / 4}" fill="${colour}"/>
</svg>
`;
}

/** A PNG of `w`×`h`: transparent, with an opaque `rgb` square in the middle. */
export async function squarePng(rgb: [number, number, number], w = 20, h = 20): Promise<Buffer> {
  const [r, g, b] = rgb;
  const inner = await sharp({
    create: { width: Math.ceil(w / 2), height: Math.ceil(h / 2), channels: 4, background: { r, g, b, alpha: 1 } },
  })
    .png()
    .toBuffer();
  return sharp({ create: { width: w, height: h, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } } })
    .composite([{ input: inner, left: Math.floor(w / 4), top: Math.floor(h / 4) }])
    .png()
    .toBuffer();
}

/** The colours of {@link colourCaptionFolder}, in the order of its lines. */
export const CAPTION_COLOURS: [string, [number, number, number]][] = [
  ['red', [220, 30, 30]],
  ['green', [30, 200, 30]],
  ['blue', [30, 30, 220]],
  ['yellow', [230, 220, 20]],
  ['purple', [150, 30, 160]],
  ['black', [10, 10, 10]],
];

/**
 * An image–caption folder of 36 images (6 colours × 6 sizes of square) captioned by colour, one per line of
 * captions.jsonl: lines 1–24 the train split, 25–36 the test split. Line k (1-based) is `img/<colour>-<size>.png`
 * with k − 1 = 6 · size + colour.
 */
export async function colourCaptionFolder(dir: string): Promise<void> {
  await mkdir(join(dir, 'img'), { recursive: true });
  const lines: string[] = [];
  let k = 0;
  for (let size = 0; size < 6; size++) {
    for (const [name, rgb] of CAPTION_COLOURS) {
      const file = `img/${name}-${size}.png`;
      await writeFile(join(dir, file), await squarePng(rgb, 16 + 4 * size, 16 + 4 * size));
      lines.push(JSON.stringify({ image: file, caption: `a ${name} square`, split: k++ >= 24 ? 'test' : 'train' }));
    }
  }
  await writeFile(join(dir, 'captions.jsonl'), `${lines.join('\n')}\n`);
}

/**
 * A Tux Paint stamps tree: `animals/birds/owl.{svg,png,txt}` (SVG and PNG twins, translations incl. an empty one),
 * `animals/cat.{png,txt}` + `cat_mirror.png`, `food/apple.*` (empty first line), `food/pear.*` (first line is a
 * translation), `food/gift.txt` (no image), `cartoon/tux.png` (no .txt), sounds and .dat files, and `town/house-N`
 * stamps (`houses` of them) for the split.
 */
export async function tuxPaintTree(root: string, houses = 12): Promise<void> {
  await put(root, 'animals/birds/owl.svg', circleSvg('#804000'));
  await put(root, 'animals/birds/owl.png', await squarePng([128, 64, 0]));
  await put(root, 'animals/birds/owl.txt', 'An owl.\nde.utf8=Eine Eule.\nfr.utf8=\nca@valencia.utf8=Un mussol.\npt_BR.utf8=Uma coruja.\n');
  await put(root, 'animals/birds/owl_desc_de.ogg', 'not really a sound');
  await put(root, 'animals/birds/owl.dat', 'colorable\n');
  await put(root, 'animals/cat.png', await squarePng([0, 0, 0]));
  await put(root, 'animals/cat.txt', 'A cat.\r\nde.utf8=Eine Katze.\r\n');
  await put(root, 'animals/cat_mirror.png', await squarePng([0, 0, 0]));
  await put(root, 'food/apple.png', await squarePng([255, 0, 0]));
  await put(root, 'food/apple.txt', '  \nde.utf8=Ein Apfel.\n');
  await put(root, 'food/pear.png', await squarePng([0, 255, 0]));
  await put(root, 'food/pear.txt', 'de.utf8=Eine Birne.\n');
  await put(root, 'food/gift.txt', 'A gift.\n');
  await put(root, 'cartoon/tux.png', await squarePng([0, 0, 0]));
  for (let i = 0; i < houses; i++) {
    await put(root, `town/house-${String(i).padStart(2, '0')}.png`, await squarePng([i * 20, 100, 200]));
    await put(root, `town/house-${String(i).padStart(2, '0')}.txt`, `House number ${i}.\nde.utf8=Haus Nummer ${i}.\n`);
  }
}

/** Dublin Core metadata as OpenClipArt 0.18 writes it (agents carry `dc:title`s too). */
export function openClipArtMetadata(title: string | null, keywords: string[], creator = 'Someone'): string {
  return `<metadata><rdf:RDF><cc:Work rdf:about="">
  ${title === null ? '' : `<dc:title>${title}</dc:title>`}
  <dc:description></dc:description>
  <dc:subject><rdf:Bag>${keywords.map((k) => `<rdf:li>${k}</rdf:li>`).join('')}</rdf:Bag></dc:subject>
  <dc:publisher><cc:Agent rdf:about="http://www.openclipart.org/"><dc:title>Open Clip Art Library</dc:title></cc:Agent></dc:publisher>
  <dc:creator><cc:Agent><dc:title>${creator}</dc:title></cc:Agent></dc:creator>
  <cc:license rdf:resource="http://web.resource.org/cc/PublicDomain"/>
</cc:Work></rdf:RDF></metadata>`;
}

/**
 * An OpenClipArt tree: the five committed SVGs, plus a link to one of them, a copy of the bat filed under a second
 * category with one more keyword, seven "gramastar" stars (a collection title), an empty title, no title, an
 * e-mail title, a title that is the author's name, and one SVG with a good title that does not rasterise.
 */
export async function openClipArtTree(root: string): Promise<void> {
  await cp(OPENCLIPART_FIXTURE, root, { recursive: true });
  await symlink(join(root, 'animals', 'bat_orlando_karam_.svg'), join(root, 'animals', 'bat-link.svg'));
  const bat = await readFile(join(root, 'animals', 'bat_orlando_karam_.svg'), 'utf8');
  await put(
    root,
    'animals/mammals/bat_orlando_karam_.svg',
    bat.replace('<rdf:li>animal</rdf:li>', '<rdf:li>animal</rdf:li><rdf:li>flying</rdf:li>'),
  );
  for (let i = 0; i < 7; i++)
    await put(root, `shapes/stars/star_${i}.svg`, circleSvg('#ffcc00', 30, 30, openClipArtMetadata('gramastar', ['stars'])));
  await put(root, 'unsorted/empty.svg', circleSvg('#000', 30, 30, openClipArtMetadata('', ['x'])));
  await put(root, 'unsorted/untitled.svg', circleSvg('#000', 30, 30, openClipArtMetadata(null, ['x'])));
  await put(root, 'unsorted/mail.svg', circleSvg('#000', 30, 30, openClipArtMetadata('ralf@example.org', ['x'])));
  await put(root, 'unsorted/byline.svg', circleSvg('#000', 30, 30, openClipArtMetadata('Jane Doe', ['x'], 'Jane Doe')));
  await put(
    root,
    'unsorted/broken.svg',
    `<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">${openClipArtMetadata('A broken kite', ['kite'])}<path d="M0 0`,
  );
}

/** One entry of OpenMoji's data file (only the fields the builder reads, plus a few it ignores). */
export function openMojiEntry(hexcode: string, annotation: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    emoji: '?',
    hexcode,
    group: 'smileys-emotion',
    subgroups: 'face-smiling',
    annotation,
    tags: '',
    openmoji_tags: '',
    openmoji_author: 'Emily Jäger',
    skintone: '',
    skintone_base_hexcode: '',
    ...extra,
  };
}

/**
 * An OpenMoji package tree: `package.json`, `LICENSE.txt`, `data/openmoji.json` and `color/svg/`: a grinning face
 * with tags, a waving hand and its skin-tone variant, an entry whose SVG is missing, one without an annotation, and
 * `extra` more faces for the split.
 */
export async function openMojiTree(root: string, extra = 12): Promise<void> {
  const entries = [
    openMojiEntry('1F600', 'grinning face', { tags: 'face, grin, happy', openmoji_tags: 'smile, happy' }),
    openMojiEntry('1F44B', 'waving hand', { group: 'people-body', tags: 'hand, wave' }),
    openMojiEntry('1F44B-1F3FB', 'waving hand: light skin tone', { group: 'people-body', skintone: 1, skintone_base_hexcode: '1F44B' }),
    openMojiEntry('1F4A9', 'pile of poo'),
    openMojiEntry('1F610', '  '),
    ...Array.from({ length: extra }, (_, i) =>
      openMojiEntry(`E${String(i).padStart(3, '0')}`, `extra face ${i}`, { group: 'extras-openmoji' }),
    ),
  ];
  await put(root, 'package.json', JSON.stringify({ name: 'openmoji', version: '17.0.0' }));
  await put(root, 'LICENSE.txt', 'Attribution-ShareAlike 4.0 International\n\n(the licence text)\n');
  await put(root, 'data/openmoji.json', JSON.stringify(entries));
  for (const e of entries) {
    if (e.hexcode === '1F4A9') continue;
    await put(root, `color/svg/${e.hexcode}.svg`, circleSvg('#fcea2b', 72, 72));
  }
}
