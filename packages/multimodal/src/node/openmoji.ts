import { readFile, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import {
  type BuildCaptionFolderOptions,
  type BuildCandidate,
  type BuildReport,
  resolveBuildOptions,
  SkipCounter,
  writeCaptionFolder,
} from './build-folder.js';
import { checkOutputFolder } from './output-folder.js';
import { readFirstExisting, requireFolder } from './walk.js';

/** Options of {@link buildOpenMojiFolder}. */
export interface OpenMojiOptions extends BuildCaptionFolderOptions {
  /**
   * Keep the skin-tone variants (2,030 of OpenMoji 17's 4,495 entries: "waving hand: dark skin tone" …). Default
   * `false`: they are the base emoji recoloured with a caption that differs by a suffix, so in a retrieval set
   * they are near-duplicates that no model can tell apart from the picture's content. When kept, each variant is
   * split with its base emoji, so a variant of a test emoji is never trained on.
   */
  skinTones?: boolean;
}

/** One entry of OpenMoji's `data/openmoji.json` (the fields used here). */
interface OpenMojiEntry {
  hexcode?: unknown;
  annotation?: unknown;
  tags?: unknown;
  openmoji_tags?: unknown;
  openmoji_author?: unknown;
  group?: unknown;
  skintone?: unknown;
  skintone_base_hexcode?: unknown;
}

/**
 * The folder of the installed npm package `openmoji` (an optional peer dependency of this package), or `null`
 * when it is not installed.
 */
export function defaultOpenMojiDir(): string | null {
  try {
    return dirname(createRequire(import.meta.url).resolve('openmoji/package.json'));
  } catch {
    return null;
  }
}

/** `"a, b,  c"` → `['a', 'b', 'c']` (empty items and repeats left out), added to `into`. */
function splitTags(raw: unknown, into: string[]): void {
  if (typeof raw !== 'string') return;
  for (const t of raw.split(',')) {
    const k = t.trim();
    if (k.length > 0 && !into.includes(k)) into.push(k);
  }
}

/**
 * Builds an image–caption folder from OpenMoji (npm `openmoji`, CC BY-SA 4.0): each colour SVG
 * (`color/svg/<hexcode>.svg`) rasterised to `size` px on white; caption = its Unicode annotation ("grinning
 * face"), `keywords` = its Unicode tags plus OpenMoji's own tags, `author` = its OpenMoji author, `class` = its
 * group (smileys-emotion, animals-nature, …). Left out, and counted by reason: skin-tone variants (unless
 * `skinTones`), entries without a hexcode or an annotation, entries whose SVG is missing. `from` defaults to the
 * installed `openmoji` package; it needs `data/openmoji.json` and `color/svg/`.
 */
export async function buildOpenMojiFolder(opts: OpenMojiOptions): Promise<BuildReport> {
  const started = performance.now();
  resolveBuildOptions(opts);
  await checkOutputFolder(opts.out, opts.overwrite ?? false);
  const from = opts.from ?? defaultOpenMojiDir();
  if (from === null)
    throw new Error(
      "the npm package 'openmoji' is not installed (an optional peer dependency): npm install openmoji, or pass its folder (--from DIR)",
    );
  await requireFolder(from, 'OpenMoji', 'npm install openmoji');
  const dataFile = join(from, 'data', 'openmoji.json');
  const text = await readFile(dataFile, 'utf8').catch((err: Error) => {
    throw new Error(`${dataFile}: cannot read OpenMoji's data file (${err.message}); --from must be the openmoji package folder`);
  });
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new Error(`${dataFile}: not valid JSON (${(err as Error).message})`);
  }
  if (!Array.isArray(data)) throw new Error(`${dataFile}: expected an array of emoji entries, got ${typeof data}`);
  const skips = new SkipCounter();
  const candidates: BuildCandidate[] = [];
  for (const [i, raw] of (data as unknown[]).entries()) {
    opts.signal?.throwIfAborted();
    const e = (typeof raw === 'object' && raw !== null ? raw : {}) as OpenMojiEntry;
    const hexcode = typeof e.hexcode === 'string' && /^[0-9A-Fa-f]+(-[0-9A-Fa-f]+)*$/.test(e.hexcode) ? e.hexcode : null;
    const annotation = typeof e.annotation === 'string' ? e.annotation.replace(/\s+/g, ' ').trim() : '';
    if (hexcode === null) {
      skips.add('entry without a valid hexcode', `entry ${i}`);
      continue;
    }
    if (annotation.length === 0) {
      skips.add('entry without an annotation', hexcode);
      continue;
    }
    const base = typeof e.skintone_base_hexcode === 'string' && e.skintone_base_hexcode.length > 0 ? e.skintone_base_hexcode : null;
    const isVariant = e.skintone !== '' && e.skintone !== undefined && e.skintone !== null && base !== null && base !== hexcode;
    if (isVariant && !opts.skinTones) {
      skips.add('skin-tone variant (keep them with skinTones / --skin-tones)', hexcode);
      continue;
    }
    const svg = join(from, 'color', 'svg', `${hexcode}.svg`);
    if (!(await stat(svg).catch(() => null))?.isFile()) {
      skips.add('no colour SVG (color/svg/<hexcode>.svg)', hexcode);
      continue;
    }
    const keywords: string[] = [];
    splitTags(e.tags, keywords);
    splitTags(e.openmoji_tags, keywords);
    const group = typeof e.group === 'string' && /^[\w-]+$/.test(e.group) ? e.group : 'ungrouped';
    const author = typeof e.openmoji_author === 'string' && e.openmoji_author.trim().length > 0 ? e.openmoji_author.trim() : null;
    candidates.push({
      file: svg,
      image: `images/${group}/${hexcode}.png`,
      record: {
        caption: annotation,
        ...(keywords.length > 0 ? { keywords } : {}),
        source: `openmoji:${hexcode}`,
        ...(author ? { author } : {}),
        class: group,
      },
      group: isVariant ? base! : hexcode,
    });
  }
  const ccBySa = await readFirstExisting([join(from, 'LICENSE.txt'), join(from, 'LICENSE')]);
  const version = await readFile(join(from, 'package.json'), 'utf8')
    .then((t) => (JSON.parse(t) as { version?: string }).version ?? null)
    .catch(() => null);
  const license = [
    'The images in this folder are adapted from OpenMoji and are licensed under the Creative Commons',
    'Attribution-ShareAlike 4.0 International licence (CC BY-SA 4.0). You may share and adapt them, giving',
    'appropriate credit (see NOTICE) and distributing your contributions under the same licence.',
    '',
    ccBySa
      ? `The licence text, as shipped with OpenMoji (${ccBySa.file}):\n\n${ccBySa.text.trim()}`
      : 'The licence text: creativecommons.org/licenses/by-sa/4.0/legalcode',
  ].join('\n');
  const notice = [
    'OpenMoji — image–caption folder',
    '',
    'All emojis designed by OpenMoji – the open-source emoji and icon project. License: CC BY-SA 4.0',
    `Source: the npm package openmoji${version ? ` ${version}` : ''} (color/svg/ and data/openmoji.json), read from ${from}.`,
    'The designer of each emoji is named in its record\'s "author" field (openmoji_author).',
    "Captions and tags come from OpenMoji's data file (Unicode CLDR annotations and tags, and OpenMoji's tags).",
    '',
    'Changes: each colour SVG rasterised to a square PNG on a white background (transparency composited onto',
    'white). The PNGs are an adaptation under CC BY-SA 4.0. Made by @contrastive/multimodal (buildOpenMojiFolder).',
  ].join('\n');
  return writeCaptionFolder('openmoji', from, candidates, skips, { license, notice }, opts, started);
}
