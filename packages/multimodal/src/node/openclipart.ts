import { readFile } from 'node:fs/promises';
import { basename, extname } from 'node:path';
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

/** Where Debian's `openclipart-svg` installs the SVGs. */
export const OPENCLIPART_SVG_DIR = '/usr/share/openclipart/svg';

/**
 * Default {@link OpenClipArtOptions.maxTitleShare}: a title carried by more images than this names a collection,
 * not the picture. In OpenClipArt 0.18, "gramastar" titles 1,375 star shapes, "Part of the Flat Icon Collection
 * (…)" hundreds of icons, "card" 226 playing cards; a 5-image bound keeps "A flower"-like repeats of real
 * descriptions (at most 5 of one title) and drops those.
 */
export const DEFAULT_MAX_TITLE_SHARE = 5;

/** Options of {@link buildOpenClipArtFolder}. */
export interface OpenClipArtOptions extends BuildCaptionFolderOptions {
  /** A title shared by more images than this (after normalising) is not a usable caption. Default 5. */
  maxTitleShare?: number;
}

/** The Dublin Core metadata of an OpenClipArt SVG (its `<metadata><rdf:RDF><cc:Work>`). */
export interface OpenClipArtMetadata {
  /** The work's `dc:title` (not an agent's), entities decoded, whitespace collapsed; `null` when absent. */
  title: string | null;
  /** The `rdf:li` items of `dc:subject`, trimmed, empty ones and repeats left out. */
  keywords: string[];
  /** The `dc:creator`'s agent title, or `null`. */
  creator: string | null;
  /** `dc:description`, or `null` when absent or empty. */
  description: string | null;
}

/**
 * Reads the work metadata of an OpenClipArt SVG. The title is the `<dc:title>` of the `<cc:Work>` itself: the
 * publisher's, creator's and rights holder's `<cc:Agent>`s have `<dc:title>`s too, and come after it or before it
 * depending on the editor that saved the file, so the agents are cut out first. Not a general XML parser: it reads
 * the `dc:`/`cc:`/`rdf:` prefixes that every file of the set uses (checked: all 7,458).
 */
export function parseOpenClipArtMetadata(svg: string): OpenClipArtMetadata {
  const work = /<cc:Work\b[^>]*>([\s\S]*?)<\/cc:Work>/.exec(svg)?.[1] ?? '';
  const creatorBlock = /<dc:creator\b[^>]*>([\s\S]*?)<\/dc:creator>/.exec(work)?.[1] ?? '';
  const own = work.replace(/<cc:Agent\b[^>]*>[\s\S]*?<\/cc:Agent>/g, '').replace(/<cc:Agent\b[^>]*\/>/g, '');
  const title = elementText(own, 'dc:title');
  const description = elementText(own, 'dc:description');
  const subject = /<dc:subject\b[^>]*>([\s\S]*?)<\/dc:subject>/.exec(own)?.[1] ?? '';
  const keywords: string[] = [];
  for (const m of subject.matchAll(/<rdf:li\b[^>]*>([\s\S]*?)<\/rdf:li>/g)) {
    const k = collapse(decodeXml(m[1]!));
    if (k.length > 0 && !keywords.includes(k)) keywords.push(k);
  }
  const creator = elementText(creatorBlock, 'dc:title');
  return { title, keywords, creator: creator || null, description: description || null };
}

/**
 * An OpenClipArt title as a caption: whitespace collapsed, underscores (file-name titles) made spaces, and the
 * "Clipart by NAME - " prefix of one uploader's batch cut. May return an empty string.
 */
export function normaliseOpenClipArtTitle(title: string): string {
  return collapse(title.replace(/^clipart by [^-]+ - /i, '').replace(/_/g, ' '));
}

/**
 * Builds an image–caption folder from OpenClipArt 0.18 (Debian `openclipart-svg`, public domain): each SVG
 * rasterised to `size` px on white; caption = its title (`dc:title`, {@link normaliseOpenClipArtTitle}),
 * `keywords` = its `dc:subject` keywords, `author` = its creator, `class` = the top category folder. Left out,
 * and counted by reason: links to another file of the set (the file is read once), copies filed under a second
 * category (same file name and title; their keywords are merged into the first), SVGs without a title or with an
 * empty title, one without a letter, one that is an e-mail address or URL or the author's name, and titles shared by more than
 * `maxTitleShare` images (collection names). The metadata of every SVG is read first (one file at a time) so the titles can be counted, then the
 * kept ones are rasterised.
 */
export async function buildOpenClipArtFolder(opts: OpenClipArtOptions): Promise<BuildReport> {
  const started = performance.now();
  const from = opts.from ?? OPENCLIPART_SVG_DIR;
  const { maxTitleShare = DEFAULT_MAX_TITLE_SHARE } = opts;
  if (!Number.isInteger(maxTitleShare) || maxTitleShare < 1)
    throw new RangeError(`maxTitleShare must be an integer >= 1, got ${String(maxTitleShare)}`);
  resolveBuildOptions(opts);
  await checkOutputFolder(opts.out, opts.overwrite ?? false);
  await requireFolder(from, 'OpenClipArt SVGs', 'apt-get install openclipart-svg');
  const skips = new SkipCounter();
  const entries: { rel: string; path: string; title: string; meta: OpenClipArtMetadata }[] = [];
  // The set files some drawings under two categories as two copies (same file name and title, the second with
  // one more keyword): they are one picture, read once (keywords merged), so a copy cannot land in train and test.
  const copies = new Map<string, (typeof entries)[number]>();
  for (const f of await walkFiles(from)) {
    if (extname(f.rel).toLowerCase() !== '.svg') continue;
    opts.signal?.throwIfAborted();
    if (f.link) {
      skips.add('link to another SVG of the set (read once, as that file)', f.rel);
      continue;
    }
    const meta = parseOpenClipArtMetadata(await readFile(f.path, 'utf8'));
    if (meta.title === null) {
      skips.add('no dc:title', f.rel);
      continue;
    }
    const title = normaliseOpenClipArtTitle(meta.title);
    if (title.length === 0) skips.add('empty title', f.rel);
    else if (!/\p{L}/u.test(title)) skips.add('title without a letter', `${f.rel} (${JSON.stringify(title)})`);
    else if (/^\S+@\S+\.\S+$|^(https?|ftp):\/\/|^www\./i.test(title))
      skips.add('title is an e-mail address or a URL', `${f.rel} (${JSON.stringify(title)})`);
    else if (meta.creator !== null && title.toLowerCase() === normaliseOpenClipArtTitle(meta.creator).toLowerCase()) {
      skips.add("title is the author's name", `${f.rel} (${JSON.stringify(title)})`);
    } else {
      const key = `${basename(f.rel).toLowerCase()}\u0000${title.toLowerCase()}`;
      const first = copies.get(key);
      if (first) {
        skips.add('copy of an SVG filed in another category (same file name and title; keywords merged)', `${f.rel} (= ${first.rel})`);
        for (const k of meta.keywords) if (!first.meta.keywords.includes(k)) first.meta.keywords.push(k);
        continue;
      }
      const entry = { rel: f.rel, path: f.path, title, meta };
      copies.set(key, entry);
      entries.push(entry);
    }
  }
  const share = new Map<string, number>();
  for (const e of entries) share.set(e.title.toLowerCase(), (share.get(e.title.toLowerCase()) ?? 0) + 1);
  const candidates: BuildCandidate[] = [];
  for (const e of entries) {
    const n = share.get(e.title.toLowerCase())!;
    if (n > maxTitleShare) {
      skips.add(
        `title shared by more than ${maxTitleShare} images (a collection name, not a description)`,
        `${e.rel} (${JSON.stringify(e.title)} × ${n})`,
      );
      continue;
    }
    candidates.push({
      file: e.path,
      image: `images/${e.rel.slice(0, -'.svg'.length)}.png`,
      record: {
        caption: e.title,
        ...(e.meta.keywords.length > 0 ? { keywords: e.meta.keywords } : {}),
        source: `openclipart:${e.rel}`,
        ...(e.meta.creator ? { author: e.meta.creator } : {}),
        class: e.rel.includes('/') ? e.rel.split('/')[0]! : 'unsorted',
      },
    });
  }
  const copyright = await readFirstExisting(['/usr/share/doc/openclipart-svg/copyright']);
  const license = copyright
    ? `The images in this folder are derived from the Open Clip Art Library 0.18 and are in the public domain.\n\nThe dedication of the source (${copyright.file}):\n\n${copyright.text.trim()}`
    : 'The images in this folder are derived from the Open Clip Art Library 0.18 and are in the public domain\n(Creative Commons Public Domain Dedication, as stated in every SVG: cc:license PublicDomain).';
  const notice = [
    'Open Clip Art Library 0.18 — image–caption folder',
    '',
    `Source: the Open Clip Art Library, version 0.18 (Debian package openclipart-svg), read from ${from}.`,
    'Licence: public domain (see LICENSE). No attribution is required; the authors are credited in each',
    'record\'s "author" field (the SVG\'s dc:creator) as a courtesy.',
    '',
    'Changes: each SVG rasterised to a square PNG on a white background (aspect ratio kept); captions are the',
    'SVG titles (dc:title), keywords its dc:subject. Made by @contrastive/multimodal (buildOpenClipArtFolder).',
  ].join('\n');
  return writeCaptionFolder('openclipart', from, candidates, skips, { license, notice }, opts, started);
}

function elementText(xml: string, tag: string): string | null {
  const m = new RegExp(`<${tag}\\b[^>]*?(?:/>|>([\\s\\S]*?)</${tag}>)`).exec(xml);
  if (!m) return null;
  return collapse(decodeXml(m[1] ?? ''));
}

function collapse(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}

/** XML text content: CDATA sections kept verbatim, tags dropped, the five named entities and numeric references decoded. */
function decodeXml(s: string): string {
  return s.replace(
    /<!\[CDATA\[([\s\S]*?)\]\]>|<[^>]*>|&(#x[0-9a-fA-F]+|#[0-9]+|amp|lt|gt|quot|apos);/g,
    (whole, cdata: string | undefined, ent: string | undefined) => {
      if (cdata !== undefined) return cdata;
      if (whole.startsWith('<')) return ' '; // markup inside a text element (e.g. an rdf:Alt): its text only
      if (ent === undefined) return whole;
      if (ent.startsWith('#x')) return safeCodePoint(Number.parseInt(ent.slice(2), 16), whole);
      if (ent.startsWith('#')) return safeCodePoint(Number.parseInt(ent.slice(1), 10), whole);
      return { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" }[ent as 'amp'];
    },
  );
}

function safeCodePoint(cp: number, fallback: string): string {
  return cp >= 0 && cp <= 0x10ffff ? String.fromCodePoint(cp) : fallback;
}
