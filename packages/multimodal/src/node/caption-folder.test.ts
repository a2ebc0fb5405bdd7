import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { useCpuLeakCheck, useTempDir } from '@contrastive/test-utils';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { CaptionDataError } from '../data/errors.js';
import { openCaptionFolder } from './caption-folder.js';

useCpuLeakCheck();
const tmp = useTempDir('mm-caption-folder-');

/** A `w`×`h` PNG of one RGBA colour. */
const png = (w: number, h: number, r: number, g: number, b: number, alpha = 1) =>
  sharp({ create: { width: w, height: h, channels: 4, background: { r, g, b, alpha } } })
    .png()
    .toBuffer();

/** A folder with `captions.jsonl` = `lines` and the images `files` (name → bytes). */
async function folder(name: string, lines: readonly (string | object)[], files: Record<string, Buffer> = {}): Promise<string> {
  const dir = tmp(name);
  await mkdir(dir, { recursive: true });
  for (const [f, bytes] of Object.entries(files)) {
    await mkdir(join(dir, f, '..'), { recursive: true });
    await writeFile(join(dir, f), bytes);
  }
  await writeFile(join(dir, 'captions.jsonl'), `${lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n')}\n`);
  return dir;
}

/** The CaptionDataError `p` rejects with (fails the test when it resolves). */
async function rejection(p: Promise<unknown>): Promise<CaptionDataError> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(CaptionDataError);
  return e as CaptionDataError;
}

let red: Buffer;
let blue: Buffer;
let clear: Buffer;
beforeAll(async () => {
  red = await png(8, 8, 255, 0, 0);
  blue = await png(4, 8, 0, 0, 255);
  clear = await png(6, 6, 0, 0, 0, 0);
});

describe('openCaptionFolder', () => {
  it('reads the records, decodes images to [n, H, W, C] in [0, 1], transparent as white', async () => {
    const dir = await folder(
      'basic',
      [{ image: 'img/red.png', caption: 'a red square', class: 'warm' }, '', { image: 'img/clear.png', caption: 'nothing', class: 'none' }],
      {
        'img/red.png': red,
        'img/clear.png': clear,
      },
    );
    const ds = await openCaptionFolder(dir, { imageSize: 4, testFraction: 0 });
    expect(ds.size).toBe(2);
    expect(ds.records.map((r) => [r.caption, r.line, r.split])).toEqual([
      ['a red square', 1, 'train'],
      ['nothing', 3, 'train'],
    ]);
    expect(ds.classNames).toEqual(['none', 'warm']);
    expect(Array.from(ds.labels!)).toEqual([1, 0]);
    expect(ds.itemName(1)).toBe('img/clear.png');
    expect(ds.splitFrom).toBe('seeded');
    const x = await ds.read(Int32Array.of(0, 1));
    expect(x.shape).toEqual([2, 4, 4, 3]);
    const v = await x.data();
    x.dispose();
    expect(Array.from(v.subarray(0, 3))).toEqual([1, 0, 0]); // red
    expect(Array.from(v.subarray(48, 51))).toEqual([1, 1, 1]); // fully transparent → white, not black
  });

  it("keeps the picture whole by default ('contain', white bars) and reads grayscale", async () => {
    const dir = await folder('tall', [{ image: 'blue.png', caption: 'a tall blue bar' }], { 'blue.png': blue });
    const ds = await openCaptionFolder(dir, { imageSize: 8, channels: 1, testFraction: 0 });
    const x = await ds.read(Int32Array.of(0));
    expect(x.shape).toEqual([1, 8, 8, 1]);
    const v = await x.data();
    x.dispose();
    expect(v[0]).toBeCloseTo(1, 2); // left bar: white
    expect(v[4]).toBeLessThan(0.3); // centre: blue as gray
  });

  it('states duplicate images and numbers distinct images (imageIndex)', async () => {
    const dir = await folder(
      'dups',
      [
        { image: 'a.png', caption: 'one' },
        { image: 'b.png', caption: 'two' },
        { image: './a.png', caption: 'one, said again' },
      ],
      { 'a.png': red, 'b.png': blue },
    );
    const ds = await openCaptionFolder(dir, { imageSize: 2, testFraction: 0 });
    expect(Array.from(ds.imageIndex)).toEqual([0, 1, 0]);
    expect(ds.imageCount).toBe(2);
    expect(ds.warnings.join('\n')).toMatch(/1 image\(s\) are named by more than one line .*'a\.png' on lines 1, 3/);
  });

  it('says which fields it ignored and that partial classes give no labels', async () => {
    const dir = await folder(
      'unknown',
      [
        { image: 'a.png', caption: 'one', keyword: ['x'], class: 'c' },
        { image: 'b.png', caption: 'two' },
      ],
      { 'a.png': red, 'b.png': blue },
    );
    const ds = await openCaptionFolder(dir, { imageSize: 2, testFraction: 0 });
    expect(ds.labels).toBeNull();
    expect(ds.warnings.join('\n')).toMatch(/field "keyword" on 1 line\(s\) \(first: line 1\)/);
    expect(ds.warnings.join('\n')).toMatch(/1 of 2 records have a "class"/);
  });

  it('uses the split the records carry, and the seeded one otherwise (same seed, same split)', async () => {
    const given = await folder(
      'given',
      [
        { image: 'a.png', caption: 'one', split: 'test' },
        { image: 'b.png', caption: 'two', split: 'train' },
        { image: 'a.png', caption: 'one again', split: 'test' },
      ],
      { 'a.png': red, 'b.png': blue },
    );
    const test = await openCaptionFolder(given, { split: 'test', imageSize: 2 });
    expect(test.splitFrom).toBe('records');
    expect(test.records.map((r) => r.caption)).toEqual(['one', 'one again']);

    const files: Record<string, Buffer> = {};
    const lines = Array.from({ length: 30 }, (_, i) => {
      files[`p/${i}.png`] = red;
      return { image: `p/${i}.png`, caption: `picture ${i}`, class: i % 2 ? 'odd' : 'even' };
    });
    const seeded = await folder('seeded', lines, files);
    const a = await openCaptionFolder(seeded, { split: 'test', seed: 4, testFraction: 0.2, imageSize: 2 });
    const b = await openCaptionFolder(seeded, { split: 'test', seed: 4, testFraction: 0.2, imageSize: 2 });
    const train = await openCaptionFolder(seeded, { split: 'train', seed: 4, testFraction: 0.2, imageSize: 2 });
    expect(a.size).toBe(6);
    expect(a.records.map((r) => r.image)).toEqual(b.records.map((r) => r.image));
    const trainImages = new Set(train.records.map((r) => r.image));
    expect(a.records.some((r) => trainImages.has(r.image))).toBe(false);
    expect(train.size + a.size).toBe(30);
    // Classes are numbered over the whole file, so both sides agree.
    expect(a.classNames).toEqual(['even', 'odd']);
    expect(train.classNames).toEqual(['even', 'odd']);
  });

  describe('bad input names captions.jsonl and the line', () => {
    it('a line that is not JSON', async () => {
      const dir = await folder('bad-json', [{ image: 'a.png', caption: 'ok' }, '{"image": "a.png", caption: "x"}'], { 'a.png': red });
      const e = await rejection(openCaptionFolder(dir));
      expect(e.message).toMatch(/captions\.jsonl:2: not valid JSON/);
      expect(e.line).toBe(2);
      expect(e.file).toBe(join(dir, 'captions.jsonl'));
    });

    it('an empty caption', async () => {
      const dir = await folder(
        'empty-caption',
        [
          { image: 'a.png', caption: 'ok' },
          { image: 'a.png', caption: ' ' },
        ],
        { 'a.png': red },
      );
      expect((await rejection(openCaptionFolder(dir))).message).toMatch(/captions\.jsonl:2: empty caption/);
    });

    it('a missing image', async () => {
      const dir = await folder('missing', [{ image: 'a.png', caption: 'ok' }, '', { image: 'gone/b.png', caption: 'lost' }], {
        'a.png': red,
      });
      const e = await rejection(openCaptionFolder(dir));
      expect(e.message).toMatch(/captions\.jsonl:3: image 'gone\/b\.png' does not exist/);
      expect(e.line).toBe(3);
    });

    it('an image path that escapes the folder, by .. or by a link', async () => {
      const dir = await folder('escape', [{ image: '../outside.png', caption: 'sneaky' }]);
      expect((await rejection(openCaptionFolder(dir))).message).toMatch(
        /captions\.jsonl:1: image path "\.\.\/outside\.png" escapes the folder/,
      );

      await writeFile(tmp('outside.png'), red);
      const linked = await folder(
        'escape-link',
        [
          { image: 'ok.png', caption: 'fine' },
          { image: 'link.png', caption: 'sneaky' },
        ],
        { 'ok.png': red },
      );
      await symlink(tmp('outside.png'), join(linked, 'link.png'));
      expect((await rejection(openCaptionFolder(linked))).message).toMatch(
        /captions\.jsonl:2: image 'link\.png' escapes the folder: it is a link to .*outside\.png/,
      );
    });

    it('an image that does not decode: on read, or while opening with verify', async () => {
      const dir = await folder(
        'corrupt',
        [
          { image: 'a.png', caption: 'ok' },
          { image: 'broken.png', caption: 'broken' },
        ],
        {
          'a.png': red,
          'broken.png': Buffer.from('not a png at all'),
        },
      );
      const ds = await openCaptionFolder(dir, { imageSize: 2, testFraction: 0 });
      const ok = await ds.read(Int32Array.of(0));
      ok.dispose();
      const e = await rejection(ds.read(Int32Array.of(0, 1)));
      expect(e.message).toMatch(/captions\.jsonl:2: image 'broken\.png' does not decode/);
      expect((await rejection(openCaptionFolder(dir, { verify: true }))).line).toBe(2);
      expect(tf.memory().numTensors).toBe(0);
    });

    it('a split on some lines only, and an image on both sides', async () => {
      const mixed = await folder(
        'mixed',
        [
          { image: 'a.png', caption: 'one', split: 'train' },
          { image: 'b.png', caption: 'two' },
        ],
        { 'a.png': red, 'b.png': red },
      );
      expect((await rejection(openCaptionFolder(mixed))).message).toMatch(/captions\.jsonl:2: has no "split" while line 1/);
      const both = await folder(
        'both',
        [
          { image: 'a.png', caption: 'one', split: 'train' },
          { image: 'a.png', caption: 'two', split: 'test' },
        ],
        { 'a.png': red },
      );
      expect((await rejection(openCaptionFolder(both))).message).toMatch(
        /captions\.jsonl:2: image 'a\.png' is "test" here but "train" on line 1/,
      );
    });

    it('no captions.jsonl, or one with no records', async () => {
      await mkdir(tmp('no-file'));
      expect((await rejection(openCaptionFolder(tmp('no-file')))).message).toMatch(/no captions\.jsonl in the folder/);
      const blank = await folder('blank', ['', '  ']);
      expect((await rejection(openCaptionFolder(blank))).message).toMatch(/holds no records/);
    });
  });

  it('refuses bad options naming them', async () => {
    const dir = await folder('opts', [{ image: 'a.png', caption: 'ok' }], { 'a.png': red });
    await expect(openCaptionFolder(dir, { imageSize: 0 })).rejects.toThrow(/imageSize must be an integer in \[1, 1024\], got 0/);
    await expect(openCaptionFolder(dir, { split: 'val' as 'train' })).rejects.toThrow(/split must be 'train', 'test' or 'all'/);
  });

  it('accepts a BOM and CRLF line ends', async () => {
    const dir = tmp('crlf');
    await mkdir(dir);
    await writeFile(join(dir, 'a.png'), red);
    await writeFile(join(dir, 'captions.jsonl'), '\uFEFF{"image":"a.png","caption":"one"}\r\n{"image":"a.png","caption":"two"}\r\n');
    const ds = await openCaptionFolder(dir, { imageSize: 2, testFraction: 0 });
    expect(ds.records.map((r) => r.caption)).toEqual(['one', 'two']);
  });
});
