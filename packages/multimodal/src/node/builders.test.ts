import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { useCpuLeakCheck, useTempDir } from '@contrastive/test-utils';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { type CaptionRecord, parseCaptionLine } from '../data/caption-record.js';
import type { BuildReport } from './build-folder.js';
import { openCaptionFolder } from './caption-folder.js';
import { buildOpenClipArtFolder, normaliseOpenClipArtTitle, parseOpenClipArtMetadata } from './openclipart.js';
import { buildOpenMojiFolder } from './openmoji.js';
import { OutputExistsError } from './output-folder.js';
import { openClipArtTree, openMojiTree, tuxPaintTree } from './test-utils/fixture-trees.js';
import { buildTuxPaintFolder, parseTuxPaintDescription } from './tux-paint.js';

useCpuLeakCheck();
const tmp = useTempDir('mm-builders-');

let tux: string;
let oca: string;
let moji: string;
beforeAll(async () => {
  tux = tmp('src', 'tuxpaint', 'stamps');
  oca = tmp('src', 'openclipart', 'svg');
  moji = tmp('src', 'openmoji');
  await tuxPaintTree(tux);
  await openClipArtTree(oca);
  await openMojiTree(moji);
});

async function records(dir: string): Promise<CaptionRecord[]> {
  const text = await readFile(join(dir, 'captions.jsonl'), 'utf8');
  return text
    .split('\n')
    .filter(Boolean)
    .map((l, i) => parseCaptionLine(l, 'captions.jsonl', i + 1).record);
}

const reasons = (r: BuildReport): Record<string, number> =>
  Object.fromEntries(Object.entries(r.skipped.reasons).map(([k, v]) => [k, v.count]));

/** The hidden temporary folders (`.NAME.tmp-…`, `.NAME.old-…`) left in `dir`. */
async function leftovers(dir: string): Promise<string[]> {
  return (await readdir(dir)).filter((n) => /^\..*\.(tmp|old)-/.test(n));
}

describe('parseTuxPaintDescription', () => {
  it('takes line 1 as the caption and LOCALE.utf8= lines as translations', () => {
    expect(parseTuxPaintDescription('\uFEFFA clock.\r\nde.utf8=Eine Uhr.\nca@valencia.utf8=Un rellotge.\nfr.utf8= \nnoise\n')).toEqual({
      caption: 'A clock.',
      captions: { de: 'Eine Uhr.', 'ca@valencia': 'Un rellotge.' },
    });
    expect(parseTuxPaintDescription('\n')).toEqual({ problem: 'empty caption (its first line is empty)' });
    expect(parseTuxPaintDescription('de.utf8=Uhr.')).toEqual({ problem: 'no English caption (its first line is a translation)' });
  });
});

describe('buildTuxPaintFolder', () => {
  it('writes 64-px PNGs on white, first-line captions with translations, a recorded split, LICENSE and NOTICE', async () => {
    const out = tmp('out', 'tux');
    const r = await buildTuxPaintFolder({ from: tux, out });
    expect(r.images).toBe(14); // owl, cat, 12 houses
    expect(r.captions).toBe(14 + 3 + 1 + 12); // + owl's de, ca@valencia, pt_BR (fr is empty), cat's de, one per house
    expect(r.train.images + r.test.images).toBe(14);
    expect(r.test.images).toBe(3); // round(0.2 · 14)
    expect(reasons(r)).toEqual({
      'PNG twin of an SVG stamp (the SVG is used)': 1,
      'mirrored twin of a stamp (NAME_mirror.png, shown when Tux Paint flips it)': 1,
      'empty caption (its first line is empty)': 1,
      'no English caption (its first line is a translation)': 1,
      'description (.txt) without an image beside it': 1,
      'image without a description (.txt)': 1,
    });
    const recs = await records(out);
    const owl = recs.find((x) => x.caption === 'An owl.')!;
    expect(owl).toMatchObject({
      image: 'images/animals/birds/owl.png',
      captions: { de: 'Eine Eule.', 'ca@valencia': 'Un mussol.', pt_BR: 'Uma coruja.' },
      source: 'tuxpaint:animals/birds/owl.svg',
      class: 'animals',
    });
    expect(recs.find((x) => x.caption === 'A cat.')).toMatchObject({ captions: { de: 'Eine Katze.' }, source: 'tuxpaint:animals/cat.png' });
    expect(recs.every((x) => x.split === 'train' || x.split === 'test')).toBe(true);
    const { data, info } = await sharp(join(out, owl.image)).raw().toBuffer({ resolveWithObject: true });
    expect([info.width, info.height, info.channels]).toEqual([64, 64, 3]);
    expect(Array.from(data.subarray(0, 3))).toEqual([255, 255, 255]); // the transparent corner is white
    const px = (x: number, y: number) => Array.from(data.subarray((y * 64 + x) * 3, (y * 64 + x) * 3 + 3));
    expect(px(32, 32)).toEqual([128, 64, 0]);
    // Trimmed: the circle (a quarter of its 40-px canvas wide) fills the frame, so 24 px left of the centre is
    // still inside it; untrimmed it would be white there.
    expect(px(8, 32)).toEqual([128, 64, 0]);
    expect(await readFile(join(out, 'NOTICE'), 'utf8')).toMatch(/GPL-2\.0-or-later/);
    expect(await readFile(join(out, 'LICENSE'), 'utf8')).toMatch(/GNU General Public License, version 2/);
    const build = JSON.parse(await readFile(join(out, 'build.json'), 'utf8'));
    expect(build).toMatchObject({ source: 'tuxpaint', images: 14, seed: 0, testFraction: 0.2 });
    expect(await leftovers(tmp('out'))).toEqual([]);
  });

  it('is stable: the same seed gives the same folder, another seed another split', async () => {
    await buildTuxPaintFolder({ from: tux, out: tmp('out', 'tux-a'), seed: 3 });
    await buildTuxPaintFolder({ from: tux, out: tmp('out', 'tux-b'), seed: 3 });
    await buildTuxPaintFolder({ from: tux, out: tmp('out', 'tux-c'), seed: 4 });
    const a = await readFile(tmp('out', 'tux-a', 'captions.jsonl'), 'utf8');
    expect(await readFile(tmp('out', 'tux-b', 'captions.jsonl'), 'utf8')).toBe(a);
    const testOf = async (d: string) => (await records(tmp('out', d))).filter((x) => x.split === 'test').map((x) => x.image);
    expect(await testOf('tux-c')).not.toEqual(await testOf('tux-a'));
    expect(await readFile(tmp('out', 'tux-b', 'images', 'town', 'house-03.png'))).toEqual(
      await readFile(tmp('out', 'tux-a', 'images', 'town', 'house-03.png')),
    );
  });

  it('opens with openCaptionFolder, which takes the recorded split', async () => {
    const out = tmp('out', 'tux');
    const built = await records(out);
    const test = await openCaptionFolder(out, { split: 'test', imageSize: 16 });
    expect(test.splitFrom).toBe('records');
    expect(test.records.map((x) => x.image).sort()).toEqual(
      built
        .filter((x) => x.split === 'test')
        .map((x) => x.image)
        .sort(),
    );
    expect(test.classNames).toEqual(['animals', 'town']);
    const x = await test.read(Int32Array.of(0));
    expect(x.shape).toEqual([1, 16, 16, 3]);
    x.dispose();
  });

  it('--size and --limit: the first N usable stamps at N px', async () => {
    const out = tmp('out', 'tux-small');
    const r = await buildTuxPaintFolder({ from: tux, out, size: 16, limit: 2 });
    expect(r.images).toBe(2);
    expect((await records(out)).map((x) => x.caption)).toEqual(['An owl.', 'A cat.']);
    expect((await sharp(join(out, 'images/animals/cat.png')).metadata()).width).toBe(16);
  });

  it('refuses a missing source folder with how to install it', async () => {
    await expect(buildTuxPaintFolder({ from: tmp('nope'), out: tmp('out', 'never') })).rejects.toThrow(
      /Tux Paint stamps not found at .*nope: apt-get install tuxpaint-stamps-default, or pass its folder/,
    );
  });
});

describe('output folder: refusals and atomicity', () => {
  it('refuses an existing non-empty --out without overwrite, before any work, and leaves it alone', async () => {
    const out = tmp('out', 'taken');
    await mkdir(out, { recursive: true });
    await writeFile(join(out, 'mine.txt'), 'keep me');
    let progressed = 0;
    const e = await buildTuxPaintFolder({ from: tux, out, onProgress: () => progressed++ }).catch((err: unknown) => err);
    expect(e).toBeInstanceOf(OutputExistsError);
    expect((e as Error).message).toMatch(/taken exists and is not empty \(mine\.txt\); pass --overwrite/);
    expect(progressed).toBe(0);
    expect(await readdir(out)).toEqual(['mine.txt']);
  });

  it('refuses an --out that is a file, even with overwrite; accepts an empty folder', async () => {
    await writeFile(tmp('out', 'a-file'), 'x');
    await expect(buildTuxPaintFolder({ from: tux, out: tmp('out', 'a-file'), overwrite: true })).rejects.toThrow(
      /exists and is not a folder/,
    );
    await mkdir(tmp('out', 'empty'));
    expect((await buildTuxPaintFolder({ from: tux, out: tmp('out', 'empty'), limit: 1 })).images).toBe(1);
  });

  it('replaces the old folder with overwrite', async () => {
    const out = tmp('out', 'replaced');
    await mkdir(out);
    await writeFile(join(out, 'old.txt'), 'old');
    await buildTuxPaintFolder({ from: tux, out, overwrite: true, limit: 3 });
    const names = await readdir(out);
    expect(names).not.toContain('old.txt');
    expect(names.sort()).toEqual(['LICENSE', 'NOTICE', 'build.json', 'captions.jsonl', 'images']);
    expect(await leftovers(tmp('out'))).toEqual([]);
  });

  it('an abort mid-build leaves no --out and no temporary folder', async () => {
    const parent = tmp('out', 'abort');
    await mkdir(parent);
    const controller = new AbortController();
    let seen = 0;
    const run = buildTuxPaintFolder({
      from: tux,
      out: join(parent, 'data'),
      concurrency: 1,
      signal: controller.signal,
      onProgress: (done) => {
        seen = done;
        if (done === 3) controller.abort(new Error('stop here'));
      },
    });
    await expect(run).rejects.toThrow(/stop here/);
    expect(seen).toBe(3);
    expect(await readdir(parent)).toEqual([]);
  });

  it('a failed build with overwrite keeps the old folder intact', async () => {
    const out = tmp('out', 'kept');
    await mkdir(out);
    await writeFile(join(out, 'old.txt'), 'old');
    const broken = tmp('src', 'broken-stamps');
    await mkdir(join(broken, 'a'), { recursive: true });
    await writeFile(join(broken, 'a', 'x.png'), 'not a png');
    await writeFile(join(broken, 'a', 'x.txt'), 'An x.\n');
    await expect(buildTuxPaintFolder({ from: broken, out, overwrite: true })).rejects.toThrow(
      /none of the 1 images .* rasterised \(1 × does not rasterise\)/,
    );
    expect(await readdir(out)).toEqual(['old.txt']);
    expect(await leftovers(tmp('out'))).toEqual([]);
  });

  it('refuses bad options naming them', async () => {
    await expect(buildTuxPaintFolder({ from: tux, out: tmp('out', 'x'), size: 2 })).rejects.toThrow(
      /size must be an integer in \[4, 1024\], got 2/,
    );
    await expect(buildTuxPaintFolder({ from: tux, out: tmp('out', 'x'), testFraction: 1 })).rejects.toThrow(/testFraction/);
    await expect(buildTuxPaintFolder({ from: tux, out: tmp('out', 'x'), limit: 0 })).rejects.toThrow(
      /limit must be an integer >= 1, got 0/,
    );
  });
});

describe('OpenClipArt', () => {
  it("reads the work's title, not an agent's, with entities, CDATA and keywords", () => {
    const svg = `<svg><metadata><rdf:RDF><cc:Work rdf:about="">
      <dc:creator><cc:Agent><dc:title>Ann &amp; Bob</dc:title></cc:Agent></dc:creator>
      <dc:title>Fish &amp; chips &#x2014; <![CDATA[<b>hot</b>]]></dc:title>
      <dc:subject><rdf:Bag><rdf:li>food</rdf:li><rdf:li> </rdf:li><rdf:li>food</rdf:li><rdf:li>fish</rdf:li></rdf:Bag></dc:subject>
    </cc:Work></rdf:RDF></metadata></svg>`;
    expect(parseOpenClipArtMetadata(svg)).toEqual({
      title: 'Fish & chips — <b>hot</b>',
      keywords: ['food', 'fish'],
      creator: 'Ann & Bob',
      description: null,
    });
    expect(parseOpenClipArtMetadata('<svg/>').title).toBeNull();
    expect(normaliseOpenClipArtTitle('Clipart by Daniel McRae - Belgium')).toBe('Belgium');
    expect(normaliseOpenClipArtTitle('  arki_arrow_left ')).toBe('arki arrow left');
  });

  it('builds from the real files: titles as captions, keywords, authors; collection titles and the rest skipped', async () => {
    const out = tmp('out', 'oca');
    const r = await buildOpenClipArtFolder({ from: oca, out, testFraction: 0.4 });
    const recs = await records(out);
    expect(recs.map((x) => x.caption).sort()).toEqual(['Belgium', 'National Flag of Canada', 'Shamrock Symbol', 'bat', 'parking']);
    expect(recs.find((x) => x.caption === 'bat')).toMatchObject({
      image: 'images/animals/bat_orlando_karam_.png',
      keywords: ['mammal', 'bat', 'animal', 'flying'], // "flying" merged from the copy filed under animals/mammals
      author: 'Orlando Karam',
      source: 'openclipart:animals/bat_orlando_karam_.svg',
      class: 'animals',
    });
    expect(recs.find((x) => x.caption === 'parking')?.keywords).toEqual(['parking', 'car', 'roadsign', 'park']);
    expect(reasons(r)).toEqual({
      'link to another SVG of the set (read once, as that file)': 1,
      'copy of an SVG filed in another category (same file name and title; keywords merged)': 1,
      'title shared by more than 5 images (a collection name, not a description)': 7,
      'empty title': 1,
      'no dc:title': 1,
      'title is an e-mail address or a URL': 1,
      "title is the author's name": 1,
      'does not rasterise': 1,
    });
    expect(r.skipped.reasons['does not rasterise']!.examples[0]).toMatch(/unsorted\/broken\.svg \(sharp: /);
    expect([r.train.images, r.test.images]).toEqual([3, 2]);
    expect(await readFile(join(out, 'LICENSE'), 'utf8')).toMatch(/public domain/);
  });

  it('keeps collection titles under a higher maxTitleShare', async () => {
    const r = await buildOpenClipArtFolder({ from: oca, out: tmp('out', 'oca-7'), maxTitleShare: 7 });
    expect(r.images).toBe(12);
    expect(r.skipped.reasons['title shared by more than 7 images (a collection name, not a description)']).toBeUndefined();
  });
});

describe('OpenMoji', () => {
  it('annotations as captions, tags as keywords, skin-tone variants left out by default', async () => {
    const out = tmp('out', 'moji');
    const r = await buildOpenMojiFolder({ from: moji, out });
    expect(r.images).toBe(14);
    expect(reasons(r)).toEqual({
      'skin-tone variant (keep them with skinTones / --skin-tones)': 1,
      'no colour SVG (color/svg/<hexcode>.svg)': 1,
      'entry without an annotation': 1,
    });
    const recs = await records(out);
    expect(recs[0]).toEqual({
      image: 'images/smileys-emotion/1F600.png',
      caption: 'grinning face',
      keywords: ['face', 'grin', 'happy', 'smile'],
      source: 'openmoji:1F600',
      author: 'Emily Jäger',
      split: recs[0]!.split,
      class: 'smileys-emotion',
    });
    const notice = await readFile(join(out, 'NOTICE'), 'utf8');
    expect(notice).toMatch(/OpenMoji – the open-source emoji and icon project\. License: CC BY-SA 4\.0/);
    expect(notice).toMatch(/openmoji 17\.0\.0/);
    expect(await readFile(join(out, 'LICENSE'), 'utf8')).toMatch(/Attribution-ShareAlike 4\.0 International/);
  });

  it('with skinTones, a variant lands on the side of its base emoji', async () => {
    for (const seed of [0, 1, 2, 3, 4, 5]) {
      const out = tmp('out', `moji-tones-${seed}`);
      await buildOpenMojiFolder({ from: moji, out, skinTones: true, seed, testFraction: 0.5 });
      const recs = await records(out);
      expect(recs).toHaveLength(15);
      const base = recs.find((x) => x.source === 'openmoji:1F44B')!;
      const variant = recs.find((x) => x.source === 'openmoji:1F44B-1F3FB')!;
      expect(variant.split).toBe(base.split);
    }
  });

  it('says when the data file is not there', async () => {
    await mkdir(tmp('src', 'not-openmoji'));
    await expect(buildOpenMojiFolder({ from: tmp('src', 'not-openmoji'), out: tmp('out', 'never') })).rejects.toThrow(
      /openmoji\.json: cannot read OpenMoji's data file/,
    );
  });
});
