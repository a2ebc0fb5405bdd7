import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { folderSnapshot, useCpuLeakCheck, useTempDir } from '@contrastive/test-utils';
import { beforeAll, describe, expect, it } from 'vitest';
import { readWordImages } from './read-word-images.js';
import { buildWordImages, type BuildWordImagesOptions, WORD_IMAGES_FILE, WORD_LABELS_FILE } from './build-word-images.js';
import { WORD_FONTS } from './fonts.js';
import { WORD_SPLITS } from './split.js';

useCpuLeakCheck();
const tmp = useTempDir('vision-words-');

// Three single-font packages (one per split) and 12 words: 10 train, 1 validation, 1 test … with K = 2.
const fonts = WORD_FONTS.filter((f) => ['breip', 'kristi', 'comic-neue'].includes(f.id));
const wordList = [
  'apple',
  'bridge',
  'candle',
  'dog',
  'engine',
  'forest',
  'garden',
  'harbor',
  'island',
  'jungle',
  'kettle',
  'lemon',
  'mirror',
  'needle',
  'ocean',
];
const options = (out: string, extra: Partial<BuildWordImagesOptions> = {}): BuildWordImagesOptions => ({
  out,
  words: 12,
  imagesPerWord: 2,
  height: 16,
  width: 64,
  seed: 7,
  fonts,
  wordList,
  testPackages: 1,
  validationPackages: 1,
  ...extra,
});

const labels = async (dir: string, split: string): Promise<string[][]> =>
  (await readFile(path.join(dir, split, WORD_LABELS_FILE), 'utf8'))
    .trim()
    .split('\n')
    .slice(1)
    .map((l) => l.split('\t'));

describe('buildWordImages', () => {
  let dir = '';
  beforeAll(async () => {
    dir = tmp('a');
    await buildWordImages(options(dir));
  });

  it('is deterministic: the same seed gives byte-identical images and labels, another seed other images', async () => {
    const again = tmp('b');
    await buildWordImages(options(again));
    const [a, b] = [await folderSnapshot(dir), await folderSnapshot(again)];
    for (const s of WORD_SPLITS) {
      for (const f of [WORD_IMAGES_FILE, WORD_LABELS_FILE]) expect(b[`/${s}/${f}`]).toBe(a[`/${s}/${f}`]);
    }
    const other = tmp('c');
    await buildWordImages(options(other, { seed: 8 }));
    expect((await folderSnapshot(other))[`/train/${WORD_IMAGES_FILE}`]).not.toBe(a[`/train/${WORD_IMAGES_FILE}`]);
  });

  it('splits by font and by word: no validation or test font or word occurs in train', async () => {
    const rows = Object.fromEntries(await Promise.all(WORD_SPLITS.map(async (s) => [s, await labels(dir, s)] as const)));
    const words = (s: string): Set<string> => new Set(rows[s]!.map((r) => r[1]!));
    const fontsOf = (s: string): Set<string> => new Set(rows[s]!.map((r) => r[2]!));
    expect(rows.train).toHaveLength(20);
    expect(rows.validation).toHaveLength(2);
    expect(rows.test).toHaveLength(2);
    for (const held of ['validation', 'test']) {
      for (const w of words(held)) expect(words('train').has(w)).toBe(false);
      for (const f of fontsOf(held)) expect(fontsOf('train').has(f)).toBe(false);
    }
    for (const w of words('test')) expect(words('validation').has(w)).toBe(false);
    const record = JSON.parse(await readFile(path.join(dir, 'dataset.json'), 'utf8'));
    expect(record.splits.train.fonts).toEqual([...fontsOf('train')]);
    expect(record).toMatchObject({ height: 16, width: 64, charset: 'abcdefghijklmnopqrstuvwxyz', maxTextLength: 14, seed: 7 });
    const notice = await readFile(path.join(dir, 'NOTICE.md'), 'utf8');
    for (const f of fonts) expect(notice).toContain(`| ${f.id} | ${f.family} | ${f.package}`);
  });

  it('refuses a non-empty folder without overwrite, and replaces it with it', async () => {
    const before = await folderSnapshot(dir);
    await expect(buildWordImages(options(dir))).rejects.toThrow(/refusing to write into the non-empty folder .*--overwrite/);
    expect(await folderSnapshot(dir)).toEqual(before);
    const other = tmp('d');
    await writeFile(path.join(tmp(), 'd-file'), 'x');
    await expect(buildWordImages(options(path.join(tmp(), 'd-file')))).rejects.toThrow(/exists and is not a folder/);
    await buildWordImages(options(other));
    await buildWordImages(options(other, { seed: 9, overwrite: true }));
    expect(JSON.parse(await readFile(path.join(other, 'dataset.json'), 'utf8')).seed).toBe(9);
  });

  it('validates its options before rendering any image, naming the option and value', async () => {
    await expect(buildWordImages(options(tmp('f'), { wordList: [...wordList, 'Zebra'] }))).rejects.toThrow(
      /wordList: 'Zebra' is not 2-14 letters a-z/,
    );
    await expect(buildWordImages(options(tmp('f'), { imagesPerWord: 0 }))).rejects.toThrow(
      /imagesPerWord must be an integer in \[1, 1000\], got 0/,
    );
    await expect(buildWordImages(options(tmp('f'), { words: 16 }))).rejects.toThrow(/words is 16 but the word list has only 15 words/);
    await expect(buildWordImages(options(tmp('f'), { testPackages: 2 }))).rejects.toThrow(
      /needs more than that many single-font packages, found 3/,
    );
  });

  it('refuses a font that is not installed, naming its package', async () => {
    await expect(buildWordImages(options(tmp('e'), { fontsDir: tmp('no-fonts') }))).rejects.toThrow(
      /font 'breip' is not installed: .*Breip.ttf is missing \(apt-get install fonts-breip/,
    );
  });
});

describe('readWordImages', () => {
  const dir = (): string => tmp('a');

  it('round-trips: [N, H, W, 1] floats = stored bytes / 255, with the texts and fonts of labels.tsv', async () => {
    const { images, texts, fonts: f, charset, maxTextLength } = await readWordImages(dir(), 'train');
    try {
      expect(images.shape).toEqual([20, 16, 64, 1]);
      const bytes = await readFile(path.join(dir(), 'train', WORD_IMAGES_FILE));
      const values = images.dataSync();
      const header = 4 + 3 * 4;
      for (const k of [0, 100, 5000, values.length - 1]) expect(values[k]).toBeCloseTo(bytes[header + k]! / 255, 6);
      const rows = await labels(dir(), 'train');
      expect(texts).toEqual(rows.map((r) => r[1]));
      expect(f).toEqual(rows.map((r) => r[2]));
      expect(charset).toBe('abcdefghijklmnopqrstuvwxyz');
      expect(maxTextLength).toBe(14);
    } finally {
      images.dispose();
    }
  });

  /** A copy of the dataset with `file` replaced by `edit(its bytes)`. */
  async function corrupt(name: string, file: string, edit: (b: Buffer) => Buffer | string): Promise<string> {
    const copy = tmp(name);
    await buildWordImages(options(copy));
    const target = path.join(copy, file);
    await writeFile(target, edit(await readFile(target)));
    return copy;
  }

  it('names file and line for a bad labels.tsv row, and refuses an images file that disagrees with dataset.json', async () => {
    const badChar = await corrupt('bad-char', 'train/labels.tsv', (b) => b.toString().replace(/\n0\t[a-z]+\t/, '\n0\tHello\t'));
    await expect(readWordImages(badChar, 'train')).rejects.toThrow(/train\/labels.tsv:2: text 'Hello' has 'H', not in the charset/);
    const badFont = await corrupt('bad-font', 'test/labels.tsv', (b) => b.toString().replace(/\t[a-z-]+\n$/, '\tkristi-x\n'));
    await expect(readWordImages(badFont, 'test')).rejects.toThrow(/test\/labels.tsv:3: font 'kristi-x' is not one of the test fonts/);
    const short = await corrupt('short', 'train/labels.tsv', (b) => b.toString().split('\n').slice(0, 5).join('\n'));
    await expect(readWordImages(short, 'train')).rejects.toThrow(/has 4 rows but .* holds 20 images/);
    const truncated = await corrupt('truncated', `train/${WORD_IMAGES_FILE}`, (b) => b.subarray(0, b.length - 10));
    await expect(readWordImages(truncated, 'train')).rejects.toThrow(/truncated IDX data/);
    // A header that claims more images than dataset.json: refused from the header, before allocating.
    const big = await corrupt('big', `train/${WORD_IMAGES_FILE}`, (b) => {
      const c = Buffer.from(b);
      c.writeUInt32BE(1_000_000, 4);
      return c;
    });
    await expect(readWordImages(big, 'train')).rejects.toThrow(/declares dims \[1000000, 16, 64\]/);
    const wrongDims = await corrupt('dims', 'dataset.json', (b) => b.toString().replace('"width": 64', '"width": 128'));
    await expect(readWordImages(wrongDims, 'train')).rejects.toThrow(/IDX dims \[20, 16, 64\] do not match dataset.json/);
    const notJson = await corrupt('json', 'dataset.json', () => '{');
    await expect(readWordImages(notJson, 'train')).rejects.toThrow(/dataset.json: not valid JSON/);
    await expect(readWordImages(tmp('absent'), 'train')).rejects.toThrow(/cannot read .*dataset.json/);
    await expect(readWordImages(dir(), 'dev' as never)).rejects.toThrow(/split must be one of train, validation, test, got 'dev'/);
  });
});
