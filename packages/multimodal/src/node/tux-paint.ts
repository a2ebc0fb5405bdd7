import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { captionProblem } from '../data/caption-record.js';
import {
  type BuildCaptionFolderOptions,
  type BuildCandidate,
  type BuildReport,
  resolveBuildOptions,
  SkipCounter,
  writeCaptionFolder,
} from './build-folder.js';
import { checkOutputFolder } from './output-folder.js';
import { readFirstExisting, requireFolder, walkFiles } from './walk.js';

/** Where Debian's `tuxpaint-stamps-default` installs the stamps. */
export const TUX_PAINT_STAMPS_DIR = '/usr/share/tuxpaint/stamps';

/** A translation line of a stamp's `.txt`: `de.utf8=Eine Uhr.`, `pt_BR.utf8=…`, `ca@valencia.utf8=…`. */
const TRANSLATION = /^([A-Za-z]{2,3}(?:_[A-Za-z]{2})?(?:@[A-Za-z]+)?)\.utf8=(.*)$/;

/** A stamp's description file parsed: the English caption (line 1) and the translations by locale. */
export interface TuxPaintDescription {
  caption: string;
  captions: Record<string, string>;
}

/**
 * Parses a Tux Paint stamp description (`NAME.txt` beside `NAME.png` / `NAME.svg`): the first line is the English
 * description, each further `LOCALE.utf8=TEXT` line a translation (empty ones left out). Returns a sentence saying
 * why it is unusable instead when the first line is empty or is itself a translation line.
 */
export function parseTuxPaintDescription(text: string): TuxPaintDescription | { problem: string } {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const first = (lines[0] ?? '').trim();
  if (TRANSLATION.test(first)) return { problem: 'no English caption (its first line is a translation)' };
  const p = captionProblem(first);
  if (p !== null) return { problem: 'empty caption (its first line is empty)' };
  const captions: Record<string, string> = {};
  for (const line of lines.slice(1)) {
    const m = TRANSLATION.exec(line.trim());
    if (m && m[2]!.trim().length > 0) captions[m[1]!] = m[2]!.trim();
  }
  return { caption: first, captions };
}

/**
 * Builds an image–caption folder from the Tux Paint stamps (Debian `tuxpaint-stamps-default`, GPL-2): every
 * stamp with a description, rasterised to `size` px on white; caption = the description's first (English) line,
 * `captions` = its translations by locale (up to 77), `class` = the top category folder (animals, food, …).
 * A stamp with both an SVG and a PNG uses the SVG (as Tux Paint does). Left out, and counted by reason:
 * descriptions without an image, images without a description (Tux Paint's `NAME_mirror.png` flipped twins
 * among them), the PNG twin of an SVG stamp, empty descriptions.
 *
 * @example
 * const report = await buildTuxPaintFolder({ out: 'data/tuxpaint' });
 * // report.images ≈ 950, report.train / report.test, report.skipped.reasons
 */
export async function buildTuxPaintFolder(opts: BuildCaptionFolderOptions): Promise<BuildReport> {
  const started = performance.now();
  const from = opts.from ?? TUX_PAINT_STAMPS_DIR;
  resolveBuildOptions(opts);
  await checkOutputFolder(opts.out, opts.overwrite ?? false);
  await requireFolder(from, 'Tux Paint stamps', 'apt-get install tuxpaint-stamps-default');
  const skips = new SkipCounter();
  const stamps = new Map<string, { txt?: string; png?: string; svg?: string }>();
  for (const f of await walkFiles(from)) {
    const ext = extname(f.rel).toLowerCase();
    if (ext !== '.txt' && ext !== '.png' && ext !== '.svg') continue; // sounds (.ogg, .wav), options (.dat)
    const base = f.rel.slice(0, -ext.length);
    const s = stamps.get(base) ?? {};
    s[ext.slice(1) as 'txt' | 'png' | 'svg'] = f.path;
    stamps.set(base, s);
  }
  const candidates: BuildCandidate[] = [];
  for (const [base, s] of stamps) {
    opts.signal?.throwIfAborted();
    const image = s.svg ?? s.png;
    if (!image) {
      skips.add('description (.txt) without an image beside it', `${base}.txt`);
      continue;
    }
    if (!s.txt) {
      const mirror = base.endsWith('_mirror') && stamps.get(base.slice(0, -'_mirror'.length))?.txt !== undefined;
      skips.add(
        mirror ? 'mirrored twin of a stamp (NAME_mirror.png, shown when Tux Paint flips it)' : 'image without a description (.txt)',
        `${base}${extname(image)}`,
      );
      continue;
    }
    if (s.svg && s.png) skips.add('PNG twin of an SVG stamp (the SVG is used)', `${base}.png`);
    const d = parseTuxPaintDescription(await readFile(s.txt, 'utf8'));
    if ('problem' in d) {
      skips.add(d.problem, `${base}.txt`);
      continue;
    }
    const rel = `${base}${extname(image)}`;
    candidates.push({
      file: image,
      image: `images/${base}.png`,
      record: {
        caption: d.caption,
        ...(Object.keys(d.captions).length > 0 ? { captions: d.captions } : {}),
        source: `tuxpaint:${rel}`,
        class: base.split('/')[0]!,
      },
    });
  }
  const gpl = await readFirstExisting(['/usr/share/common-licenses/GPL-2']);
  const copyright = await readFirstExisting(['/usr/share/doc/tuxpaint-stamps-default/copyright']);
  const license = [
    'The images and captions in this folder are derived from the Tux Paint stamps and are licensed under the',
    'GNU General Public License, version 2 or (at your option) any later version (GPL-2.0-or-later).',
    '',
    copyright
      ? `Copyright notice of the source (${copyright.file}):\n\n${copyright.text.trim()}\n`
      : 'Copyright 2002-2022 Bill Kendrick and the Tux Paint contributors.\n',
    gpl
      ? `The text of the GPL-2 (${gpl.file}):\n\n${gpl.text.trim()}`
      : 'The full text of the GPL-2 is in /usr/share/common-licenses/GPL-2 on Debian systems.',
  ].join('\n');
  const notice = [
    'Tux Paint stamps — image–caption folder',
    '',
    `Source: the Tux Paint stamps collection (Debian package tuxpaint-stamps-default), read from ${from}.`,
    'Licence: GPL-2.0-or-later (see LICENSE). Copyright Bill Kendrick and the Tux Paint contributors.',
    'The source form of each image (the original PNG or SVG) is named in its record\'s "source" field and is in',
    'the tuxpaint-stamps-default package (and its Debian source package).',
    '',
    'Changes: each stamp rasterised (SVG) or resized (PNG) to a square PNG on a white background (transparency',
    "composited onto white, aspect ratio kept); captions are the first line of each stamp's description file,",
    'translations are its LOCALE.utf8= lines. Made by @contrastive/multimodal (buildTuxPaintFolder).',
  ].join('\n');
  return writeCaptionFolder('tuxpaint', from, candidates, skips, { license, notice }, opts, started);
}
