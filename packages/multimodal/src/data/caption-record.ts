/**
 * One line of an image–caption folder's `captions.jsonl`, its checks and its serialisation. Browser-safe (no
 * `node:` import): the Node reader (`openCaptionFolder`) and the builders use it, and so can a browser app that
 * fetched the file.
 *
 * The folder format (users bring their own):
 * ```
 * DIR/captions.jsonl   one JSON object per line (blank lines are skipped)
 * DIR/<image paths>    the images, at any depth below DIR
 * ```
 * with each line
 * `{"image": "images/owl.png", "caption": "An owl.", "captions"?: {"de": "Eine Eule.", …}, "keywords"?: ["bird"],
 *   "source"?: "…", "author"?: "…", "split"?: "train" | "test", "class"?: "animals"}`.
 */
import { CaptionDataError } from './errors.js';

/** The name of the caption file inside an image–caption folder. */
export const CAPTIONS_FILE = 'captions.jsonl';

/** The two sides of a train / test split. */
export const CAPTION_SPLITS = ['train', 'test'] as const;
/** `'train'` or `'test'`. */
export type CaptionSplit = (typeof CAPTION_SPLITS)[number];

/** One image–caption pair: a line of `captions.jsonl`. */
export interface CaptionRecord {
  /** The image's path relative to the folder, `/`-separated, normalised (no `.` or `..` segments). */
  image: string;
  /** The caption (English for the builders here): a non-empty string. */
  caption: string;
  /**
   * Further captions of the same image by key: other languages (`"de"`, `"pt_BR"`, Tux Paint's locale names) or
   * paraphrases — UNIMO's positive rewrites. Each a non-empty string.
   */
  captions?: Readonly<Record<string, string>>;
  /** Keywords or tags (OpenClipArt's `dc:subject`, OpenMoji's tags), each non-empty. */
  keywords?: readonly string[];
  /** Where the pair came from (`"tuxpaint:animals/birds/owl.svg"`), for attribution and messages. */
  source?: string;
  /** The image's author, where the source names one (OpenClipArt's `dc:creator`, OpenMoji's `openmoji_author`). */
  author?: string;
  /** The record's side of a fixed split; when no record has one, a seeded split is computed (`splitRecords`). */
  split?: CaptionSplit;
  /** A category (Tux Paint's and OpenClipArt's top folder, OpenMoji's group): the dataset's labels. */
  class?: string;
}

/** The fields of a {@link CaptionRecord}, in the order {@link formatCaptionLine} writes them. */
export const CAPTION_FIELDS = ['image', 'caption', 'captions', 'keywords', 'source', 'author', 'split', 'class'] as const;

/** A parsed line: the record and the names of fields it had that are not {@link CAPTION_FIELDS} (ignored). */
export interface ParsedCaptionLine {
  record: CaptionRecord;
  unknownFields: string[];
}

/**
 * `image` normalised to a `/`-separated path inside the folder, or a sentence saying why it cannot be one: empty,
 * absolute (`/x`, `C:\x`), with a backslash (use `/`), with a NUL, or climbing above the folder with `..`
 * (`a/../b` is fine and becomes `b`). Lexical only: the Node reader also resolves links.
 */
export function normaliseImagePath(image: string): { path: string } | { problem: string } {
  if (image.length === 0) return { problem: 'is empty' };
  if (image.includes('\0')) return { problem: 'contains a NUL character' };
  if (image.includes('\\')) return { problem: "contains a backslash (separate folders with '/')" };
  if (image.startsWith('/') || /^[A-Za-z]:/.test(image)) return { problem: 'is absolute (it must be relative to the folder)' };
  const parts: string[] = [];
  for (const seg of image.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') {
      if (parts.length === 0) return { problem: 'escapes the folder (a .. climbs above it)' };
      parts.pop();
    } else parts.push(seg);
  }
  if (parts.length === 0) return { problem: 'names the folder itself, not a file' };
  return { path: parts.join('/') };
}

/** Why `caption` is not usable (not a string, or empty / only whitespace), or `null` when it is. */
export function captionProblem(caption: unknown): string | null {
  if (typeof caption !== 'string') return `must be a string, got ${describe(caption)}`;
  if (caption.trim().length === 0) return caption.length === 0 ? 'is empty' : 'is only whitespace';
  return null;
}

/**
 * Parses one non-blank line of `captions.jsonl`. Throws a {@link CaptionDataError} naming `file` and `line` for
 * a line that is not JSON, not an object, or has a bad field: no `image` or `caption`, an image path that
 * escapes the folder ({@link normaliseImagePath}), an empty caption, `captions` that is not an object of
 * non-empty strings, `keywords` that is not an array of non-empty strings, `split` other than train / test,
 * or `source` / `author` / `class` that is not a non-empty string.
 */
export function parseCaptionLine(text: string, file: string, line: number): ParsedCaptionLine {
  const fail = (message: string): never => {
    throw new CaptionDataError(file, line, message);
  };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return fail(`not valid JSON (${(err as Error).message}): ${preview(text)}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return fail(`expected a JSON object {"image": …, "caption": …}, got ${describe(value)}`);
  }
  const o = value as Record<string, unknown>;
  if (!('image' in o)) fail('has no "image" field (the image path relative to the folder)');
  if (typeof o.image !== 'string') fail(`"image" must be a string, got ${describe(o.image)}`);
  const image = normaliseImagePath(o.image as string);
  if ('problem' in image) return fail(`image path ${JSON.stringify(o.image)} ${image.problem}`);
  if (!('caption' in o)) fail(`has no "caption" field (image ${JSON.stringify(o.image)})`);
  const cp = captionProblem(o.caption);
  if (cp !== null) fail(`empty caption: "caption" ${cp} (image ${JSON.stringify(o.image)})`);
  const record: CaptionRecord = { image: image.path, caption: o.caption as string };
  if (o.captions !== undefined) {
    if (typeof o.captions !== 'object' || o.captions === null || Array.isArray(o.captions)) {
      fail(`"captions" must be an object of strings by language or name, got ${describe(o.captions)}`);
    }
    const captions: Record<string, string> = {};
    for (const [key, c] of Object.entries(o.captions as Record<string, unknown>)) {
      if (key.length === 0) fail('"captions" has an empty key');
      const p = captionProblem(c);
      if (p !== null) fail(`empty caption: "captions".${JSON.stringify(key)} ${p}`);
      captions[key] = c as string;
    }
    record.captions = captions;
  }
  if (o.keywords !== undefined) {
    if (!Array.isArray(o.keywords)) fail(`"keywords" must be an array of strings, got ${describe(o.keywords)}`);
    (o.keywords as unknown[]).forEach((k, i) => {
      if (typeof k !== 'string' || k.trim().length === 0) fail(`"keywords"[${i}] must be a non-empty string, got ${describe(k)}`);
    });
    record.keywords = [...(o.keywords as string[])];
  }
  for (const key of ['source', 'author', 'class'] as const) {
    const v = o[key];
    if (v === undefined) continue;
    if (typeof v !== 'string' || v.trim().length === 0) fail(`"${key}" must be a non-empty string, got ${describe(v)}`);
    record[key] = v as string;
  }
  if (o.split !== undefined) {
    if (!(CAPTION_SPLITS as readonly unknown[]).includes(o.split)) fail(`"split" must be "train" or "test", got ${describe(o.split)}`);
    record.split = o.split as CaptionSplit;
  }
  const known = new Set<string>(CAPTION_FIELDS);
  return { record, unknownFields: Object.keys(o).filter((k) => !known.has(k)) };
}

/** One `captions.jsonl` line (no newline) for `record`: fields in {@link CAPTION_FIELDS} order, absent ones left out. */
export function formatCaptionLine(record: CaptionRecord): string {
  const o: Record<string, unknown> = {};
  for (const key of CAPTION_FIELDS) if (record[key] !== undefined) o[key] = record[key];
  return JSON.stringify(o);
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return v.length === 0 ? 'an empty string' : `the string ${preview(JSON.stringify(v))}`;
  if (typeof v === 'object') return 'an object';
  return `${typeof v} ${String(v)}`;
}

function preview(text: string): string {
  return text.length > 80 ? `${text.slice(0, 77)}…` : text;
}
